/**
 * FlvStreaming (Perlbal::Plugin::FlvStreaming): lets a Flash player seek in a `.flv` behind a
 * reverse_proxy. `/video.flv?start=N` asks the backend for `range: bytes=N-`, and its partial
 * answer is turned into a complete-looking FLV stream: `200 OK`, `video/x-flv`, no range
 * headers, and the 13-byte FLV file header in front of the body.
 *
 * Perlbal rewrote whatever came back: a 404 became a 200 with an FLV header before the error
 * page, and a backend that ignored Range sent a file with two FLV headers. Only a 206 answer
 * is rewritten here; anything else passes unchanged. Content-Type is set even when the
 * backend sent none (Perlbal then sent none either).
 */
import type { BackendHTTP, ClientHTTPBase, PerlbalPlugin } from './plugin-api.js';

/** `"FLV" . pack("CCNN", 1, 1, 9, 9)`: version 1, video only, header size 9, tag size 0... */
export const FLV_HEADER = Buffer.from([0x46, 0x4c, 0x56, 1, 1, 0, 0, 0, 9, 0, 0, 0, 9]);

/** Marks a response rewritten by modify_response_headers, for prepend_body. */
const REWRITTEN = 'flvstreaming';

export const flvStreamingPlugin: PerlbalPlugin = {
  name: 'flvstreaming',
  register(svc) {
    svc.hooks.handle('flvstreaming', 'start_proxy_request', startProxyRequest);
    svc.hooks.handle('flvstreaming', 'modify_response_headers', modifyResponseHeaders);
    svc.hooks.handle('flvstreaming', 'prepend_body', prependBody);
  },
};

function startProxyRequest(client: ClientHTTPBase): boolean {
  const start = flvStart(client.reqHeaders?.uri);
  if (start !== null) client.reqHeaders!.setHeader('range', `bytes=${start}-`);
  return false;
}

function modifyResponseHeaders(_be: BackendHTTP, client: ClientHTTPBase): boolean {
  const res = client.resHeaders;
  if (!res || res.code !== 206 || flvStart(client.reqHeaders?.uri) === null) return false;
  res.setCode(200, 'OK');
  res.setHeader('Accept-Ranges', undefined);
  res.setHeader('Content-Range', undefined);
  res.setHeader('Content-Type', 'video/x-flv');
  const length = res.header('Content-Length');
  if (length !== undefined) res.setHeader('Content-Length', Number(length) + FLV_HEADER.length);
  client.scratch[REWRITTEN] = true;
  return false;
}

function prependBody(_be: BackendHTTP, client: ClientHTTPBase): boolean {
  if (client.scratch[REWRITTEN] && client.reqHeaders?.method !== 'HEAD') client.write(FLV_HEADER);
  return false;
}

/**
 * The `start` parameter of a request for `*.flv` (URI->path and query_param): null when the
 * path does not end in `.flv` or `start` is missing or false in Perl's sense ("" or "0").
 */
export function flvStart(uri: string | null | undefined): string | null {
  if (!uri) return null;
  const rel = uri.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split('#', 1)[0]!;
  const q = rel.indexOf('?');
  const path = q === -1 ? rel : rel.slice(0, q);
  if (q === -1 || !/\.flv$/.test(path)) return null;
  for (const pair of rel.slice(q + 1).split(/[&;]/)) {
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    if (key !== 'start') continue;
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    return value === '' || value === '0' ? null : value;
  }
  return null;
}

function decode(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}
