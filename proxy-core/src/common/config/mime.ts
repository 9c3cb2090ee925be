/**
 * The web server's MIME table (`$Perlbal::ClientHTTPBase::MimeType`, looked up
 * case-sensitively by `/\.(\w+)$/`) and the model's changes to it from MIME SET/REMOVE.
 */
import type { ConfigModel } from './model.js';
import { hasOwn, setOwn } from './own-keys.js';

/** Perlbal 1.80's built-in table. There is no jpeg, svg or json entry. */
export const BUILTIN_MIME: Readonly<Record<string, string>> = Object.freeze({
  css: 'text/css',
  doc: 'application/msword',
  gif: 'image/gif',
  htm: 'text/html',
  html: 'text/html',
  jpg: 'image/jpeg',
  js: 'application/x-javascript',
  mp3: 'audio/mpeg',
  mpg: 'video/mpeg',
  pdf: 'application/pdf',
  png: 'image/png',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  torrent: 'application/x-bittorrent',
  txt: 'text/plain',
  zip: 'application/zip',
});

/** The table the web server uses: built-ins with `model.mime` applied (null removes). */
export function effectiveMime(model: ConfigModel): Record<string, string> {
  const table: Record<string, string> = {};
  for (const [ext, type] of Object.entries(BUILTIN_MIME)) setOwn(table, ext, type);
  for (const [ext, type] of Object.entries(model.mime)) {
    if (type === null) delete table[ext];
    else setOwn(table, ext, type);
  }
  return table;
}

/** Records `MIME REMOVE ext`: null for a built-in, deletion for an added extension. */
export function removeMime(model: ConfigModel, ext: string): void {
  if (hasOwn(BUILTIN_MIME, ext)) setOwn(model.mime, ext, null);
  else delete model.mime[ext];
}
