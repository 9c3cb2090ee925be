/**
 * Palimg (Perlbal::Plugin::Palimg): recolours palette PNGs and GIFs under `/palimg/` on a
 * web_server, from the URL: `/palimg/<name>.<png|gif>/p<spec>`. As in Perlbal,
 * start_serve_request only rewrites the URI and the web_server carries on (so LazyCDN's
 * missing-file hand-off and Stats' counting see palimg requests); the answer is decided in
 * modify_response_headers, before anything is sent, and the bytes go out in
 * start_send_file (palimg/serve-palimg.ts). The transform itself is pure (common/palimg),
 * shared with the desktop preview. See docs/palimg.md.
 */
import { matchPalimgUri } from '../../common/palimg/index.js';
import { decodeUri, type ClientHTTPBase, type PerlbalPlugin, type Service } from './plugin-api.js';
import {
  answer,
  palimgRequestOf,
  refuse,
  sendRecoloured,
  setPalimgRequest,
} from './palimg/serve-palimg.js';

/** start_serve_request gets the decoded URI in a box (Perlbal's `\$uri`). */
function startServeRequest(client: ClientHTTPBase, uri: { value: string }): boolean {
  // Called again for a directory's index file: the image's path is a directory. Perlbal ran
  // the index file through the transform; it is not an image.
  if (palimgRequestOf(client)) return refuse(client, 'not-file', 'Not an image file');
  const target = matchPalimgUri(uri.value);
  if (target === null) return false;
  client.tagRecord('palimg');
  // The web_server's verdict on the raw target (malformed escapes, bytes that aren't
  // UTF-8), which a rewritten URI would otherwise launder; unless an earlier hook already
  // rewrote the URI.
  const decoded = decodeUri(client.replacementUri || client.reqHeaders!.uri!);
  if (decoded.bad && decoded.uri === uri.value) {
    client.sendResponse(403, 'Bogus URL');
    return true;
  }
  setPalimgRequest(client, {
    path: target.path,
    kind: target.kind,
    spec: target.spec,
    answered: false,
    sending: null,
  });
  uri.value = target.path;
  return false;
}

export const palimgPlugin: PerlbalPlugin = {
  name: 'palimg',
  register(svc: Service) {
    svc.hooks.handle('palimg', 'start_serve_request', startServeRequest);
    svc.hooks.handle('palimg', 'modify_response_headers', answer);
    svc.hooks.handle('palimg', 'start_send_file', sendRecoloured);
  },
};
