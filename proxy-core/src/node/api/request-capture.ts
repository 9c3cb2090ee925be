/**
 * The request inspector's capture: the last N request records, bounded by count and by an
 * estimate of their bytes, oldest dropped first. The UI holds summaries only and asks here
 * for one record when a row is selected, and for the matching summaries when a filter needs
 * the headers of requests it never saw (header: terms, or records from before it opened).
 */
import type {
  CaptureLimits,
  RequestList,
  RequestListQuery,
} from '../../common/inspector/capture-api.js';
import { compileFilter, subjectOf } from '../../common/inspector/filter-eval.js';
import { summarize, type RequestSummary } from '../../common/inspector/request-summary.js';
import type { HeaderList, RequestRecord } from '../../common/request-record.js';
import { PerlbalError } from '../../common/errors.js';

export const DEFAULT_CAPTURE_LIMITS: CaptureLimits = {
  maxRecords: 100_000,
  maxBytes: 256 * 1024 * 1024,
};

interface Entry {
  record: RequestRecord;
  bytes: number;
}

export class RequestCapture {
  readonly #entries = new Map<number, Entry>();
  #bytes = 0;
  #evicted = 0;
  readonly limits: CaptureLimits;

  constructor(limits: Partial<CaptureLimits> = {}) {
    this.limits = { ...DEFAULT_CAPTURE_LIMITS, ...limits };
  }

  add(record: RequestRecord): void {
    const bytes = estimateBytes(record);
    this.#entries.set(record.id, { record, bytes });
    this.#bytes += bytes;
    // Map iteration is insertion order: the first key is the oldest record.
    while (
      this.#entries.size > this.limits.maxRecords ||
      (this.#bytes > this.limits.maxBytes && this.#entries.size > 1)
    ) {
      const [id, oldest] = this.#entries.entries().next().value as [number, Entry];
      this.#entries.delete(id);
      this.#bytes -= oldest.bytes;
      this.#evicted++;
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(id: unknown): RequestRecord {
    const e = typeof id === 'number' ? this.#entries.get(id) : undefined;
    if (!e)
      throw new PerlbalError(
        'PB_ERR_API_NOT_FOUND',
        `Request ${JSON.stringify(id)} is not in the capture (cleared, or dropped to stay within its limits)`,
      );
    return e.record;
  }

  list(query: unknown = {}): RequestList {
    const q = checkQuery(query);
    let test: ((r: RequestRecord) => boolean) | null = null;
    if (q.filter) {
      const f = compileFilter(q.filter);
      if (!f.ok)
        throw new PerlbalError(
          'PB_ERR_API_INVALID_ARGUMENT',
          `Filter error at ${f.offset + 1}: ${f.message}`,
        );
      test = (r) => f.test(subjectOf(r));
    }
    const limit = Math.min(q.limit ?? this.limits.maxRecords, this.limits.maxRecords);
    const all = [...this.#entries.values()];
    const out: RequestSummary[] = [];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const r = all[i]!.record;
      if (q.beforeId !== undefined && r.id >= q.beforeId) continue;
      if (test && !test(r)) continue;
      out.push(summarize(r));
    }
    return {
      summaries: out.reverse(),
      captured: this.#entries.size,
      evicted: this.#evicted,
      limits: this.limits,
    };
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
    this.#evicted = 0;
  }
}

function checkQuery(q: unknown): RequestListQuery {
  if (q === undefined || q === null) return {};
  const bad = (why: string): never => {
    throw new PerlbalError('PB_ERR_API_INVALID_ARGUMENT', `listRequests: ${why}`);
  };
  if (typeof q !== 'object' || Array.isArray(q)) return bad('expected an object');
  const { filter, beforeId, limit } = q as Record<string, unknown>;
  if (filter !== undefined && (typeof filter !== 'string' || filter.length > 4000))
    bad('filter must be a string');
  if (beforeId !== undefined && !Number.isInteger(beforeId)) bad('beforeId must be an integer');
  if (limit !== undefined && (!Number.isInteger(limit) || (limit as number) < 0))
    bad('limit must be a non-negative integer');
  return q as RequestListQuery;
}

/** Roughly what a record costs in memory: its strings twice (UTF-16) plus a fixed overhead. */
function estimateBytes(r: RequestRecord): number {
  let n = 400 + r.uri.length + r.host.length;
  const lists: Array<HeaderList | undefined> = [
    r.requestHeaders,
    r.responseHeaders,
    r.backendRequestHeaders,
    r.backendResponseHeaders,
  ];
  for (const l of lists) if (l) for (const [k, v] of l) n += 40 + k.length + v.length;
  return n * 2;
}
