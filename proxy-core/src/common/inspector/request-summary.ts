/**
 * The short form of a RequestRecord that the request inspector lists: one row's worth of
 * facts and the fields its filter language matches on, without headers. The core keeps the
 * full records and the UI asks for one (getRequestDetail) when a row is selected, so 100,000
 * rows cost the UI a few tens of megabytes, not the headers of every request.
 */
import type { RequestRecord } from '../request-record.js';

export interface RequestSummary {
  id: number;
  startedAt: number;
  client: string;
  method: string;
  host: string;
  uri: string;
  status: number;
  service: string;
  pool?: string;
  node?: string;
  totalMs: number;
  bytesOut: number;
  /** PB_ERR_* code when the request failed inside the proxy. */
  error?: string;
  /** At least one X-REPROXY hop was tried. */
  reproxied: boolean;
  tags: string[];
}

export function summarize(r: RequestRecord): RequestSummary {
  const s: RequestSummary = {
    id: r.id,
    startedAt: r.startedAt,
    client: r.client,
    method: r.method,
    host: r.host,
    uri: r.uri,
    status: r.status,
    service: r.service,
    totalMs: r.timings.totalMs,
    bytesOut: r.bytesOut,
    reproxied: (r.reproxy?.length ?? 0) > 0 || r.route.some((s) => s.kind === 'reproxy'),
    tags: r.tags,
  };
  if (r.pool) s.pool = r.pool;
  if (r.node) s.node = r.node;
  if (r.error) s.error = r.error.code;
  return s;
}
