/**
 * XFFExtras (Perlbal::Plugin::XFFExtras): tells a reverse proxy's backends which port the
 * client connected to (`X-Forwarded-Port`, with `send_backend_port`) and whether it spoke
 * TLS (`X-Forwarded-Proto`, with `send_backend_proto`). As in Perlbal, a trusted upstream on
 * a `blind_proxy` service is passed through untouched, and the headers are added before the
 * HEADER rules run, so a `HEADER ... remove` still wins.
 */
import {
  isTrusted,
  type BackendHTTP,
  type ClientHTTPBase,
  type PerlbalPlugin,
  type Service,
} from './plugin-api.js';

export const xffExtrasPlugin: PerlbalPlugin = {
  name: 'xffextras',
  register(svc: Service) {
    svc.hooks.handle(
      'xffextras',
      'backend_client_assigned',
      (be: BackendHTTP, client: ClientHTTPBase) => {
        addForwardedHeaders(svc, be, client);
        return false;
      },
    );
  },
};

function addForwardedHeaders(svc: Service, be: BackendHTTP, client: ClientHTTPBase): void {
  const hds = be.reqHeaders;
  if (!hds) return;
  // Perlbal: `($trusted && !$blind) || !$trusted`.
  if (isTrusted(svc, client.peerIp) && svc.bool('blind_proxy')) return;
  // The port of the listener that accepted the connection: a selector's, when one routed it.
  if (svc.bool('send_backend_port')) hds.setHeader('X-Forwarded-Port', client.localPort);
  if (svc.bool('send_backend_proto'))
    hds.setHeader('X-Forwarded-Proto', client.isTls ? 'https' : 'http');
}
