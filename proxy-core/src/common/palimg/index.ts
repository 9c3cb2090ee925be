/**
 * Palimg's palette rewriting as pure functions (bytes in, bytes out; no Node), shared by the
 * web_server plugin (node/plugins/palimg.ts) and the desktop preview. Perlbal::Plugin::Palimg
 * with its PalImg and PaletteModify packages.
 */
import { recolourGif } from './gif.js';
import { recolourPng } from './png.js';
import type { PalimgFailure, RecolourResult } from './result.js';
import type { PaletteChange } from './spec.js';
import type { ImageKind } from './url.js';

export { crc32 } from './crc32.js';
export { applyPaletteChange, gradientChannel, tintChannel } from './colour.js';
export { recolourGif } from './gif.js';
export { recolourPng } from './png.js';
export { FAILURE_TEXT, type PalimgFailure, type RecolourResult } from './result.js';
export {
  MAX_MAP_ENTRIES,
  parseHexColour,
  parsePaletteSpec,
  type PaletteChange,
  type Rgb,
} from './spec.js';
export { matchPalimgUri, type ImageKind, type PalimgTarget } from './url.js';

/** The rewritten prefix of an image: the body is this prefix + `bytes` after it. */
export function recolourPrefix(
  kind: ImageKind,
  bytes: Uint8Array,
  change: PaletteChange,
): RecolourResult {
  return kind === 'gif' ? recolourGif(bytes, change) : recolourPng(bytes, change);
}

/** The whole recoloured image (for the preview; the server streams the rest of the file). */
export function recolourImage(
  kind: ImageKind,
  bytes: Uint8Array,
  change: PaletteChange,
): { ok: true; image: Uint8Array } | { ok: false; failure: PalimgFailure } {
  const r = recolourPrefix(kind, bytes, change);
  if (!r.ok) return r;
  const image = new Uint8Array(bytes); // a copy, even of a Buffer
  image.set(r.prefix, 0);
  return { ok: true, image };
}
