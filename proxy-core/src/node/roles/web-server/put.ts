/**
 * PUT (Perlbal ClientHTTP handle_put / handle_put_chunked / start_put_open). The checks run
 * in Perlbal's order and give its answers; then the file is opened (directories created
 * 0755, file 0644) and the body streams into it through PutWriter.
 * Deliberate differences: a missing docroot is a 500 instead of writing below `/`; chunked
 * PUTs also honour min_put_directory and the handle_put hook (Perlbal skipped both); and a
 * Content-Length PUT with `Expect: 100-continue` gets its 100 Continue once accepted, so
 * curl does not stall a second waiting for it.
 */
import fs from 'node:fs';
import { randomInt } from 'node:crypto';
import { docrootOf } from './docroot.js';
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import { checkMinPutDirectory, parsePutUri } from './put-target.js';
import { PutWriter, systemError, type PutFile } from './put-writer.js';
import { createsInside } from './safe-path.js';
import { SYMLINK_OUTSIDE } from './static-file.js';

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const O = fs.constants;
// O_NONBLOCK: opening a fifo for writing must fail (ENXIO), not hang the process.
const TRUNCATE = O.O_CREAT | O.O_TRUNC | O.O_WRONLY | O.O_NONBLOCK;
const EXCLUSIVE = O.O_CREAT | O.O_EXCL | O.O_WRONLY | O.O_NONBLOCK;

/** An interim head: the request record counts it as head, not body, bytes. */
function writeContinue(client: ClientHTTPBase): void {
  if (client.trace) client.trace.interimHeadBytes += CONTINUE.length;
  client.write(CONTINUE);
}

function wantsContinue(client: ClientHTTPBase): boolean {
  return /\b100-continue\b/.test(client.reqHeaders!.header('Expect') ?? '');
}

export function handlePut(client: ClientHTTPBase): void {
  const svc = client.service;
  const req = client.reqHeaders!;
  const head = client.request!;
  if (!svc.bool('enable_put')) return client.sendResponse(403);
  const md5 = svc.bool('enable_md5') && Boolean(req.header('Content-MD5'));
  if (head.chunked) {
    // Perlbal answers 100 Continue first thing for chunked uploads.
    if (wantsContinue(client)) writeContinue(client);
  } else {
    const clen = head.contentLength;
    const max = svc.num('max_put_size');
    if (max && clen > max) return client.sendResponse(400, `Content-length of ${clen} is invalid.`);
  }
  if (svc.hooks.run('handle_put', client)) return;
  const target = parsePutUri(req.uri!);
  if (!target) return client.sendResponse(400, 'Invalid filename');
  const docroot = docrootOf(svc);
  if (!docroot) return client.sendResponse(500, 'Docroot unconfigured');
  if (!checkMinPutDirectory(client, docroot, target.dir)) return;
  const dirPath = docroot + '/' + target.dir;
  if (svc.bool('restrict_symlinks') && !createsInside(docroot, `${dirPath}/${target.file}`)) {
    return client.sendResponse(403, SYMLINK_OUTSIDE);
  }
  client.state = 'wait_open';
  const file = openPutFile(client, dirPath, target.file, md5);
  if (!file) return;
  // RFC 9110 10.1.1: HTTP/1.0 clients never get a 100; none is needed once the body is here.
  const awaitingBody = head.contentLength > 0 && !client.requestComplete;
  if (!head.chunked && awaitingBody && req.versionNumber >= 1001 && wantsContinue(client)) {
    writeContinue(client);
  }
  const maxChunked = head.chunked ? svc.settings.maxChunkedRequestSize : 0;
  client.readBody(new PutWriter(client, file, maxChunked));
}

/** Perlbal start_put_open; answers the request itself and returns null on failure. */
function openPutFile(
  client: ClientHTTPBase,
  dirPath: string,
  name: string,
  md5: boolean,
): PutFile | null {
  const finalPath = `${dirPath}/${name}`;
  const path = md5 ? `${finalPath}.${process.pid}.${randomInt(0, 0xffffffff)}.tmp` : finalPath;
  const flags = md5 ? EXCLUSIVE : TRUNCATE;
  for (let attempt = 0; ; attempt++) {
    try {
      return { fd: fs.openSync(path, flags, 0o644), path, finalPath: md5 ? finalPath : null };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT' && attempt === 0) {
        try {
          fs.mkdirSync(dirPath, { recursive: true, mode: 0o755 });
        } catch (e2) {
          systemError(client, 'Unable to create directory', e2 as NodeJS.ErrnoException);
          return null;
        }
        continue;
      }
      if (err.code === 'EEXIST' && md5) {
        client.core.log('crit', `Failure to open exclusively ${path} as temp file in PUT`);
        client.sendResponse(500);
        return null;
      }
      systemError(client, 'Internal error', err);
      return null;
    }
  }
}
