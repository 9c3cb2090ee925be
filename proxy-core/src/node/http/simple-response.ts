/**
 * Perlbal's `_simple_response(code, msg)`: the small HTML page Perlbal sends for errors and
 * for its own short answers. Built here without keep-alive headers; the connection adds
 * `Connection` / `Keep-Alive` after deciding (setup_keepalive).
 */
import { HttpHeaders } from './http-headers.js';
import { perlbalStatusText } from '../../common/http/status-text.js';

export interface SimpleResponse {
  head: HttpHeaders;
  /** Null for 204 and 304, which have no body. */
  body: string | null;
}

/**
 * `statusText` overrides Perlbal's table, for codes Perlbal never sent (431, 502, 504): the
 * h1 then reads `<h1>502 - Bad Gateway</h1>` instead of Perlbal's bare `<h1>502</h1>`.
 */
export function simpleResponse(code: number, msg: string | undefined, serverTokens: boolean, statusText?: string): SimpleResponse {
  const reason = statusText ?? perlbalStatusText(code);
  const head = HttpHeaders.newResponse(code, reason);
  let body: string | null = null;
  if (code !== 204 && code !== 304) {
    head.setHeader('Content-Type', 'text/html');
    body = `<h1>${code}${reason ? ` - ${reason}` : ''}</h1>\n${msg ?? ''}`;
    head.setHeader('Content-Length', Buffer.byteLength(body));
  }
  if (serverTokens) head.setHeader('Server', 'Perlbal');
  return { head, body };
}
