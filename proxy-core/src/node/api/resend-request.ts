/**
 * Sends a captured request again, through the proxy: to the listener that accepted it the
 * first time, with the same method, URI and headers in their order, so it is routed exactly
 * as a client's would be and shows up in the inspector as a new request. A request body goes
 * too when the capture kept all of it (with a Content-Length, however it came); a request
 * whose body was cut by the cap, or not captured, is refused rather than resent without it.
 */
import net from 'node:net';
import { PerlbalError } from '../../common/errors.js';
import type { ResendResult } from '../../common/inspector/capture-api.js';
import type { RequestRecord } from '../../common/request-record.js';
import type { ProxyCore } from '../core.js';

const RESEND_TIMEOUT_MS = 30_000;
/** Headers that describe the old connection, not the request. */
const DROP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'upgrade']);
/** Framing of the old body: the resent one is framed by its own Content-Length. */
const DROP_WITH_BODY = new Set(['content-length', 'transfer-encoding', 'expect']);

/** `body`: the request body as the client sent it (de-chunked), when the capture kept all of it. */
export function resendRequest(
  core: ProxyCore,
  r: RequestRecord,
  body: Buffer | null = null,
): Promise<ResendResult> {
  const l = core.listening().find((x) => x.service === r.listener && x.protocol === 'tcp');
  if (!l)
    throw new PerlbalError(
      'PB_ERR_API_NOT_FOUND',
      `Service '${r.listener}' that took request ${r.id} is not listening any more`,
    );
  if (l.tls)
    throw new PerlbalError(
      'PB_ERR_API_INVALID_ARGUMENT',
      `Resending over TLS is not supported yet (service '${r.listener}')`,
    );
  const withBody = r.bytesIn > 0;
  if (withBody && body?.length !== r.bytesIn)
    throw new PerlbalError(
      'PB_ERR_API_INVALID_ARGUMENT',
      body
        ? `Request ${r.id} had a ${r.bytesIn}-byte body, of which the capture kept only the first ${body.length} bytes: it cannot be resent faithfully`
        : `Request ${r.id} had a ${r.bytesIn}-byte body, which was not captured: it cannot be resent faithfully`,
    );
  if (!/^[A-Z]+$/.test(r.method) || /[\s]/.test(r.uri) || r.uri === '')
    throw new PerlbalError(
      'PB_ERR_API_INVALID_ARGUMENT',
      `Request ${r.id} has no request line to resend`,
    );
  // Listening on a wildcard address: connect over loopback.
  const host = l.listen.slice(0, l.listen.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  const ip = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  let head = `${r.method} ${r.uri} HTTP/1.1\r\n`;
  for (const [k, v] of r.requestHeaders) {
    const name = k.toLowerCase();
    if (!DROP.has(name) && !(withBody && DROP_WITH_BODY.has(name))) head += `${k}: ${v}\r\n`;
  }
  if (withBody) head += `Content-Length: ${r.bytesIn}\r\n`;
  head += 'Connection: close\r\n\r\n';
  const target = ip.includes(':') ? `[${ip}]:${l.port}` : `${ip}:${l.port}`;
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: ip, port: l.port });
    let first = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      sock.destroy();
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(first);
      resolve({ status: m ? Number(m[1]) : 0, target });
    };
    sock.setTimeout(RESEND_TIMEOUT_MS, finish);
    sock.on('connect', () => sock.write(withBody && body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head));
    // Only the status line matters; the rest is read and dropped until the proxy closes.
    sock.on('data', (d: Buffer) => {
      if (first.length < 64) first += d.toString('latin1', 0, Math.min(d.length, 64));
    });
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (done) return;
      done = true;
      reject(
        new PerlbalError(
          'PB_ERR_API_NOT_FOUND',
          `Could not resend to ${target}: ${e.code ?? e.message}`,
          undefined,
          {
            cause: e,
          },
        ),
      );
    });
  });
}
