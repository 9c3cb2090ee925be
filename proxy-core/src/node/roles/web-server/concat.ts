/**
 * Concatenated GET, `/<dir>/??a.css,b.css[?v=1]` (Perlbal _serve_request_multiple): one
 * response with the files back to back, the MIME type of the first known extension, the
 * newest mtime and the summed length. Headers come in Perlbal's concat order
 * (Content-Length first). Range is ignored. Every file is opened before the head is sent.
 */
import fs from 'node:fs';
import { docrootOf } from './docroot.js';
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import { HttpHeaders } from '../../http/http-headers.js';
import { httpNow, time2str } from '../../http/http-date.js';
import { extensionOf, mimeForExtension } from './mime.js';
import { isNotModified } from './not-modified.js';
import { resolvesInside, unsafePath } from './safe-path.js';
import { closeSegments, sendFiles, type FileSegment } from '../../files/send-file.js';
import { openFailed, statOrNull, SYMLINK_OUTSIDE } from './static-file.js';

/** The last `??` splits base and list (greedy, as Perlbal's `(.+)\?\?(.+)`). */
const CONCAT = /(.+)\?\?(.+)/;
const PERLBAL_BOGUS_NAME = /(?:^|\/)\.\.\//;
const MAX_FILES = 100;
const MAX_ATTEMPTS = 3;

interface ConcatPlan {
  dirbase: string;
  files: string[];
  sizes: number[];
  total: number;
  newest: number;
  mime: string;
}

/** Perl's split(/,/): empty fields are kept except at the end. */
function splitList(list: string): string[] {
  const parts = list.split(',');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function serveConcat(client: ClientHTTPBase, uri: string, bad: boolean, attempt = 1): void {
  const svc = client.service;
  const m = CONCAT.exec(uri);
  const base = m?.[1];
  if (base === undefined || !base.endsWith('/')) {
    return client.sendResponse(500, 'Base directory (before ??) must end in slash.');
  }
  // A trailing ?query (cache busting) after the list is dropped.
  const list = m![2]!.replace(/\?.+/, '');
  const docroot = docrootOf(svc);
  if (!docroot) return client.sendResponse(500, 'Docroot unconfigured');
  const files = splitList(list);
  if (!svc.bool('enable_concatenate_get'))
    return client.sendResponse(403, "Multiple file serving isn't enabled");
  if (files.length > MAX_FILES) return client.sendResponse(403, 'Too many files requested');
  if (files.some((f) => PERLBAL_BOGUS_NAME.test(f)))
    return client.sendResponse(403, 'Bogus filenames');
  if (bad || unsafePath(base)) return client.sendResponse(403, 'Bogus URL');
  if (files.some(unsafePath)) return client.sendResponse(403, 'Bogus filenames');

  const plan = statAll(client, docroot + base, files);
  if (plan === null) return;
  if (svc.bool('restrict_symlinks')) {
    const outside = [plan.dirbase, ...files.map((f) => plan.dirbase + f)].some(
      (p) => !resolvesInside(docroot, p),
    );
    if (outside) return client.sendResponse(403, SYMLINK_OUTSIDE);
  }
  respond(client, plan, () => serveConcat(client, uri, bad, attempt + 1), attempt);
}

/** Stat the base and every file; answers the request itself (404) and returns null on failure. */
function statAll(client: ClientHTTPBase, dirbase: string, files: string[]): ConcatPlan | null {
  client.state = 'wait_stat';
  if (!statOrNull(dirbase)?.isDirectory()) {
    client.sendResponse(404, 'Base directory not a directory');
    return null;
  }
  const sizes: number[] = [];
  let total = 0;
  let newest = 0;
  let mime: string | undefined;
  for (const f of files) {
    const st = statOrNull(dirbase + f);
    if (!st?.isFile()) {
      if (!client.service.hooks.run('concat_get_poststat_file_missing', client)) {
        client.sendResponse(404, 'One or more file does not exist');
      }
      return null;
    }
    mime ??= mimeForExtension(client.core.mime, extensionOf(f));
    sizes.push(st.size);
    total += st.size;
    newest = Math.max(newest, Math.floor(st.mtimeMs / 1000));
  }
  return { dirbase, files, sizes, total, newest, mime: mime ?? 'text/plain' };
}

function respond(
  client: ClientHTTPBase,
  plan: ConcatPlan,
  retry: () => void,
  attempt: number,
): void {
  const svc = client.service;
  const req = client.reqHeaders!;
  const lastmod = time2str(plan.newest);
  const notMod = isNotModified({
    header: req.header('If-Modified-Since'),
    lastModified: lastmod,
    mtime: plan.newest,
    size: plan.total,
    checkLength: false,
  });
  let res: HttpHeaders;
  if (notMod) {
    res = HttpHeaders.newResponse(304);
  } else {
    if (svc.hooks.run('concat_get_poststat_pre_send', client, plan.newest)) return;
    res = HttpHeaders.newResponse(200);
    res.setHeader('Content-Length', plan.total);
  }
  client.resHeaders = res;
  res.setHeader('Date', httpNow());
  if (svc.settings.serverTokens) res.setHeader('Server', 'Perlbal');
  res.setHeader('Last-Modified', lastmod);
  res.setHeader('Content-Type', plan.mime);
  client.setupKeepalive(res);
  if (svc.hooks.run('modify_response_headers', client)) return;
  if (req.method === 'HEAD' || notMod) {
    client.state = 'xfer_resp';
    client.write(res.toString());
    return client.responseDone();
  }
  client.state = 'wait_open';
  const segs: FileSegment[] = [];
  for (let i = 0; i < plan.files.length; i++) {
    const path = plan.dirbase + plan.files[i]!;
    try {
      segs.push({
        path,
        fd: fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK),
        start: 0,
        length: plan.sizes[i]!,
      });
    } catch (e) {
      closeSegments(segs);
      return openFailed(client, path, e as NodeJS.ErrnoException);
    }
  }
  sendFiles(client, res.toString(), segs, (err) => {
    if (err === null && attempt < MAX_ATTEMPTS) return retry();
    client.core.log(
      'warning',
      `reading ${plan.dirbase} files failed: ${err ? err.code : 'files keep changing'}`,
    );
    client.sendResponse(500, 'Error reading file');
  });
}
