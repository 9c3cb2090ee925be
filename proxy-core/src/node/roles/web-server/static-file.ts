/**
 * GET and HEAD of a file under the docroot (Perlbal ClientHTTPBase::_serve_request): decode,
 * check, stat, then 304 / 416 / 206 / 200 with Perlbal's exact header order, or a directory
 * (index files, listing). The stat and the open are synchronous, as in Perlbal's aio_mode
 * none: for page-cached files a thread-pool hop costs more than the syscall. Small settled
 * files are served from memory (file-cache.ts), validated by that same stat.
 * Unlike Perlbal, the file is opened before the head is written, so an open failure is a
 * clean 500 rather than a 200 followed by a closed connection.
 */
import fs from 'node:fs';
import { docrootOf } from './docroot.js';
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import { HttpHeaders } from '../../http/http-headers.js';
import { httpNow, time2str } from '../../http/http-date.js';
import { isNotModified } from './not-modified.js';
import { evaluateRange, type RangeResult } from '../../files/range.js';
import { mimeFor } from './mime.js';
import { decodeUri, perlbalBogusUrl, resolvesInside, unsafePath } from './safe-path.js';
import { sendBuffer, sendFiles } from '../../files/send-file.js';
import { cacheable, cachedOrRead } from './file-cache.js';
import { tryIndexFiles } from './dir-index.js';
import { serveConcat } from './concat.js';

const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;
const STAT_OPTIONS = { throwIfNoEntry: false } as const;
/** Serve again at most this often when a file changes between stat and read. */
const MAX_ATTEMPTS = 3;

/** stat that reports any failure as "missing", as Perlbal's `-e _` does. */
export function statOrNull(path: string | Buffer): fs.Stats | undefined {
  try {
    return fs.statSync(path, STAT_OPTIONS);
  } catch {
    return undefined;
  }
}

/** The message for restrict_symlinks refusals. */
export const SYMLINK_OUTSIDE = 'Symlink leads outside the docroot';

/**
 * Perlbal _serve_request. `decoded` is given when we re-enter for an index file: that path
 * is already decoded (Perlbal decoded it a second time, which broke names containing `%`).
 */
export function serveRequest(client: ClientHTTPBase, decoded?: string): void {
  const req = client.reqHeaders!;
  let uri: string;
  let bad = false;
  if (decoded !== undefined) {
    uri = decoded;
  } else {
    const d = decodeUri(client.replacementUri || req.uri!);
    uri = d.uri;
    bad = d.bad;
  }
  const hooks = client.service.hooks;
  if (hooks.has('start_serve_request')) {
    // Perlbal passes \$uri: the hook may rewrite it in place.
    const box = { value: uri };
    if (hooks.run('start_serve_request', client, box)) return;
    if (box.value !== uri) {
      uri = box.value;
      bad = false;
    }
  }
  if (perlbalBogusUrl(uri)) return client.sendResponse(403, 'Bogus URL');
  if (uri.includes('??')) return serveConcat(client, uri, bad);
  const q = uri.indexOf('?');
  const path = q === -1 ? uri : uri.slice(0, q);
  if (bad || unsafePath(path)) return client.sendResponse(403, 'Bogus URL');
  const docroot = docrootOf(client.service);
  if (!docroot) return client.sendResponse(500, 'Docroot unconfigured');
  serveFile(client, docroot, path, 1);
}

function serveFile(client: ClientHTTPBase, docroot: string, path: string, attempt: number): void {
  const svc = client.service;
  const file = docroot + path;
  client.state = 'wait_stat';
  const st = statOrNull(file);
  if (!st) {
    if (svc.hooks.run('static_get_poststat_file_missing', client)) return;
    return client.sendResponse(404);
  }
  if (svc.bool('restrict_symlinks') && !resolvesInside(docroot, file)) {
    return client.sendResponse(403, SYMLINK_OUTSIDE);
  }
  const reply = startReply(client, st);
  if (reply === null) return;
  const { res, range, bodyless } = reply;
  if (st.isDirectory()) return tryIndexFiles(client, res, docroot, path);
  if (!st.isFile()) {
    // A fifo, socket or device: Perlbal sent nothing and left the client hanging.
    return client.sendResponse(403, 'Not a regular file');
  }
  res.setHeader('Accept-Ranges', 'bytes');
  let start = 0;
  let length = st.size;
  if (!bodyless) {
    res.setHeader('Content-Type', mimeFor(client.core.mime, file));
    if (range.status === 206) {
      start = range.start;
      length = range.end - range.start + 1;
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${st.size}`);
    }
    res.setHeader('Content-Length', length);
  }
  client.setupKeepalive(res);
  if (svc.hooks.run('modify_response_headers', client)) return;
  if (bodyless || client.reqHeaders!.method === 'HEAD') {
    client.state = 'xfer_resp';
    client.write(res.toString());
    return client.responseDone();
  }
  const retry = (err: NodeJS.ErrnoException | null): void => {
    if (err === null && attempt < MAX_ATTEMPTS)
      return serveFile(client, docroot, path, attempt + 1);
    client.core.log('warning', `reading ${file} failed: ${err ? err.code : 'file keeps changing'}`);
    client.sendResponse(500, 'Error reading file');
  };
  sendBody(client, file, st, start, length, retry);
}

interface Reply {
  res: HttpHeaders;
  range: RangeResult;
  /** 304 or 416: the head is the whole response. */
  bodyless: boolean;
}

/**
 * Perlbal's status selection (304, else 416, else 206, else the pre-send hook and 200) and
 * the first headers in its order. Null when static_get_poststat_pre_send took over.
 */
function startReply(client: ClientHTTPBase, st: fs.Stats): Reply | null {
  const svc = client.service;
  const req = client.reqHeaders!;
  const mtime = Math.floor(st.mtimeMs / 1000);
  const lastmod = time2str(mtime);
  const size = st.isFile() ? st.size : null;
  const ims = req.header('If-Modified-Since');
  const notMod =
    ims !== undefined &&
    isNotModified({ header: ims, lastModified: lastmod, mtime, size, checkLength: true });
  const range = evaluateRange(req.header('Range'), size);
  let res: HttpHeaders;
  if (notMod) {
    res = HttpHeaders.newResponse(304);
  } else if (range.status === 416) {
    res = HttpHeaders.newResponse(416);
    // Perlbal wrote a bare `*` for empty files; RFC 9110 14.4 wants `bytes */0`.
    res.setHeader('Content-Range', `bytes */${size}`);
    res.setHeader('Content-Length', 0);
  } else if (range.status === 206) {
    res = HttpHeaders.newResponse(206);
  } else {
    if (svc.hooks.run('static_get_poststat_pre_send', client, mtime)) return null;
    res = HttpHeaders.newResponse(200);
  }
  client.resHeaders = res;
  res.setHeader('Date', httpNow());
  if (svc.settings.serverTokens) res.setHeader('Server', 'Perlbal');
  res.setHeader('Last-Modified', lastmod);
  return { res, range, bodyless: notMod || range.status === 416 };
}

/** Open (or find in memory) and send the body; the head is `client.resHeaders`. */
function sendBody(
  client: ClientHTTPBase,
  file: string,
  st: fs.Stats,
  start: number,
  length: number,
  retry: (err: NodeJS.ErrnoException | null) => void,
): void {
  const head = client.resHeaders!.toString();
  client.state = 'wait_open';
  if (cacheable(st)) {
    let body: Buffer | null;
    try {
      body = cachedOrRead(file, st);
    } catch (e) {
      return openFailed(client, file, e as NodeJS.ErrnoException);
    }
    if (body === null) return retry(null);
    return sendBuffer(
      client,
      head,
      file,
      length === body.length ? body : body.subarray(start, start + length),
    );
  }
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    return openFailed(client, file, e as NodeJS.ErrnoException);
  }
  sendFiles(client, head, [{ path: file, fd, start, length }], retry);
}

/** The file was stat'ed but can't be opened: Perlbal closed the connection silently. */
export function openFailed(client: ClientHTTPBase, file: string, err: NodeJS.ErrnoException): void {
  client.core.log('warning', `open ${file} failed: ${err.code}`);
  client.sendResponse(500, 'Could not open file');
}
