/**
 * What a backend's X-REPROXY-* response headers ask for (Perlbal BackendHTTP::handle_response):
 * checked in Perlbal's order, FILE, then URL, then SERVICE; only the first present counts.
 * Returns true when the response was taken over.
 */
import type { HttpHeaders } from '../../http/http-headers.js';
import type { BackendHTTP } from '../../proxy/backend-http.js';
import { adoptClient } from '../selector.js';
import type { ProxyRequest } from './proxy-request.js';

export function handleReproxyHeaders(pr: ProxyRequest, be: BackendHTTP, head: HttpHeaders): boolean {
  const service = head.header('X-REPROXY-SERVICE');
  if (head.header('X-REPROXY-FILE') || head.header('X-REPROXY-URL') || !service) return false;
  return reproxyService(pr, be, head, service);
}

/**
 * X-REPROXY-SERVICE: hand the original request to another service, as a selector would
 * (Perlbal start_reproxy_service). The backend connection is released first; the body the
 * backend sent with this answer is not used.
 */
function reproxyService(pr: ProxyRequest, be: BackendHTTP, head: HttpHeaders, name: string): boolean {
  const client = pr.client;
  const target = client.core.service(name);
  be.releaseAfterHead();
  pr.handOff();
  client.traceRoute({ kind: 'reproxy', name, detail: 'X-REPROXY-SERVICE' });
  if (!target) {
    client.sendResponse(404, 'Vhost twiddling not configured for requested pair.');
    return true;
  }
  client.resHeaders = head;
  client.roleState = null;
  client.onClose = null;
  adoptClient(target, client);
  return true;
}
