/**
 * The request inspector's state: the summaries of the captured requests (never the full
 * records: those are fetched when a row is selected), the filter, pause, pins, the selection,
 * and an imported HAR to view instead of the live capture.
 *
 * Scale: rows live in plain arrays, not deep $state, and a `version` counter tells the list
 * to re-slice; a batch of 500 records costs one filter pass over the batch, not the list.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- these Sets and Maps are bookkeeping
   nothing renders from; reactive ones would cost a signal per entry at 100,000 rows. */
import type { CoreClient } from '../../../../proxy-core/src/common/api/index.js';
import {
  compileFilter,
  subjectOf,
  type FilterSubject,
} from '../../../../proxy-core/src/common/inspector/filter-eval.js';
import {
  parseFilter,
  type FilterExpr,
} from '../../../../proxy-core/src/common/inspector/filter-parse.js';
import type { KnownValues } from '../../../../proxy-core/src/common/inspector/filter-suggest.js';
import {
  summarize,
  type RequestSummary,
} from '../../../../proxy-core/src/common/inspector/request-summary.js';
import type { RequestRecord } from '../../../../proxy-core/src/common/request-record.js';

/** As many rows as the core keeps by default. */
export const MAX_ROWS = 100_000;
/** While paused, at most this many arrivals wait to be shown. */
const MAX_PENDING = 20_000;

function usesHeaders(e: FilterExpr): boolean {
  switch (e.kind) {
    case 'and':
    case 'or':
      return usesHeaders(e.left) || usesHeaders(e.right);
    case 'not':
      return usesHeaders(e.expr);
    case 'term':
      return e.field === 'header';
    default:
      return false;
  }
}

export class InspectorState {
  /** Bumped whenever `rows` changes in place. */
  version = $state(0);
  filterText = $state('');
  filterError = $state<{ message: string; offset: number } | null>(null);
  paused = $state(false);
  pending = $state(0);
  dropped = $state(0);
  selectedId = $state<number | null>(null);
  pinned = $state<RequestSummary[]>([]);
  /** Name of the HAR file being viewed, or null for the live capture. */
  imported = $state<string | null>(null);
  message = $state<string | null>(null);
  known = $state<KnownValues>({});

  /** Every summary held (live or imported), oldest first. */
  #all: RequestSummary[] = [];
  /** The ones the filter keeps, oldest first: raw state, so reassigning is seen; pushes bump `version`. */
  rows = $state.raw<RequestSummary[]>([]);
  /** Ids the last full load returned: a batch event may carry them again. */
  #loadedIds = new Set<number>();
  #test: (s: FilterSubject) => boolean = () => true;
  #headerFilter = false;
  #pendingRecords: RequestRecord[] = [];
  #importedRecords = new Map<number, RequestRecord>();
  #methods = new Set<string>();
  #hosts = new Set<string>();
  readonly #client: CoreClient;
  #off: (() => void) | null = null;
  #reload = 0;

  constructor(client: CoreClient) {
    this.#client = client;
  }

  /** Load what the core captured before the view opened, then follow new requests. */
  async start(): Promise<void> {
    this.#off = this.#client.on('requests', (b) => this.#onBatch(b.records, b.dropped));
    try {
      const status = await this.#client.getStatus();
      this.known = {
        ...this.known,
        service: status.services.map((s) => s.name),
        pool: status.pools.map((p) => p.name),
        node: [...new Set(status.pools.flatMap((p) => p.nodes.map((n) => n.node)))],
      };
    } catch {
      /* autocomplete without names is still autocomplete */
    }
    await this.#loadFromCore();
  }

  stop(): void {
    this.#off?.();
    this.#off = null;
  }

  async #loadFromCore(): Promise<void> {
    const ticket = ++this.#reload;
    try {
      const list = await this.#client.listRequests({ limit: MAX_ROWS });
      if (ticket !== this.#reload || this.imported) return;
      // Records that arrived by event while the list was on its way are already in it.
      const seen = new Set(list.summaries.map((s) => s.id));
      this.#loadedIds = seen;
      const newer = this.#all.filter((s) => !seen.has(s.id));
      this.#all = [...list.summaries, ...newer];
      for (const s of this.#all) this.#learn(s);
      await this.#refilter();
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  #onBatch(records: RequestRecord[], dropped: number): void {
    this.dropped += dropped;
    if (this.imported) return;
    if (this.paused) {
      this.#pendingRecords.push(...records);
      if (this.#pendingRecords.length > MAX_PENDING)
        this.#pendingRecords.splice(0, this.#pendingRecords.length - MAX_PENDING);
      this.pending = this.#pendingRecords.length;
      return;
    }
    this.#append(records);
  }

  #append(records: RequestRecord[]): void {
    for (const r of records) {
      if (this.#loadedIds.delete(r.id)) continue;
      const s = summarize(r);
      this.#all.push(s);
      this.#learn(s);
      // The full record is here now: header terms can be answered without the core.
      if (this.#test(subjectOf(r))) this.rows.push(s);
    }
    if (this.#all.length > MAX_ROWS) {
      const cut = this.#all.length - MAX_ROWS;
      const oldest = this.#all[cut]!.id;
      this.#all.splice(0, cut);
      let i = 0;
      while (i < this.rows.length && this.rows[i]!.id < oldest) i++;
      if (i > 0) this.rows.splice(0, i);
    }
    this.version++;
  }

  #learn(s: RequestSummary): void {
    const before = this.#methods.size + this.#hosts.size;
    if (this.#methods.size < 50) this.#methods.add(s.method);
    if (this.#hosts.size < 200 && s.host) this.#hosts.add(s.host);
    if (this.#methods.size + this.#hosts.size !== before)
      this.known = { ...this.known, method: [...this.#methods], host: [...this.#hosts] };
  }

  async setFilter(text: string): Promise<void> {
    this.filterText = text;
    const p = parseFilter(text);
    if (!p.ok) {
      this.filterError = p.error;
      return;
    }
    this.filterError = null;
    const compiled = compileFilter(text);
    if (!compiled.ok) return;
    this.#test = compiled.test;
    this.#headerFilter = usesHeaders(p.expr);
    await this.#refilter();
  }

  /**
   * Summaries alone answer every term but `header:`; for that the core (which kept the
   * headers) filters, or for an imported file, the records held here.
   */
  async #refilter(): Promise<void> {
    if (this.#headerFilter && !this.imported) {
      const ticket = ++this.#reload;
      try {
        const list = await this.#client.listRequests({ filter: this.filterText, limit: MAX_ROWS });
        if (ticket !== this.#reload) return;
        const ids = new Set(list.summaries.map((s) => s.id));
        this.rows = this.#all.filter((s) => ids.has(s.id));
      } catch (e) {
        this.message = (e as Error).message;
      }
    } else if (this.imported) {
      this.rows = this.#all.filter((s) => this.#test(subjectOf(this.#importedRecords.get(s.id)!)));
    } else {
      this.rows = this.#all.filter((s) => this.#test(s));
    }
    this.version++;
  }

  togglePause(): void {
    this.paused = !this.paused;
    if (!this.paused && this.#pendingRecords.length > 0) {
      const recs = this.#pendingRecords;
      this.#pendingRecords = [];
      this.pending = 0;
      this.#append(recs);
    }
  }

  /** Empty the list and the core's capture; pinned requests stay. */
  async clear(): Promise<void> {
    this.#all = [];
    this.rows = [];
    this.#loadedIds.clear();
    this.#pendingRecords = [];
    this.pending = 0;
    this.dropped = 0;
    if (!this.pinned.some((p) => p.id === this.selectedId)) this.selectedId = null;
    this.version++;
    if (this.imported) return;
    try {
      await this.#client.clearRequests();
    } catch (e) {
      this.message = (e as Error).message;
    }
  }

  togglePin(s: RequestSummary): void {
    if (this.isPinned(s.id)) {
      this.pinned = this.pinned.filter((p) => p.id !== s.id);
      this.#pinnedRecords.delete(s.id);
      return;
    }
    this.pinned = [...this.pinned, s];
    // Fetch now, while the core still has it, so the pin outlives a clear.
    void this.detail(s.id).catch(() => undefined);
  }

  isPinned(id: number): boolean {
    return this.pinned.some((p) => p.id === id);
  }

  /** The full record of a row: from the core, or from the imported file. */
  async detail(id: number): Promise<RequestRecord> {
    const local = this.#importedRecords.get(id) ?? this.#pinnedRecords.get(id);
    if (local) return local;
    const r = await this.#client.getRequestDetail(id);
    if (this.isPinned(id)) this.#pinnedRecords.set(id, r);
    return r;
  }

  /** Pinned requests survive a clear: their records are kept here once seen. */
  #pinnedRecords = new Map<number, RequestRecord>();

  /** Full records of `rows` (for HAR export), fetched in chunks to keep the transport calm. */
  async records(rows: readonly RequestSummary[]): Promise<RequestRecord[]> {
    const out: RequestRecord[] = [];
    for (let i = 0; i < rows.length; i += 50) {
      const chunk = rows.slice(i, i + 50);
      const got = await Promise.all(chunk.map((s) => this.detail(s.id).catch(() => null)));
      for (const r of got) if (r) out.push(r);
    }
    return out;
  }

  allRows(): readonly RequestSummary[] {
    return this.#all;
  }

  showImported(name: string, records: RequestRecord[]): void {
    this.#reload++;
    this.imported = name;
    this.#importedRecords = new Map(records.map((r) => [r.id, r]));
    this.#all = records.map(summarize);
    this.selectedId = null;
    void this.#refilter();
  }

  async backToLive(): Promise<void> {
    this.imported = null;
    this.#importedRecords = new Map();
    this.#all = [];
    this.rows = [];
    this.selectedId = null;
    this.version++;
    await this.#loadFromCore();
  }

  async resend(id: number): Promise<string> {
    const r = await this.#client.resendRequest(id);
    return `Resent to ${r.target}: ${r.status || 'no status'}`;
  }
}
