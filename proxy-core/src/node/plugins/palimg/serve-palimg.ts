/**
 * Serving a palimg request, hooked into the web_server where Perlbal's plugin hooks in, so
 * every other plugin's hooks run as they do under Perlbal:
 *
 * 1. `start_serve_request` (palimg.ts) rewrites `/palimg/<name>.<ext>/p<spec>` to
 *    `/palimg/<name>.<ext>`, keeps the spec in the client's scratch and lets the web_server
 *    go on: its path checks, its stat, `static_get_poststat_file_missing` for a missing
 *    image (LazyCDN), `static_get_poststat_pre_send` before a 200.
 * 2. `modify_response_headers` (here: `answer`) is where Perlbal Desktop differs on purpose.
 *    Perlbal sent the web_server's 200 head and only then looked at the spec and the image;
 *    here the file is opened, checked and recoloured first, so a bad spec or image is a clean
 *    404 and an I/O error a clean 500, never a 200 followed by an error page. The head is
 *    palimg's own (ETag per spec, no Accept-Ranges, Range ignored, If-Modified-Since as a
 *    date, HEAD validated like GET), and the body goes out through the web_server's file
 *    sending, so `start_send_file` hooks run in plugin order (Stats counts `files_sent`).
 * 3. `start_send_file` (here: `sendRecoloured`) writes the recoloured prefix and the rest
 *    of what was read, then lets the file's remaining bytes follow, as Perlbal's did.
 */
import fs from 'node:fs';
import { FAILURE_TEXT, parsePaletteSpec, type ImageKind } from '../../../common/palimg/index.js';
import {
  docrootOf,
  HttpHeaders,
  httpNow,
  mimeForExtension,
  sendFiles,
  time2str,
  type ClientHTTPBase,
  type FileTransfer,
} from '../plugin-api.js';
import { notModified, palimgEtag } from './conditional.js';
import { readAndRecolour, type Recoloured } from './read-image.js';

/** Read again at most this often when the file changes while being read (as web_server). */
const MAX_ATTEMPTS = 3;
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

/** A palimg request in the client's scratch (Perlbal `$obj->{scratch}->{palimg}`). */
export interface PalimgRequest {
  /** `/palimg/<name>.<ext>`: the URI left for the web_server. */
  readonly path: string;
  /** `gif` or `png`; null for any other extension (a 404 once the file is found). */
  readonly kind: ImageKind | null;
  readonly spec: string;
  /** modify_response_headers has answered (a second call is not ours). */
  answered: boolean;
  /** What start_send_file writes: set while the body is being sent. */
  sending: { fd: number; bytes: Buffer; prefix: Uint8Array } | null;
}

const SCRATCH_KEY = 'palimg';

export function palimgRequestOf(client: ClientHTTPBase): PalimgRequest | undefined {
  return client.scratch[SCRATCH_KEY] as PalimgRequest | undefined;
}

export function setPalimgRequest(client: ClientHTTPBase, req: PalimgRequest): void {
  client.scratch[SCRATCH_KEY] = req;
}

/** A clean 404 with a reason (never the spec itself: it would be echoed into HTML). */
export function refuse(client: ClientHTTPBase, tag: string, why: string): true {
  client.tagRecord(`palimg:${tag}`);
  client.sendResponse(404, why);
  return true;
}

function ioError(client: ClientHTTPBase, file: string, why: string): true {
  client.core.log('warning', `palimg: reading ${file} failed: ${why}`);
  client.tagRecord('palimg:io-error');
  client.sendResponse(500, 'Error reading file');
  return true;
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // read-only descriptor: nothing to lose
  }
}

/**
 * The modify_response_headers hook: the web_server found the image (a regular file) and
 * built its head. Answer the request with palimg's own response; true when answered.
 */
export function answer(client: ClientHTTPBase): boolean {
  const req = palimgRequestOf(client);
  if (!req || req.answered) return false;
  req.answered = true;
  if (req.kind === null) {
    return refuse(client, 'extension', 'Palimg recolours only .png and .gif files');
  }
  const change = parsePaletteSpec(req.spec);
  if (change === null) return refuse(client, 'spec', 'Invalid palimg palette spec');
  const docroot = docrootOf(client.service);
  if (!docroot) {
    client.sendResponse(500, 'Docroot unconfigured');
    return true;
  }
  const file = docroot + req.path;
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    // Gone since the web_server's stat: what the web_server answers for a missing file.
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      client.sendResponse(404);
      return true;
    }
    return ioError(client, file, code);
  }
  let st: fs.Stats;
  let read: Recoloured | null = null;
  try {
    for (let attempt = 1; read === null; attempt++) {
      st = fs.fstatSync(fd);
      if (!st.isFile()) {
        closeQuietly(fd);
        return refuse(client, 'not-file', 'Not an image file');
      }
      read = readAndRecolour(fd, file, st, req.kind, change);
      if (read === null && attempt === MAX_ATTEMPTS) {
        closeQuietly(fd);
        return ioError(client, file, 'file keeps changing');
      }
    }
  } catch (e) {
    closeQuietly(fd);
    return ioError(client, file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  if (!read.result.ok) {
    closeQuietly(fd);
    return refuse(client, read.result.failure, FAILURE_TEXT[read.result.failure]);
  }
  respond(client, req, { file, fd, st: st!, kind: req.kind, read, prefix: read.result.prefix });
  return true;
}

interface Ready {
  file: string;
  fd: number;
  st: fs.Stats;
  kind: ImageKind;
  read: Recoloured;
  prefix: Uint8Array;
}

function respond(client: ClientHTTPBase, req: PalimgRequest, r: Ready): void {
  const svc = client.service;
  const hd = client.reqHeaders!;
  const mtime = Math.floor(r.st.mtimeMs / 1000);
  const lastModified = time2str(mtime);
  const etag = palimgEtag(r.st, req.spec);
  const nm = notModified({
    ifNoneMatch: hd.header('If-None-Match'),
    ifModifiedSince: hd.header('If-Modified-Since'),
    etag,
    lastModified,
    st: r.st,
  });
  // The web_server chose 304, 206 or 416 for the file itself; palimg answers a whole 200,
  // and static_get_poststat_pre_send runs before every 200 (LazyCDN's `?v=` hand-off).
  if (!nm && client.resHeaders?.code !== 200) {
    if (svc.hooks.run('static_get_poststat_pre_send', client, mtime)) {
      closeQuietly(r.fd);
      return;
    }
  }
  // Perlbal's header order, plus ETag; no Accept-Ranges (a recoloured image has no ranges).
  const res = HttpHeaders.newResponse(nm ? 304 : 200);
  client.resHeaders = res;
  res.setHeader('Date', httpNow());
  if (svc.settings.serverTokens) res.setHeader('Server', 'Perlbal');
  res.setHeader('Last-Modified', lastModified);
  res.setHeader('ETag', etag);
  if (!nm) {
    res.setHeader('Content-Type', mimeForExtension(client.core.mime, r.kind) ?? `image/${r.kind}`);
    res.setHeader('Content-Length', r.st.size);
  }
  client.setupKeepalive(res);
  const head = res.toString();
  if (nm || hd.method === 'HEAD') {
    closeQuietly(r.fd);
    client.state = 'xfer_resp';
    client.write(head);
    client.responseDone();
    return;
  }
  req.sending = { fd: r.fd, bytes: r.read.bytes, prefix: r.prefix };
  // The head (written by the file sender) and the prefix leave in one write.
  client.socket.cork();
  process.nextTick(() => client.socket.uncork());
  sendFiles(client, head, [{ path: r.file, fd: r.fd, start: 0, length: r.st.size }], (err) => {
    // Only reached when no start_send_file hook runs, which can't be while palimg is on.
    req.sending = null;
    ioError(client, r.file, err ? (err.code ?? String(err)) : 'file keeps changing');
  });
}

/**
 * The start_send_file hook (Perlbal Palimg's): write the recoloured prefix and the rest of
 * the bytes already read, then let the file sender continue after them.
 */
export function sendRecoloured(client: ClientHTTPBase, transfer: FileTransfer): boolean {
  const req = palimgRequestOf(client);
  const s = req?.sending;
  if (!req || !s || transfer.fd !== s.fd) return false;
  req.sending = null;
  let ok = client.write(Buffer.from(s.prefix.buffer, s.prefix.byteOffset, s.prefix.length));
  if (s.bytes.length > s.prefix.length) ok = client.write(s.bytes.subarray(s.prefix.length));
  transfer.offset = s.bytes.length;
  if (ok) transfer.resume();
  else client.onDrain(() => transfer.resume());
  return true;
}
