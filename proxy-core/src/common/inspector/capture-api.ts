/**
 * The shapes of the request inspector's core API methods (listRequests, resendRequest):
 * plain JSON, in common/ so the contract and the renderer can name them.
 */
import type { RequestSummary } from './request-summary.js';

export interface CaptureLimits {
  /** Records kept (default 100,000). */
  maxRecords: number;
  /** Estimated bytes of headers kept (default 256 MiB). */
  maxBytes: number;
}

export interface RequestListQuery {
  /** Filter-language text; '' or absent for all. */
  filter?: string;
  /** Only records with a smaller id (paging backwards). */
  beforeId?: number;
  /** The newest `limit` matches (default and cap: maxRecords). */
  limit?: number;
}

export interface RequestList {
  /** Oldest first. */
  summaries: RequestSummary[];
  /** Records in the capture now, and records dropped from it since the last clear. */
  captured: number;
  evicted: number;
  limits: CaptureLimits;
}

export interface ResendResult {
  /** Status the proxy answered with; 0 when the connection ended before a status line. */
  status: number;
  /** `ip:port` the request was sent to. */
  target: string;
}
