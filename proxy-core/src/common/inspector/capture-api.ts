/**
 * The shapes of the request inspector's core API methods (listRequests, resendRequest):
 * plain JSON, in common/ so the contract and the renderer can name them.
 */
import type { RequestSummary } from './request-summary.js';

export interface CaptureLimits {
  /** Records kept (default 100,000). */
  maxRecords: number;
  /**
   * Estimated memory of everything kept, records and bodies (default 256 MiB). Over it,
   * the oldest records' bodies go first, then the oldest records.
   */
  maxBytes: number;
  /** Bytes kept of each request and response body (default 64 KiB; 0: no bodies). */
  maxBodyBytes: number;
}

export interface RequestListQuery {
  /** Filter-language text; '' or absent for all. */
  filter?: string;
  /** Only records with a smaller id (paging backwards). */
  beforeId?: number;
  /** The newest `limit` matches (default and cap: maxRecords). */
  limit?: number;
  /**
   * Answer with the matches' ids only (`ids`, oldest first; `summaries` empty): what a UI
   * that holds the summaries needs to apply a header: filter, at a fraction of the bytes.
   */
  idsOnly?: boolean;
}

export interface RequestList {
  /** Oldest first. */
  summaries: RequestSummary[];
  /** With `idsOnly`: the matches' ids, oldest first. */
  ids?: number[];
  /** Records in the capture now, and records dropped from it since the last clear. */
  captured: number;
  evicted: number;
  /** Estimated memory the capture holds now (records, interned headers, bodies). */
  bytes: number;
  limits: CaptureLimits;
}

export interface ResendResult {
  /** Status the proxy answered with; 0 when the connection ended before a status line. */
  status: number;
  /** `ip:port` the request was sent to. */
  target: string;
}
