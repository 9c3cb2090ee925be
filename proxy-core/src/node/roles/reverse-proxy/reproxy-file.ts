/**
 * X-REPROXY-FILE (Perlbal ClientProxy::start_reproxy_file): the backend names a file on this
 * machine and the proxy streams it to the client with the backend's headers, honouring Range,
 * HEAD and X-REPROXY-EXPECTED-SIZE. Missing or empty files give 404 as in Perlbal. The file is
 * opened before any header is written, so an open failure is a clean 500 (Perlbal had already
 * sent the backend's 200 by then).
 */
import fs from 'node:fs';
import { evaluateRange } from '../../files/range.js';
import { sendFiles } from '../../files/send-file.js';
import { HttpHeaders } from '../../http/http-headers.js';
import type { ProxyRequest } from './proxy-request.js';

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
    return fail(pr, 404, undefined, `X-REPROXY-FILE ${path} does not exist`);
  }
  if (!st.size) return fail(pr, 404, undefined, `X-REPROXY-FILE ${path} is empty`);
  if (expected !== undefined && expected !== '' && Number(expected) !== st.size) {
    return fail(pr, 404, undefined, `X-REPROXY-FILE ${path} has ${st.size} bytes, X-REPROXY-EXPECTED-SIZE said ${expected}`);
  }
  const regular = st.isFile();
  let hd = primary;
  if (regular) hd.setHeader('Accept-Ranges', 'bytes');
  const req = client.reqHeaders!;
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
  const headOnly = req.method === 'HEAD' || range.status === 416;
  let fd = -1;
  if (!headOnly) {
    client.state = 'wait_open';
    try {
      fd = fs.openSync(path, 'r');
    } catch (e) {
      return fail(pr, 500, `X-REPROXY-FILE ${path} can't be opened (${(e as NodeJS.ErrnoException).code})`);
    }
  }
  client.traceRoute({ kind: 'reproxy', name: path, detail: 'X-REPROXY-FILE' });
  if (client.trace) (client.trace.reproxy ??= []).push({ target: `file:${path}`, outcome: 'used' });
  client.setupKeepalive(hd);
  client.resHeaders = hd;
  pr.responded = true;
  if (headOnly) {
    client.write(hd.toString());
    return client.responseDone();
  }
  sendFiles(client, hd.toString(), [{ path, fd, start, length }], () => {
    // The file shrank or failed between stat and read: nothing was sent yet.
    pr.responded = false;
    fail(pr, 500, `X-REPROXY-FILE ${path} could not be read`);
  });
}

function fail(pr: ProxyRequest, code: 404 | 500, message: string | undefined, why?: string): void {
  const client = pr.client;
  client.noteError('PB_ERR_REPROXY_FILE', why ?? message ?? '');
  if (client.trace) (client.trace.reproxy ??= []).push({ target: 'file', outcome: 'failed', reason: why ?? message ?? '' });
  client.sendResponse(code, message);
}
