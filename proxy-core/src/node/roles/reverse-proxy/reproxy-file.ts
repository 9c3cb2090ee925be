/**
 * X-REPROXY-FILE (Perlbal ClientProxy::start_reproxy_file): the backend names a file on this
 * machine and the proxy streams it to the client with the backend's headers, honouring Range,
 * HEAD and X-REPROXY-EXPECTED-SIZE. Missing or empty files give 404 as in Perlbal. The file is
 * opened before any header is written, so an open failure is a clean 500 (Perlbal had already
 * sent the backend's 200 by then). If-Modified-Since gets a 304, which Perlbal never sent here.
 */
import fs from 'node:fs';
import type { ReproxyHop } from '../../../common/request-record.js';
import { evaluateRange } from '../../files/range.js';
import { sendBuffer, sendFiles } from '../../files/send-file.js';
import { cacheable, cachedOrRead } from '../web-server/file-cache.js';
import { parseHttpDate, time2str } from '../../http/http-date.js';
import { HttpHeaders } from '../../http/http-headers.js';
import { isNotModified } from '../web-server/not-modified.js';
import type { ProxyRequest } from './proxy-request.js';
import { recordHop } from './reproxy-hop.js';

export function startReproxyFile(pr: ProxyRequest, primary: HttpHeaders, file: string): void {
  const client = pr.client;
  const box = { value: file };
  if (pr.svc.hooks.run('start_file_reproxy', client, box)) return;
  const path = box.value;
  const expected = primary.header('X-REPROXY-EXPECTED-SIZE');
  client.state = 'wait_stat';
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    return fail(pr, path, 404, undefined, `X-REPROXY-FILE ${path} does not exist`);
  }
  if (!st.size) return fail(pr, path, 404, undefined, `X-REPROXY-FILE ${path} is empty`);
  if (expected !== undefined && expected !== '' && Number(expected) !== st.size) {
    return fail(pr, path, 404, undefined, `X-REPROXY-FILE ${path} has ${st.size} bytes, X-REPROXY-EXPECTED-SIZE said ${expected}`);
  }
  const req = client.reqHeaders!;
  if (notModified(req.header('If-Modified-Since'), primary, st)) return sendNotModified(pr, primary, path);
  const { hd, start, length, headOnly } = fileResponse(primary, req, st);
  // A settled small file comes from the web_server's file cache (validated by the stat just
  // made), as userpics and photos do again and again; others are opened and streamed.
  let fd = -1;
  let body: Buffer | null = null;
  if (!headOnly && st.isFile() && cacheable(st)) {
    try {
      body = cachedOrRead(path, st);
    } catch (e) {
      return fail(pr, path, 500, `X-REPROXY-FILE ${path} can't be read (${(e as NodeJS.ErrnoException).code})`);
    }
    if (body === null) return fail(pr, path, 500, `X-REPROXY-FILE ${path} changed while it was read`);
  } else if (!headOnly) {
    client.state = 'wait_open';
    try {
      fd = fs.openSync(path, 'r');
    } catch (e) {
      return fail(pr, path, 500, `X-REPROXY-FILE ${path} can't be opened (${(e as NodeJS.ErrnoException).code})`);
    }
  }
  client.traceRoute({ kind: 'reproxy', name: path, detail: 'X-REPROXY-FILE' });
  const hop = recordHop(client, { target: `file:${path}`, kind: 'file', outcome: 'used', status: hd.code });
  client.setupKeepalive(hd);
  client.resHeaders = hd;
  pr.responded = true;
  if (headOnly) {
    client.write(hd.toString());
    return pr.finishReproxy();
  }
  if (body !== null) return sendBuffer(client, hd.toString(), path, length === body.length ? body : body.subarray(start, start + length));
  sendFiles(client, hd.toString(), [{ path, fd, start, length }], () => {
    // The file shrank or failed between stat and read: nothing was sent yet.
    pr.responded = false;
    fail(pr, path, 500, `X-REPROXY-FILE ${path} could not be read`, undefined, hop);
  });
}

/**
 * The head for the file (Perlbal's order): the backend's headers with Accept-Ranges, then the
 * client's Range: 416 as a new bare response, 206 with Content-Range, or 200; 204 becomes 200.
 */
function fileResponse(
  primary: HttpHeaders,
  req: HttpHeaders,
  st: fs.Stats,
): { hd: HttpHeaders; start: number; length: number; headOnly: boolean } {
  const regular = st.isFile();
  let hd = primary;
  if (regular) hd.setHeader('Accept-Ranges', 'bytes');
  const range = evaluateRange(req.header('Range'), regular ? st.size : null);
  if (range.status === 416) {
    hd = HttpHeaders.newResponse(416);
    hd.setHeader('Content-Range', `bytes */${st.size}`);
  }
  if (hd.code === 204) hd.setCode(200);
  let start = 0;
  let length = st.size;
  if (range.status === 200) {
    hd.setHeader('Content-Length', st.size);
  } else if (range.status === 206) {
    start = range.start;
    length = range.end - range.start + 1;
    hd.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${st.size}`);
    hd.setHeader('Content-Length', length);
    hd.setCode(206);
  }
  hd.setHeader('X-REPROXY-FILE', undefined);
  return { hd, start, length, headOnly: req.method === 'HEAD' || range.status === 416 };
}

/**
 * If-Modified-Since (a deliberate addition: Perlbal ignores it here). The web_server's rules
 * (not-modified.ts) against the newer of the file's mtime and the backend's Last-Modified, so
 * that a 304 is never sent for a file that changed after the date the client holds, nor for a
 * representation the backend says is newer. Only a 200 answer (or 204, which becomes 200) for a
 * regular file qualifies: a backend's error page served from a file is not cacheable this way.
 */
function notModified(ims: string | undefined, primary: HttpHeaders, st: fs.Stats): boolean {
  if (ims === undefined || (primary.code !== 200 && primary.code !== 204) || !st.isFile()) return false;
  const lm = primary.header('Last-Modified');
  const lmTime = lm === undefined ? null : parseHttpDate(lm);
  const newest = Math.max(Math.floor(st.mtimeMs / 1000), lmTime ?? 0);
  return isNotModified({ header: ims, lastModified: time2str(newest), mtime: newest, size: st.size, checkLength: true });
}

/**
 * The 304: the backend's headers (Cache-Control, ETag, Expires, Last-Modified, Vary, its own
 * ones) without those that describe a body (RFC 9110 15.4.5) or the reproxy instructions.
 */
function sendNotModified(pr: ProxyRequest, primary: HttpHeaders, path: string): void {
  const client = pr.client;
  const res = primary;
  res.setCode(304);
  for (const h of ['Content-Length', 'Content-Type', 'Content-Range', 'Accept-Ranges', 'Transfer-Encoding']) {
    res.setHeader(h, undefined);
  }
  for (const h of ['X-REPROXY-FILE', 'X-REPROXY-EXPECTED-SIZE', 'X-REPROXY-CACHE-FOR']) res.setHeader(h, undefined);
  client.traceRoute({ kind: 'reproxy', name: path, detail: 'X-REPROXY-FILE' });
  recordHop(client, { target: `file:${path}`, kind: 'file', outcome: 'used', status: 304 });
  client.tagRecord('not-modified');
  client.setupKeepalive(res);
  client.resHeaders = res;
  client.state = 'xfer_resp';
  pr.responded = true;
  client.write(res.toString());
  pr.finishReproxy();
}

/** Answer `code`; the hop is recorded as failed (or `used`, already recorded, is amended). */
function fail(
  pr: ProxyRequest,
  path: string,
  code: 404 | 500,
  message: string | undefined,
  why?: string,
  used?: ReproxyHop | null,
): void {
  const client = pr.client;
  const reason = why ?? message ?? '';
  client.noteError('PB_ERR_REPROXY_FILE', reason);
  if (used) Object.assign(used, { outcome: 'failed', reason, status: code });
  else recordHop(client, { target: `file:${path}`, kind: 'file', outcome: 'failed', reason, status: code });
  client.sendResponse(code, message);
}
