/**
 * The selector role (Perlbal::ClientHTTPBase::handle_request on a selector service): run the
 * selector's start_http_request hooks, wait `latency` ms if set, then let the selector
 * callback a plugin installed (Vhosts, Vpaths) hand the client to another service. Without a
 * plugin every request gets Perlbal's 500.
 */
import type { ClientHTTPBase } from '../client/client-http-base.js';
import type { RoleHandler } from '../core-context.js';
import { wireText } from '../proxy/backend-request.js';
import type { Service } from '../service/service.js';

export const selectorRole: RoleHandler = {
  handleRequest(client: ClientHTTPBase): void {
    const svc = client.service;
    client.selectorSvc ??= svc;
    client.traceRoute({ kind: 'selector', name: svc.name });
    if (svc.hooks.run('start_http_request', client)) return;
    const latency = svc.num('latency');
    if (latency > 0) {
      const t = setTimeout(() => runSelector(client, svc), latency);
      client.onClose = () => clearTimeout(t);
    } else {
      runSelector(client, svc);
    }
  },
};

function runSelector(client: ClientHTTPBase, svc: Service): void {
  if (client.closed) return;
  const select = svc.selector;
  if (!select) return client.sendResponse(500, 'No service selector configured.');
  if (select(client)) return;
  // Perlbal Service::selector: a selector that declines hands the client to default_service.
  const fallbackName = svc.str('default_service');
  const fallback = fallbackName ? client.core.service(fallbackName) : undefined;
  if (fallback) {
    client.traceRoute({ kind: 'default_service', name: fallback.name });
    return adoptClient(fallback, client);
  }
  // Perlbal leaves such a request hanging until the idle timeout; answer it instead.
  client.sendResponse(404, 'Not Found (no service selected)');
}

/**
 * Perlbal Service::adopt_base_client: apply the releasing service's HEADER rules to the
 * request, switch services, and handle the request again under the new role.
 */
export function adoptClient(target: Service, client: ClientHTTPBase): void {
  const from = client.service;
  const req = client.reqHeaders;
  if (req) {
    for (const name of from.model.headers.remove) req.setHeader(name, undefined);
    for (const [name, value] of from.model.headers.insert) req.setHeader(name, wireText(value));
  }
  const role = target.role;
  // A nested selector adds its own `selector` step when it runs.
  if (role !== 'selector') client.trace?.enterService(target.name, role ?? '');
  if (role !== 'web_server' && role !== 'reverse_proxy' && role !== 'selector') {
    client.service = target;
    return client.sendResponse(500, `Can't map to service type ${role ?? ''}`);
  }
  client.adoptBy(target);
}
