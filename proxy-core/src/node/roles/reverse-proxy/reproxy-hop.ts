/**
 * Reproxy steps in the request record (RequestRecord.reproxy): every URL, file, service hand-off
 * and cache answer, in order, with why it fell through. Only kept while someone listens.
 */
import type { ReproxyHop } from '../../../common/request-record.js';
import type { ClientHTTPBase } from '../../client/client-http-base.js';

/** Append `hop` to the client's record; returns it (to amend later), or null when unrecorded. */
export function recordHop(client: ClientHTTPBase, hop: ReproxyHop): ReproxyHop | null {
  const trace = client.trace;
  if (!trace) return null;
  (trace.reproxy ??= []).push(hop);
  return hop;
}

/** Mark a hop that was in use as failed (a target that broke off mid-body). */
export function failHop(hop: ReproxyHop | null, reason: string): void {
  if (!hop) return;
  hop.outcome = 'failed';
  hop.reason = reason;
}
