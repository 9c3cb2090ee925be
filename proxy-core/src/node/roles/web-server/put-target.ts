/**
 * Where a PUT or DELETE may write (Perlbal ClientHTTP handle_put / handle_delete). Both use
 * the raw, undecoded URI with conservative character classes, so no `%`, no query string and
 * no `..` ever reach the file system. min_put_directory requires the first N directories to
 * exist already; a directory found once is remembered for the life of the service (Perlbal
 * %VerifiedDirs).
 */
import fs from 'node:fs';
import type { ClientHTTPBase } from '../../client/client-http-base.js';

/** `$1` is the directory part (may be empty), `$2` the file name. */
const PUT_URI = /^((?:\/[\w\-.]+)*)\/([\w\-.]+)$/;
const DELETE_URI = /^(?:\/[\w\-.]+)+$/;

export interface PutTarget {
  /** The directory part of the URI, `''` or `/a/b`. */
  dir: string;
  file: string;
}

export function parsePutUri(uri: string): PutTarget | null {
  if (uri.includes('..')) return null;
  const m = PUT_URI.exec(uri);
  return m ? { dir: m[1] ?? '', file: m[2]! } : null;
}

export function validDeleteUri(uri: string): boolean {
  return !uri.includes('..') && DELETE_URI.test(uri);
}

const VERIFIED_DIRS = 'web_server.verified_dirs';

/**
 * min_put_directory; answers the request itself and returns false when it fails.
 * `dir` is the directory part of the URI.
 */
export function checkMinPutDirectory(
  client: ClientHTTPBase,
  docroot: string,
  dir: string,
): boolean {
  const svc = client.service;
  const min = svc.num('min_put_directory');
  if (!min) return true;
  const elems = dir.split('/').filter((e) => e !== '');
  if (elems.length < min) {
    client.sendResponse(400, 'Does not meet minimum directory requirement');
    return false;
  }
  const diskDir = docroot + '/' + '/' + elems.slice(0, min).join('/');
  let verified = svc.scratch.get(VERIFIED_DIRS) as Set<string> | undefined;
  if (verified === undefined) {
    verified = new Set();
    svc.scratch.set(VERIFIED_DIRS, verified);
  }
  if (verified.has(diskDir)) return true;
  try {
    // Perlbal checks with an open(O_RDONLY); O_NONBLOCK so a fifo can't hang us.
    fs.closeSync(fs.openSync(diskDir, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
  } catch {
    client.sendResponse(404, 'Base directory does not exist');
    return false;
  }
  verified.add(diskDir);
  return true;
}
