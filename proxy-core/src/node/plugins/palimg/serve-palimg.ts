/**
 * Serving one palimg request, start to finish (what Perlbal split between _serve_request
 * and Palimg's start_send_file hook). Everything is checked before a byte is sent: the path
 * (the web_server's traversal rules), the spec, the file, and the image itself. So a bad
 * spec or image is a clean 404 and an I/O error a clean 500, where Perlbal sent 200 headers
 * and then appended an error page. HEAD validates like GET; Range is ignored (the body is
 * a transformed image, so no Accept-Ranges either).
 */
import fs from 'node:fs';
import {
  FAILURE_TEXT,
  parsePaletteSpec,
  type ImageKind,
  type PaletteChange,
  type PalimgTarget,
} from '../../../common/palimg/index.js';
import { httpNow, time2str } from '../../http/http-date.js';
import { sendFiles } from '../../files/send-file.js';
import { docrootOf } from '../../roles/web-server/docroot.js';
import { mimeForExtension } from '../../roles/web-server/mime.js';
import { perlbalBogusUrl, resolvesInside, unsafePath } from '../../roles/web-server/safe-path.js';
import { statOrNull, SYMLINK_OUTSIDE } from '../../roles/web-server/static-file.js';
import { HttpHeaders, type ClientHTTPBase } from '../plugin-api.js';
import { notModified, palimgEtag } from './conditional.js';
import { readAndRecolour, type Recoloured } from './read-image.js';

/** Serve again at most this often when the file changes while being read (as web_server). */
const MAX_ATTEMPTS = 3;

interface Job {
  client: ClientHTTPBase;
  docroot: string;
  file: string;
  kind: ImageKind;
  change: PaletteChange;
  spec: string;
}

/** A clean 404 with a reason (never the spec itself: it would be echoed into HTML). */
function refuse(client: ClientHTTPBase, tag: string, why: string): void {
  client.tagRecord(`palimg:${tag}`);
  client.sendResponse(404, why);
}

/**
 * Answer a palimg request. `bad` is the web_server's verdict on the raw target (malformed
 * escapes, bytes that aren't UTF-8).
 */
export function servePalimg(client: ClientHTTPBase, target: PalimgTarget, bad: boolean): void {
  client.tagRecord('palimg');
  const path = target.path;
  if (bad || perlbalBogusUrl(path) || unsafePath(path))
    return client.sendResponse(403, 'Bogus URL');
  if (target.kind === null) {
    return refuse(client, 'extension', 'Palimg recolours only .png and .gif files');
  }
  const change = parsePaletteSpec(target.spec);
  if (change === null) return refuse(client, 'spec', 'Invalid palimg palette spec');
  const docroot = docrootOf(client.service);
  if (!docroot) return client.sendResponse(500, 'Docroot unconfigured');
  const job = {
    client,
    docroot,
    file: docroot + path,
    kind: target.kind,
    change,
    spec: target.spec,
  };
  serveImage(job, 1);
}

function serveImage(job: Job, attempt: number): void {
  const { client, file } = job;
  client.state = 'wait_stat';
  const st = statOrNull(file);
  if (!st) return client.sendResponse(404);
  // Perlbal tried index files for a directory and ran them through the transform.
  if (!st.isFile()) return refuse(client, 'not-file', 'Not an image file');
  if (client.service.bool('restrict_symlinks') && !resolvesInside(job.docroot, file)) {
    return client.sendResponse(403, SYMLINK_OUTSIDE);
  }
  let read: Recoloured | null;
  try {
    read = readAndRecolour(file, st, job.kind, job.change);
  } catch (e) {
    return ioError(client, file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  if (read === null) {
    if (attempt < MAX_ATTEMPTS) return serveImage(job, attempt + 1);
    return ioError(client, file, 'file keeps changing');
  }
  if (!read.result.ok)
    return refuse(client, read.result.failure, FAILURE_TEXT[read.result.failure]);
  respond(job, st, read, read.result.prefix);
}

function ioError(client: ClientHTTPBase, file: string, why: string): void {
  client.core.log('warning', `palimg: reading ${file} failed: ${why}`);
  client.tagRecord('palimg:io-error');
  client.sendResponse(500, 'Error reading file');
}

/** The 304 or 200 head, Perlbal's header order plus ETag; null if a hook took over. */
function responseHead(job: Job, st: fs.Stats): { res: HttpHeaders; bodyless: boolean } | null {
  const { client } = job;
  const req = client.reqHeaders!;
  const svc = client.service;
  const lastModified = time2str(Math.floor(st.mtimeMs / 1000));
  const etag = palimgEtag(st, job.spec);
  const ifNoneMatch = req.header('If-None-Match');
  const ifModifiedSince = req.header('If-Modified-Since');
  const nm = notModified({ ifNoneMatch, ifModifiedSince, etag, lastModified, st });
  const res = HttpHeaders.newResponse(nm ? 304 : 200);
  client.resHeaders = res;
  res.setHeader('Date', httpNow());
  if (svc.settings.serverTokens) res.setHeader('Server', 'Perlbal');
  res.setHeader('Last-Modified', lastModified);
  res.setHeader('ETag', etag);
  if (!nm) {
    res.setHeader(
      'Content-Type',
      mimeForExtension(client.core.mime, job.kind) ?? `image/${job.kind}`,
    );
    res.setHeader('Content-Length', st.size);
  }
  client.setupKeepalive(res);
  if (svc.hooks.run('modify_response_headers', client)) return null;
  return { res, bodyless: nm || req.method === 'HEAD' };
}

function respond(job: Job, st: fs.Stats, read: Recoloured, prefix: Uint8Array): void {
  const { client } = job;
  const head = responseHead(job, st);
  if (head === null) return;
  const headText = head.res.toString();
  if (head.bodyless) {
    client.state = 'xfer_resp';
    client.write(headText);
    return client.responseDone();
  }
  let fd = -1;
  if (!read.whole) {
    try {
      fd = fs.openSync(job.file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (e) {
      return ioError(client, job.file, (e as NodeJS.ErrnoException).code ?? String(e));
    }
  }
  // Head, rewritten prefix and the rest of what was read leave in one write.
  const headLen = Buffer.byteLength(headText);
  const out = Buffer.allocUnsafe(headLen + read.bytes.length);
  out.write(headText, 0);
  out.set(prefix, headLen);
  read.bytes.copy(out, headLen + prefix.length, prefix.length);
  client.state = 'xfer_disk';
  const ok = client.write(out);
  if (read.whole) {
    if (ok) return client.responseDone();
    return client.onDrain(() => client.responseDone());
  }
  const start = read.bytes.length;
  const segment = { path: job.file, fd, start, length: st.size - start };
  sendFiles(client, '', [segment], (err) => {
    // The head is out: a file that shrank or failed now can only end the connection.
    client.core.log(
      'warning',
      `palimg: ${job.file} failed mid-response: ${err ? err.code : 'file shrank'}`,
    );
    client.close('file_read_error');
  });
}
