/**
 * The request inspector's capture: the last N request records and their bodies' first bytes,
 * bounded by count and by an estimate of their memory, oldest dropped first (over the byte
 * limit, the oldest bodies go before any record does). The UI holds summaries only and asks
 * here for one record when a row is selected, and for the matching summaries when a filter
 * needs the headers of requests it never saw (header: terms, or records from before it opened).
 *
 * A record is not kept as the object the core emitted (~4-6 KB of small arrays and strings
 * each): it is kept as its summary (the list's row, which the filter reads), a code of
 * interned header-pair ids (capture-pairs.ts; the route facts interned the same way) and a
 * short JSON of its own numbers (timings, bytes in, reproxy hops, error), and rebuilt when
 * asked for. `bytes` is an estimate of all of it, calibrated against V8's heap
 * (bench/capture-memory.mjs and docs/performance.md).
 */
import type {
  CaptureLimits,
  RequestList,
  RequestListQuery,
} from '../../common/inspector/capture-api.js';
import { compileFilter, headerSpec } from '../../common/inspector/filter-eval.js';
import { summarize, type RequestSummary } from '../../common/inspector/request-summary.js';
import type { HeaderList, RequestRecord } from '../../common/request-record.js';
import { PerlbalError } from '../../common/errors.js';
import type { BodyBytes, RecordBodies } from '../record/body-tap.js';
import { capturedBody } from './body-decode.js';
import { PairTable, stringBytes } from './capture-pairs.js';

export const DEFAULT_CAPTURE_LIMITS: CaptureLimits = {
  maxRecords: 100_000,
  maxBytes: 256 * 1024 * 1024,
  maxBodyBytes: 64 * 1024,
};

/**
 * Memory of one entry beyond its strings and interned pairs: the Map slot, the Entry, the
 * summary object with its two heap numbers. Measured, rounded up (docs/performance.md).
 */
const ENTRY_OVERHEAD = 520;
/**
 * A body is kept as a latin1 string (a byte a character, on the heap): a Buffer would cost
 * ~270 bytes of objects besides its bytes, and most bodies are small.
 */
interface StoredBody {
  data: string;
  size: number;
}
interface StoredBodies {
  request?: StoredBody;
  response?: StoredBody;
}
/** The objects holding an entry's bodies (one or two). */
const BODIES_OVERHEAD = 120;
/** Header lists in a record's code, in this order. */
const LISTS = 4;
/** Low-cardinality strings (hosts, methods, services, nodes) shared between entries. */
const MAX_INTERNED = 4096;

class Entry {
  constructor(
    readonly s: RequestSummary,
    /** Interned header pairs and route facts (capture-pairs.ts). */
    readonly code: string,
    /** JSON of the record's other fields (timings, bytes in, reproxy hops, error, ...). */
    readonly own: string,
    /** Estimated memory without the bodies. */
    readonly bytes: number,
    public bodies: StoredBodies | null,
    public bodyBytes: number,
  ) {}

  dropped = false;
}

export class RequestCapture {
  /** By id, for detail; `#order` is the same entries oldest first, from `#head`. */
  readonly #entries = new Map<number, Entry>();
  #order: Array<Entry | undefined> = [];
  #head = 0;
  readonly #pairs = new PairTable(LISTS);
  /** Entries with bodies, oldest first, from `#bodyHead` (the first bodies to drop). */
  #withBodies: Array<Entry | undefined> = [];
  #bodyHead = 0;
  #recordBytes = 0;
  #bodyBytes = 0;
  #evicted = 0;
  readonly #strings = new Map<string, string>();
  readonly #tags = new Map<string, string[]>();
  /** The last record's route facts as text: the next record's are mostly the same. */
  #lastMeta: LastMeta | null = null;
  readonly limits: CaptureLimits;

  constructor(limits: Partial<CaptureLimits> = {}) {
    this.limits = { ...DEFAULT_CAPTURE_LIMITS, ...limits };
  }

  add(record: RequestRecord, bodies?: RecordBodies): void {
    const s = summarize(record);
    let bytes = ENTRY_OVERHEAD + stringBytes(s.uri) + stringBytes(s.client);
    s.method = this.#intern(s.method);
    s.service = this.#intern(s.service);
    if (s.pool !== undefined) s.pool = this.#intern(s.pool);
    if (s.node !== undefined) s.node = this.#intern(s.node);
    s.host = this.#intern(s.host);
    if (!this.#strings.has(s.host)) bytes += stringBytes(s.host);
    s.tags = this.#internTags(s.tags);
    const { meta, lists, own } = split(record, this.#lastMeta);
    this.#lastMeta = { record, text: meta };
    const pairsBefore = this.#pairs.bytes;
    const code = this.#pairs.encode(meta, lists);
    bytes += stringBytes(own) + 2 * code.length + 16;
    const e = new Entry(s, code, own, bytes, null, 0);
    if (bodies && (bodies.request || bodies.response)) {
      const stored: StoredBodies = {};
      if (bodies.request) stored.request = storeBody(bodies.request);
      if (bodies.response) stored.response = storeBody(bodies.response);
      e.bodies = stored;
      e.bodyBytes =
        BODIES_OVERHEAD +
        (stored.request ? stringBytes(stored.request.data) : 0) +
        (stored.response ? stringBytes(stored.response.data) : 0);
      this.#bodyBytes += e.bodyBytes;
      this.#withBodies.push(e);
    }
    // The pairs this record added first are part of what it costs while it is kept.
    this.#recordBytes += bytes + (this.#pairs.bytes - pairsBefore);
    this.#entries.set(s.id, e);
    this.#order.push(e);
    this.#trim();
  }

  /** Total estimated memory: records, interned pairs, bodies. */
  get bytes(): number {
    return this.#recordBytes + this.#bodyBytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  #trim(): void {
    const l = this.limits;
    while (this.#entries.size > l.maxRecords) this.#evictOldest();
    while (this.bytes > l.maxBytes && this.#bodyHead < this.#withBodies.length)
      this.#dropOldestBodies();
    while (this.bytes > l.maxBytes && this.#entries.size > 1) this.#evictOldest();
  }

  #evictOldest(): void {
    // A FIFO array, not the Map's first key: V8 skips a Map's deleted slots on every
    // iteration from the start, which makes evicting from a Map quadratic.
    const e = this.#order[this.#head]!;
    // The slot lets go of it now, not at the next compaction (up to maxRecords later).
    this.#order[this.#head++] = undefined;
    if (this.#head > 4096 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
    this.#entries.delete(e.s.id);
    // Both queues are in arrival order: an evicted entry with bodies heads the bodies' queue.
    if (this.#withBodies[this.#bodyHead] === e) this.#shiftBodies();
    const pairsBefore = this.#pairs.bytes;
    this.#pairs.release(e.code);
    // Pairs freed with this record leave with it; shared ones stay with their other users.
    this.#recordBytes -= e.bytes + (pairsBefore - this.#pairs.bytes);
    this.#dropBodies(e);
    this.#evicted++;
  }

  #dropOldestBodies(): void {
    const e = this.#shiftBodies();
    if (e.bodies) {
      this.#dropBodies(e);
      e.dropped = true;
    }
  }

  /** Take the oldest entry off the bodies' queue, letting go of its slot. */
  #shiftBodies(): Entry {
    const e = this.#withBodies[this.#bodyHead]!;
    this.#withBodies[this.#bodyHead++] = undefined;
    // Compact the queue now and then, so it does not grow with every body ever seen.
    if (this.#bodyHead > 1024 && this.#bodyHead * 2 > this.#withBodies.length) {
      this.#withBodies = this.#withBodies.slice(this.#bodyHead);
      this.#bodyHead = 0;
    }
    return e;
  }

  #dropBodies(e: Entry): void {
    if (!e.bodies) return;
    this.#bodyBytes -= e.bodyBytes;
    e.bodies = null;
    e.bodyBytes = 0;
  }

  #intern(s: string): string {
    const known = this.#strings.get(s);
    if (known !== undefined) return known;
    if (this.#strings.size < MAX_INTERNED) {
      this.#strings.set(s, s);
      // Counted once, here, for as long as the capture lives (bounded by MAX_INTERNED).
      this.#recordBytes += stringBytes(s) + 64;
    }
    return s;
  }

  #internTags(tags: string[]): string[] {
    const key = tags.join('\n');
    const known = this.#tags.get(key);
    if (known !== undefined) return known;
    if (this.#tags.size < MAX_INTERNED) {
      const copy = tags.map((t) => this.#intern(t));
      this.#tags.set(key, copy);
      this.#recordBytes += 64 + 8 * copy.length;
      return copy;
    }
    return tags;
  }

  #entry(id: unknown): Entry {
    const e = typeof id === 'number' ? this.#entries.get(id) : undefined;
    if (!e)
      throw new PerlbalError(
        'PB_ERR_API_NOT_FOUND',
        `Request ${JSON.stringify(id)} is not in the capture (cleared, or dropped to stay within its limits)`,
      );
    return e;
  }

  /** The whole record, rebuilt (with its captured bodies, decoded for viewing). */
  get(id: unknown): RequestRecord {
    const e = this.#entry(id);
    const r = join(e.s, this.#pairs.decode(e.code), e.own);
    const b = e.bodies;
    if (b?.request) r.requestBody = capturedBody(loadBody(b.request), r.requestHeaders, false);
    if (b?.response) r.responseBody = capturedBody(loadBody(b.response), r.responseHeaders, true);
    if (e.dropped) r.bodiesDropped = true;
    return r;
  }

  /** The request body as the client sent it, when the capture kept all of it; else null. */
  requestBytes(id: unknown): Buffer | null {
    const b = this.#entry(id).bodies?.request;
    return b && b.data.length === b.size ? Buffer.from(b.data, 'latin1') : null;
  }

  list(query: unknown = {}): RequestList {
    const q = checkQuery(query);
    let cur: Entry | null = null;
    let test: ((s: RequestSummary) => boolean) | null = null;
    if (q.filter) {
      const matchers = new Map<string, (code: string) => boolean>();
      const f = compileFilter(q.filter, (spec) => {
        let m = matchers.get(spec);
        if (!m) {
          const { name, value } = headerSpec(spec);
          m = this.#pairs.matcher(name, value);
          matchers.set(spec, m);
        }
        return m(cur!.code);
      });
      if (!f.ok)
        throw new PerlbalError(
          'PB_ERR_API_INVALID_ARGUMENT',
          `Filter error at ${f.offset + 1}: ${f.message}`,
        );
      test = f.test;
    }
    const limit = Math.min(q.limit ?? this.limits.maxRecords, this.limits.maxRecords);
    const all = this.#order;
    const out: RequestSummary[] = [];
    for (let i = all.length - 1; i >= this.#head && out.length < limit; i--) {
      const e = all[i]!;
      if (q.beforeId !== undefined && e.s.id >= q.beforeId) continue;
      cur = e;
      if (test && !test(e.s)) continue;
      out.push(e.s);
    }
    out.reverse();
    return {
      ...(q.idsOnly ? { summaries: [], ids: out.map((s) => s.id) } : { summaries: out }),
      captured: this.#entries.size,
      evicted: this.#evicted,
      bytes: this.bytes,
      limits: this.limits,
    };
  }

  clear(): void {
    this.#entries.clear();
    this.#order = [];
    this.#head = 0;
    this.#pairs.clear();
    this.#withBodies = [];
    this.#bodyHead = 0;
    this.#strings.clear();
    this.#tags.clear();
    this.#lastMeta = null;
    this.#recordBytes = 0;
    this.#bodyBytes = 0;
    this.#evicted = 0;
  }
}

type Meta = [
  string,
  string,
  string,
  RequestRecord['route'],
  RequestRecord['backendConnection'] | null,
];

/**
 * A record in three parts: the route facts (interned: they repeat), the four header lists
 * (interned pair by pair), and JSON of every other field the summary does not keep, so a
 * field added to RequestRecord one day is kept without a change here.
 */
interface LastMeta {
  record: RequestRecord;
  text: string;
}

/** The same route facts (what `meta` holds), compared field by field: cheaper than JSON. */
function sameMeta(a: RequestRecord, b: RequestRecord): boolean {
  if (
    a.listener !== b.listener ||
    a.httpVersion !== b.httpVersion ||
    a.role !== b.role ||
    a.backendConnection !== b.backendConnection ||
    a.route.length !== b.route.length
  )
    return false;
  for (let i = 0; i < a.route.length; i++) {
    const x = a.route[i]!;
    const y = b.route[i]!;
    if (x.kind !== y.kind || x.name !== y.name || x.detail !== y.detail) return false;
    // A step with fields beyond these is left to JSON (a field added one day).
    if (Object.keys(x).length > 3 || Object.keys(y).length > 3) return false;
  }
  return true;
}

function split(
  r: RequestRecord,
  last: LastMeta | null,
): {
  meta: string;
  lists: Array<HeaderList | undefined>;
  own: string;
} {
  const {
    // In the summary:
    id: _id,
    startedAt: _startedAt,
    client: _client,
    method: _method,
    host: _host,
    uri: _uri,
    status: _status,
    service: _service,
    pool: _pool,
    node: _node,
    bytesOut: _bytesOut,
    tags: _tags,
    // Interned:
    listener,
    httpVersion,
    role,
    route,
    backendConnection,
    requestHeaders,
    responseHeaders,
    backendRequestHeaders,
    backendResponseHeaders,
    // Never part of an emitted record:
    requestBody: _requestBody,
    responseBody: _responseBody,
    bodiesDropped: _bodiesDropped,
    ...own
  } = r;
  const meta: Meta = [listener, httpVersion, role, route, backendConnection ?? null];
  return {
    meta: last && sameMeta(last.record, r) ? last.text : JSON.stringify(meta),
    lists: [requestHeaders, responseHeaders, backendRequestHeaders, backendResponseHeaders],
    own: JSON.stringify(own),
  };
}

/** The record again from its summary and parts. */
function join(
  s: RequestSummary,
  parts: { meta: string; lists: Array<HeaderList | undefined> },
  own: string,
): RequestRecord {
  const [listener, httpVersion, role, route, backendConnection] = JSON.parse(parts.meta) as Meta;
  const [requestHeaders, responseHeaders, backendRequestHeaders, backendResponseHeaders] =
    parts.lists;
  const r = {
    id: s.id,
    startedAt: s.startedAt,
    client: s.client,
    listener,
    method: s.method,
    host: s.host,
    uri: s.uri,
    httpVersion,
    service: s.service,
    role,
    route,
    status: s.status,
    bytesOut: s.bytesOut,
    requestHeaders: requestHeaders!,
    responseHeaders: responseHeaders!,
    tags: [...s.tags],
    ...(JSON.parse(own) as Pick<RequestRecord, 'bytesIn' | 'timings'>),
  } satisfies RequestRecord as RequestRecord;
  if (s.pool !== undefined) r.pool = s.pool;
  if (s.node !== undefined) r.node = s.node;
  if (backendConnection) r.backendConnection = backendConnection;
  if (backendRequestHeaders) r.backendRequestHeaders = backendRequestHeaders;
  if (backendResponseHeaders) r.backendResponseHeaders = backendResponseHeaders;
  return r;
}

function storeBody(b: BodyBytes): StoredBody {
  return { data: b.bytes.toString('latin1'), size: b.size };
}

function loadBody(b: StoredBody): BodyBytes {
  return { bytes: Buffer.from(b.data, 'latin1'), size: b.size };
}

function checkQuery(q: unknown): RequestListQuery {
  if (q === undefined || q === null) return {};
  const bad = (why: string): never => {
    throw new PerlbalError('PB_ERR_API_INVALID_ARGUMENT', `listRequests: ${why}`);
  };
  if (typeof q !== 'object' || Array.isArray(q)) return bad('expected an object');
  const { filter, beforeId, limit, idsOnly } = q as Record<string, unknown>;
  if (filter !== undefined && (typeof filter !== 'string' || filter.length > 4000))
    bad('filter must be a string');
  if (beforeId !== undefined && !Number.isInteger(beforeId)) bad('beforeId must be an integer');
  if (limit !== undefined && (!Number.isInteger(limit) || (limit as number) < 0))
    bad('limit must be a non-negative integer');
  if (idsOnly !== undefined && typeof idsOnly !== 'boolean') bad('idsOnly must be a boolean');
  return q as RequestListQuery;
}
