/**
 * If-Modified-Since for static and concatenated files. Perlbal compares the header to
 * Last-Modified as an exact string, after removing IE's `; length=N` suffix; a length that
 * differs from the file size defeats the match. We keep all of that and also answer 304 when
 * the header is a valid HTTP-date at or after the file's mtime (RFC 9110 13.1.3), because
 * browsers and tools do not always echo Last-Modified byte for byte.
 */
import { parseHttpDate } from '../../http/http-date.js';

const IE_LENGTH = /; length=(\d+)/;

export interface ImsCheck {
  /** The If-Modified-Since header (undefined when absent). */
  header: string | undefined;
  /** Last-Modified as sent (time2str of the mtime). */
  lastModified: string;
  /** The file's mtime in epoch seconds. */
  mtime: number;
  /** The file size, or null when the path is not a regular file (never not-modified). */
  size: number | null;
  /** Concatenated GETs strip `; length=N` but never compare it (Perlbal). */
  checkLength: boolean;
}

export function isNotModified(c: ImsCheck): boolean {
  let ims = c.header;
  if (!ims || c.size === null) return false;
  let imsLen: string | undefined;
  const m = IE_LENGTH.exec(ims);
  if (m) {
    imsLen = m[1]!;
    ims = ims.slice(0, m.index) + ims.slice(m.index + m[0].length);
  }
  let notMod = ims === c.lastModified;
  if (!notMod) {
    const t = parseHttpDate(ims);
    notMod = t !== null && t >= c.mtime;
  }
  // Perlbal: `$not_mod = 0 if $ims_len && $ims_len != $size` ("0" is false in Perl).
  if (
    notMod &&
    c.checkLength &&
    imsLen !== undefined &&
    imsLen !== '0' &&
    Number(imsLen) !== c.size
  ) {
    return false;
  }
  return notMod;
}
