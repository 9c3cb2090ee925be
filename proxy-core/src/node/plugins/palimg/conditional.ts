/**
 * Validators of a recoloured image. Perlbal sent Last-Modified only and matched
 * If-Modified-Since as an exact string. Here If-Modified-Since is also compared as a date
 * (the web_server's rule), and an ETag covers the file (size, mtime) and the whole spec, so
 * two specs on one file never share a cached copy (LiveJournal's own ETag forgot tints).
 */
import type fs from 'node:fs';
import { isNotModified } from '../plugin-api.js';

/** `"<size>-<mtime ms>-p<spec>"` in hex; the spec is lower-case hex with g or t only. */
export function palimgEtag(st: fs.Stats, spec: string): string {
  return `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}-p${spec}"`;
}

/** RFC 9110 13.1.2: weak comparison, `*`, or a comma-separated list. */
function noneMatch(header: string, etag: string): boolean {
  for (const part of header.split(',')) {
    const tag = part.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}

export interface Conditions {
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  etag: string;
  lastModified: string;
  st: fs.Stats;
}

/** 304? If-None-Match, when present, decides alone (RFC 9110 13.2.2). */
export function notModified(c: Conditions): boolean {
  if (c.ifNoneMatch !== undefined) return noneMatch(c.ifNoneMatch, c.etag);
  return isNotModified({
    header: c.ifModifiedSince,
    lastModified: c.lastModified,
    mtime: Math.floor(c.st.mtimeMs / 1000),
    size: c.st.size,
    checkLength: true,
  });
}
