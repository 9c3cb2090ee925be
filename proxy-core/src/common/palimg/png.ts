/**
 * PNG: rewrite the PLTE chunk and its CRC (Perlbal PaletteModify::new_png_palette). The
 * chunks before PLTE are copied; nothing else changes, so tRNS and friends stay index-based.
 * Unlike Perlbal, which looked only at the first 2048 bytes and checked IHDR only when it
 * came first, this requires IHDR first with colour type 3 and a PLTE of whole RGB entries,
 * searched for up to the image data, so it never emits a corrupt image (palimg-spec 6.3-6.9).
 * Chunk CRCs other than PLTE's are not checked, as in the original.
 */
import { applyPaletteChange } from './colour.js';
import { crc32 } from './crc32.js';
import { fail, type RecolourResult } from './result.js';
import type { PaletteChange } from './spec.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Chunk type codes as big-endian numbers. */
const IHDR = 0x49484452;
const PLTE = 0x504c5445;
const IDAT = 0x49444154;
const IEND = 0x49454e44;
/** IHDR data: width, height, depth, colour type, compression, filter, interlace. */
const IHDR_LENGTH = 13;
const COLOUR_TYPE_PALETTE = 3;

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/** Checks the signature and a leading palette IHDR; null when fine. */
function checkHeader(b: Uint8Array): RecolourResult | null {
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (i >= b.length) return fail('truncated');
    if (b[i] !== SIGNATURE[i]) return fail('not_png');
  }
  if (b.length < 8 + 8 + IHDR_LENGTH) return fail('truncated');
  if (u32(b, 12) !== IHDR || u32(b, 8) !== IHDR_LENGTH) return fail('not_png');
  if (b[16 + 9] !== COLOUR_TYPE_PALETTE) return fail('not_palette');
  return null;
}

/** The rewritten prefix (every byte up to the end of the PLTE CRC) of a PNG. */
export function recolourPng(bytes: Uint8Array, change: PaletteChange): RecolourResult {
  const bad = checkHeader(bytes);
  if (bad) return bad;
  let pos = 8;
  for (;;) {
    if (pos + 8 > bytes.length) return fail('truncated');
    const length = u32(bytes, pos);
    const type = u32(bytes, pos + 4);
    const data = pos + 8;
    if (type === IDAT || type === IEND) return fail('no_palette');
    if (type === PLTE) {
      if (length === 0 || length > 768 || length % 3 !== 0) return fail('bad_palette');
      const end = data + length + 4;
      if (end > bytes.length) return fail('truncated');
      // A copy: `bytes` may be a Node Buffer, whose slice() is a view, not a copy.
      const prefix = new Uint8Array(bytes.subarray(0, end));
      prefix.set(applyPaletteChange(bytes.subarray(data, data + length), change), data);
      // The CRC covers the chunk type and data (PNG 5.3).
      putU32(prefix, data + length, crc32(prefix, pos + 4, data + length));
      return { ok: true, prefix };
    }
    pos = data + length + 4;
  }
}
