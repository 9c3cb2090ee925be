/**
 * Reading the part of an image palimg needs, through the descriptor the response will be
 * sent from (so the checks, the headers and the body all describe one file). A palette
 * image is small, so the whole file is read when it is at most WHOLE_MAX (and kept in the
 * web_server's file cache, validated by the descriptor's fstat); a larger file is read in
 * growing windows until its colour table is complete. Perlbal read a fixed 2048 bytes, so a
 * PLTE past that failed or came out corrupt.
 */
import fs from 'node:fs';
import {
  recolourPrefix,
  type ImageKind,
  type PaletteChange,
  type RecolourResult,
} from '../../../common/palimg/index.js';
import { cacheable, cachedBody, remember } from '../plugin-api.js';

/** Files up to this size are read (and cached) whole. */
const WHOLE_MAX = 256 * 1024;
/** The PNG chunks before PLTE are small; give up past this. */
const WINDOW_MAX = 16 * 1024 * 1024;

export interface Recoloured {
  result: RecolourResult;
  /** The bytes read from offset 0: the whole file when `whole`, else a window. */
  bytes: Buffer;
  whole: boolean;
}

/** Read `length` bytes from offset 0; null when the file is shorter than that now. */
function readStart(fd: number, length: number): Buffer | null {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, got);
    if (n === 0) return null;
    got += n;
  }
  return buf;
}

/**
 * Read and recolour the open file `fd` (named `file`, fstat'ed as `st`). Null when the file
 * turned out shorter than its stat (it changed under us: the caller may start over); throws
 * on I/O errors.
 */
export function readAndRecolour(
  fd: number,
  file: string,
  st: fs.Stats,
  kind: ImageKind,
  change: PaletteChange,
): Recoloured | null {
  if (st.size <= WHOLE_MAX) {
    let bytes = cachedBody(file, st);
    if (bytes === null) {
      bytes = readStart(fd, st.size);
      if (bytes === null) return null;
      if (cacheable(st)) remember(file, st, bytes);
    }
    return { result: recolourPrefix(kind, bytes, change), bytes, whole: true };
  }
  for (let window = WHOLE_MAX; ; window *= 4) {
    const length = Math.min(window, st.size, WINDOW_MAX);
    const bytes = readStart(fd, length);
    if (bytes === null) return null;
    const result = recolourPrefix(kind, bytes, change);
    const done =
      result.ok || result.failure !== 'truncated' || length === st.size || length === WINDOW_MAX;
    if (done) return { result, bytes, whole: length === st.size };
  }
}
