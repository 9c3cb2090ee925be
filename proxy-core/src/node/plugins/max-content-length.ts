/**
 * MaxContentLength (Perlbal::Plugin::MaxContentLength): a request whose Content-Length is
 * over the service's `max_content_length` gets `413 Content too long.` before anything reads
 * its body. The limit is read per request, so `SET max_content_length` applies at once.
 * Requests without a Content-Length (chunked uploads) pass; `max_chunked_request_size`
 * bounds those.
 */
import type { ClientHTTPBase, PerlbalPlugin, Service } from './plugin-api.js';

export const maxContentLengthPlugin: PerlbalPlugin = {
  name: 'maxcontentlength',
  register(svc: Service) {
    svc.hooks.handle('maxcontentlength', 'start_http_request', (client: ClientHTTPBase) =>
      tooLong(svc, client),
    );
  },
};

/** The start_http_request hook: true once the 413 is sent. */
function tooLong(svc: Service, client: ClientHTTPBase): boolean {
  const max = svc.num('max_content_length');
  if (!max) return false;
  const length = client.reqHeaders?.header('Content-Length');
  // Perl's `unless $length`: an absent, empty or "0" header passes.
  if (!length || length === '0') return false;
  if (Number(length) <= max) return false;
  client.sendResponse(413, 'Content too long.\n');
  return true;
}
