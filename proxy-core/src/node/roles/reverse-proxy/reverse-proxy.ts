/**
 * The reverse_proxy role (Perlbal::ClientProxy::handle_request): run the proxy's hooks, then
 * hand the request to a ProxyRequest, which gets a backend from the service's pool.
 */
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import type { RoleHandler } from '../../core-context.js';
import { ProxyRequest } from './proxy-request.js';

export const reverseProxyRole: RoleHandler = {
  handleRequest(client: ClientHTTPBase): void {
    const svc = client.service;
    // Already there when a selector handed the request over.
    client.trace?.enterService(svc.name, 'reverse_proxy');
    if (svc.hooks.run('start_proxy_request', client)) return;
    if (svc.hooks.run('start_http_request', client)) return;
    const mgr = svc.backends;
    if (!mgr) return client.sendResponse(500, 'reverse_proxy service has no backend manager');
    const pr = new ProxyRequest(client, svc, mgr);
    client.roleState = pr;
    client.onClose = () => pr.onClientClose();
    pr.start();
  },
};
