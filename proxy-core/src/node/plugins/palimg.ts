/**
 * Palimg (Perlbal::Plugin::Palimg): recolours palette PNGs and GIFs under `/palimg/` on a
 * web_server, from the URL: `/palimg/<name>.<png|gif>/p<spec>`. Perlbal rewrote the URI in
 * start_serve_request and changed the bytes in start_send_file, after the 200 head was
 * out; here start_serve_request takes the whole request over so that every check happens
 * before anything is sent. The transform itself is pure (common/palimg), shared with the
 * desktop preview. See docs/palimg.md.
 */
import { matchPalimgUri } from '../../common/palimg/index.js';
import { decodeUri } from '../roles/web-server/safe-path.js';
import type { ClientHTTPBase, PerlbalPlugin, Service } from './plugin-api.js';
import { servePalimg } from './palimg/serve-palimg.js';

/** start_serve_request gets the decoded URI in a box (Perlbal's `\$uri`). */
function startServeRequest(client: ClientHTTPBase, uri: { value: string }): boolean {
  const target = matchPalimgUri(uri.value);
  if (target === null) return false;
  // The web_server's verdict on the raw target (malformed escapes, bytes that aren't
  // UTF-8), unless an earlier hook already rewrote the URI.
  const decoded = decodeUri(client.replacementUri || client.reqHeaders!.uri!);
  servePalimg(client, target, decoded.uri === uri.value && decoded.bad);
  return true;
}

export const palimgPlugin: PerlbalPlugin = {
  name: 'palimg',
  register(svc: Service) {
    svc.hooks.handle('palimg', 'start_serve_request', startServeRequest);
  },
};
