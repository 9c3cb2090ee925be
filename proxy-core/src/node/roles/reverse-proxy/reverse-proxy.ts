/**
 * The reverse_proxy role (Perlbal::ClientProxy). Placeholder until the proxy path lands:
 * requests get a clear 503 instead of hanging.
 */
import type { RoleHandler } from '../../core-context.js';

export const reverseProxyRole: RoleHandler = {
  handleRequest(client) {
    client.sendResponse(503, 'The reverse_proxy role is not available in this build yet.');
  },
};
