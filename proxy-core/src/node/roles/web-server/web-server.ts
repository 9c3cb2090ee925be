/**
 * The web_server role (Perlbal::ClientHTTP::handle_request): the start_web_request and
 * start_http_request hooks may take a request over; then GET and HEAD are served from the
 * docroot, PUT and DELETE write to it, and any other method is a 400 (Perlbal).
 * See static-file.ts, concat.ts, dir-index.ts, put.ts and delete.ts for the parts.
 */
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import type { RoleHandler } from '../../core-context.js';
import { handleDelete } from './delete.js';
import { handlePut } from './put.js';
import { serveRequest } from './static-file.js';

export type { FileTransfer } from '../../files/send-file.js';

function handleRequest(client: ClientHTTPBase): void {
  const hooks = client.service.hooks;
  if (hooks.run('start_web_request', client)) return;
  if (hooks.run('start_http_request', client)) return;
  switch (client.reqHeaders!.method) {
    case 'GET':
    case 'HEAD':
      return serveRequest(client);
    case 'PUT':
      return handlePut(client);
    case 'DELETE':
      return handleDelete(client);
    default:
      return client.sendResponse(400);
  }
}

export const webServerRole: RoleHandler = {
  handleRequest(client) {
    try {
      handleRequest(client);
    } catch (e) {
      // A bug (ours or a plugin hook's) must cost one request, not the process.
      client.core.log('error', `web_server: ${(e as Error).stack ?? String(e)}`);
      if (!client.closed) client.close('internal_error');
    }
  },
};
