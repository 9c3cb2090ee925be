/**
 * The request inspector's state: the summaries of the captured requests (the core sends
 * summaries in batches; a full record is fetched when a row is selected), the filter, pause,
 * pins, the selection and its record, saved filters (kept by the core: getSettings), and an
 * imported HAR to view instead of the live capture. Made once per connection (Shell.svelte),
 * so switching views keeps all of it and loads nothing again.
 *
 * Scale: rows live in plain arrays, not deep $state, and a `version` counter tells the list
 * to re-slice; a batch of 500 summaries costs one filter pass over the batch, not the list.
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
/** Where saved filters lived before the core kept them (the desktop app's origin is stable). */
const LEGACY_SAVED_KEY = 'perlbal-desktop.inspector.saved-filters';

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
  /** The selected row's full record (or why it could not be had). */
  selected = $state.raw<RequestRecord | null>(null);
  selectedError = $state<string | null>(null);
  /** Listener name -> `ip:port`, for copy as curl. */
  listeners = $state.raw<ReadonlyMap<string, string>>(new Map());
  /** Saved filters, kept by the core (getSettings / saveSettings). */
  savedFilters = $state<string[]>([]);

  /** Every summary held (live or imported), oldest first. */
  #all: RequestSummary[] = [];
  /** The ones the filter keeps, oldest first: raw state, so reassigning is seen; pushes bump `version`. */
  rows = $state.raw<RequestSummary[]>([]);
  /** Ids the last full load returned: a batch event may carry them again. */
  #loadedIds = new Set<number>();
  #test: (s: FilterSubject) => boolean = () => true;
  #headerFilter = false;
  #pendingSummaries: RequestSummary[] = [];
  /** Header-filter matches of arriving summaries, asked of the core in arrival order. */
  #coreMatches: Promise<void> = Promise.resolve();
  #importedRecords = new Map<number, RequestRecord>();
  #methods = new Set<string>();
  #hosts = new Set<string>();
  readonly #client: CoreClient;
  #off: (() => void) | null = null;
  /** Bumped by each full load (and an import): an older load's answer is dropped. */
  #reload = 0;
  /** Bumped by each filter (and an import): older header-filter answers are dropped. */
  #filterGen = 0;
  #started = false;

  constructor(client: CoreClient) {
    this.#client = client;
  }

  /** Load what the core captured so far, then follow new requests. Runs once. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#off = this.#client.on('requests', (b) => this.#onBatch(b.summaries, b.dropped));
    void this.#loadSettings();
    void this.#loadNames();
    await this.#loadFromCore();
  }

  /** Services, pools and nodes for autocomplete, and the listeners for copy as curl. */
  async #loadNames(): Promise<void> {
    try {
      const status = await this.#client.getStatus();
      this.known = {
        ...this.known,
        service: status.services.map((s) => s.name),
        pool: status.pools.map((p) => p.name),
        node: [...new Set(status.pools.flatMap((p) => p.nodes.map((n) => n.node)))],
      };
      this.listeners = new Map(
        status.services.flatMap((x) => (x.listening[0] ? [[x.name, x.listening[0]]] : [])),
      );
    } catch {
      /* autocomplete without names is still autocomplete */
    }
  }

  /** Saved filters from the core; ones an older version kept in localStorage move there once. */
  async #loadSettings(): Promise<void> {
    try {
      const settings = await this.#client.getSettings();
      this.savedFilters = settings.savedFilters;
      const legacy = readLegacyFilters();
      if (legacy.length === 0) return;
      const merged = [...new Set([...settings.savedFilters, ...legacy])].slice(0, 100);
      await this.saveFilters(merged);
      globalThis.localStorage?.removeItem(LEGACY_SAVED_KEY);
    } catch (e) {
      this.message = `Saved filters: ${(e as Error).message}`;
    }
  }

  /** Keep `list` as the saved filters (in the core's settings file). */
  async saveFilters(list: string[]): Promise<void> {
    const before = this.savedFilters;
    this.savedFilters = list;
    try {
      this.savedFilters = (await this.#client.saveSettings({ savedFilters: list })).savedFilters;
    } catch (e) {
      this.savedFilters = before;
      this.message = `Filters not saved: ${(e as Error).message}`;
    }
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

  #onBatch(summaries: RequestSummary[], dropped: number): void {
    this.dropped += dropped;
    if (this.imported) return;
    if (this.paused) {
      this.#pendingSummaries.push(...summaries);
      if (this.#pendingSummaries.length > MAX_PENDING)
        this.#pendingSummaries.splice(0, this.#pendingSummaries.length - MAX_PENDING);
      this.pending = this.#pendingSummaries.length;
      return;
    }
    this.#append(summaries);
  }

  #append(summaries: RequestSummary[]): void {
    const fresh = summaries.filter((s) => !this.#loadedIds.delete(s.id));
    for (const s of fresh) {
      this.#all.push(s);
      this.#learn(s);
      if (!this.#headerFilter && this.#test(s)) this.rows.push(s);
    }
    // Summaries carry no headers: the core, which kept them, answers header: terms.
    if (this.#headerFilter && fresh.length > 0) this.#matchOnCore(fresh);
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

  /**
   * Which of `batch` match the (header) filter, asked of the core. The newest matches there
   * include the batch's (requests newer than it may come first, hence the margin); calls are
   * chained so rows stay in arrival order, and a refilter meanwhile (a new ticket) wins.
   */
  #matchOnCore(batch: RequestSummary[]): void {
    const ticket = this.#filterGen;
    const filter = this.filterText;
    const byId = new Map(batch.map((s) => [s.id, s]));
    this.#coreMatches = this.#coreMatches.then(async () => {
      try {
        const matched = await this.#matchingIds(filter, Math.min(MAX_ROWS, batch.length + 2000));
        if (ticket !== this.#filterGen || this.imported) return;
        const last = this.rows.at(-1)?.id ?? -Infinity;
        const hits = matched.filter((id) => byId.has(id) && id > last);
        if (hits.length === 0) return;
        this.rows.push(...hits.map((id) => byId.get(id)!));
        this.version++;
      } catch (e) {
        this.message = (e as Error).message;
      }
    });
  }

  /**
   * The ids of the newest `limit` captured requests `filter` matches, asked of the core. Ids
   * only: the summaries are here already, and 100,000 of them are megabytes of JSON.
   */
  async #matchingIds(filter: string, limit: number): Promise<number[]> {
    const list = await this.#client.listRequests({ filter, limit, idsOnly: true });
    return list.ids ?? list.summaries.map((s) => s.id);
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
    // A new filter outdates header matches still on their way, not a load of the list.
    this.#filterGen++;
    await this.#refilter();
  }

  /**
   * Summaries alone answer every term but `header:`; for that the core (which kept the
   * headers) filters, or for an imported file, the records held here.
   */
  async #refilter(): Promise<void> {
    if (this.#headerFilter && !this.imported) {
      const ticket = ++this.#filterGen;
      try {
        const matched = await this.#matchingIds(this.filterText, MAX_ROWS);
        if (ticket !== this.#filterGen) return;
        const ids = new Set(matched);
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
    if (!this.paused && this.#pendingSummaries.length > 0) {
      const held = this.#pendingSummaries;
      this.#pendingSummaries = [];
      this.pending = 0;
      this.#append(held);
    }
  }

  /** Select a row and fetch its full record (from the core, a pin or the imported file). */
  async select(id: number): Promise<void> {
    this.selectedId = id;
    this.selectedError = null;
    if (this.selected?.id !== id) this.selected = null;
    try {
      const r = await this.detail(id);
      if (this.selectedId === id) this.selected = r;
    } catch (e) {
      if (this.selectedId !== id) return;
      this.selected = null;
      this.selectedError = (e as Error).message;
    }
  }

  closeDetail(): void {
    this.selectedId = null;
    this.selected = null;
    this.selectedError = null;
  }

  /** Empty the list and the core's capture; pinned requests stay. */
  async clear(): Promise<void> {
    this.#all = [];
    this.rows = [];
    this.#loadedIds.clear();
    this.#pendingSummaries = [];
    this.pending = 0;
    this.dropped = 0;
    if (!this.pinned.some((p) => p.id === this.selectedId)) this.closeDetail();
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
    this.#filterGen++;
    this.imported = name;
    this.#importedRecords = new Map(records.map((r) => [r.id, r]));
    this.#all = records.map(summarize);
    this.closeDetail();
    void this.#refilter();
  }

  async backToLive(): Promise<void> {
    this.imported = null;
    this.#importedRecords = new Map();
    this.#all = [];
    this.rows = [];
    this.closeDetail();
    this.version++;
    await this.#loadFromCore();
  }

  async resend(id: number): Promise<string> {
    const r = await this.#client.resendRequest(id);
    return `Resent to ${r.target}: ${r.status || 'no status'}`;
  }
}

function readLegacyFilters(): string[] {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(LEGACY_SAVED_KEY) ?? '[]');
    return Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '')
      : [];
  } catch {
    return [];
  }
}
