/**
 * What a backend's X-REPROXY-* response headers ask for (Perlbal BackendHTTP::handle_response):
 * checked in Perlbal's order, FILE, then URL, then SERVICE; only the first present counts.
 * The application backend's connection is released at once (its body is not used).
 * Returns true when the response was taken over.
 */
import type { HttpHeaders } from '../../http/http-headers.js';
import type { BackendHTTP } from '../../proxy/backend-http.js';
import { adoptClient } from '../selector.js';
import type { ProxyRequest } from './proxy-request.js';
import { startReproxyFile } from './reproxy-file.js';
import { recordHop } from './reproxy-hop.js';
import { addToReproxyCache } from './reproxy-cache.js';
import { startReproxyUrl } from './reproxy-url.js';

export function handleReproxyHeaders(pr: ProxyRequest, be: BackendHTTP, head: HttpHeaders): boolean {
  const file = head.header('X-REPROXY-FILE');
  if (file) {
    be.releaseAfterHead();
    pr.beginReproxy(null);
    pr.client.tagRecord('reproxied');
    startReproxyFile(pr, head, file);
    return true;
  }
  const urls = head.header('X-REPROXY-URL');
  if (urls) {
    be.releaseAfterHead();
    if (head.header('X-REPROXY-CACHE-FOR')) addToReproxyCache(pr, head);
    startReproxyUrl(pr, head, urls);
    return true;
  }
  const service = head.header('X-REPROXY-SERVICE');
  if (service) return reproxyService(pr, be, head, service);
  return false;
}

/**
 * X-REPROXY-SERVICE: hand the original request to another service, as a selector would
 * (Perlbal start_reproxy_service).
 */
function reproxyService(pr: ProxyRequest, be: BackendHTTP, head: HttpHeaders, name: string): boolean {
  const client = pr.client;
  const target = client.core.service(name);
  be.releaseAfterHead();
  pr.handOff();
  client.traceRoute({ kind: 'reproxy', name, detail: 'X-REPROXY-SERVICE' });
  client.tagRecord('reproxied');
  if (!target) {
    const reason = `there is no service '${name}'`;
    recordHop(client, { target: `service:${name}`, kind: 'service', outcome: 'failed', reason, status: 404 });
    client.sendResponse(404, 'Vhost twiddling not configured for requested pair.');
    return true;
  }
  recordHop(client, { target: `service:${name}`, kind: 'service', outcome: 'used' });
  client.resHeaders = head;
  client.roleState = null;
  client.onClose = null;
  adoptClient(target, client);
  return true;
}
