/**
 * Role name -> request handler: what Perlbal's re-blessing into ClientHTTP, ClientProxy or
 * ClientHTTPBase decides. Management and upload_tracker have no HTTP request handler; they
 * never get here (their listeners create other socket classes).
 */
import type { RoleHandler } from '../core-context.js';
import { selectorRole } from './selector.js';
import { webServerRole } from './web-server/web-server.js';
import { reverseProxyRole } from './reverse-proxy/reverse-proxy.js';

const unmappable: RoleHandler = {
  handleRequest(client) {
    client.sendResponse(500, `Can't map to service type ${client.service.role ?? ''}`);
  },
};

export function roleHandlerFor(role: string | null): RoleHandler {
  switch (role) {
    case 'web_server':
      return webServerRole;
    case 'reverse_proxy':
      return reverseProxyRole;
    case 'selector':
      return selectorRole;
    default:
      return unmappable;
  }
}
