/**
 * The pages a client gets when the proxy can't get an answer from a backend. Perlbal closed
 * such connections silently after the idle timeout; these say which service, pool and node
 * failed and why (docs/compatibility.md), in Perlbal's simple-response format.
 */
import type { ClientHTTPBase } from '../client/client-http-base.js';
import { statusText } from '../../common/http/status-text.js';

export interface BackendFailure {
  status: 502 | 503 | 504;
  /** PB_ERR_* code for the request record. */
  code: string;
  /** One sentence, without the service/pool/node prefix. */
  message: string;
  node?: string;
  syscallCode?: string;
}

/** Node's error code -> words. */
export function describeSocketError(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens there)';
    case 'ECONNRESET':
      return 'connection reset by the backend';
    case 'ETIMEDOUT':
      return 'timed out';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'EPIPE':
      return 'the backend closed the connection while the request was being sent';
    default:
      return code ? `socket error ${code}` : 'connection closed';
  }
}

/** Send the failure page: "service 'x' (pool p, node n): <message>". */
export function sendBackendFailure(client: ClientHTTPBase, f: BackendFailure): void {
  const svc = client.service;
  const pool = svc.str('pool');
  const where = [pool ? `pool ${pool}` : null, f.node ? `node ${f.node}` : null].filter(Boolean).join(', ');
  const text = `Service '${svc.name}'${where ? ` (${where})` : ''}: ${f.message}`;
  client.noteError(f.code, text, f.syscallCode);
  client.sendResponse(f.status, text, { close: true, statusText: statusText(f.status) });
}
