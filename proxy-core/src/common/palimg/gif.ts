/**
 * GIF: rewrite the global colour table (Perlbal PaletteModify::new_gif_palette). Unlike
 * Perlbal, the signature and the global-colour-table flag are required: without them
 * Perlbal overwrote whatever followed the screen descriptor (palimg-spec 6.6).
 * Local colour tables, transparency and the LZW data are left alone, as in the original.
 */
import { applyPaletteChange } from './colour.js';
import { fail, type RecolourResult } from './result.js';
import type { PaletteChange } from './spec.js';

/** Signature (6) + logical screen descriptor (7). */
const HEADER = 13;

function hasSignature(b: Uint8Array): boolean {
  // "GIF87a" or "GIF89a"
  return (
    b[0] === 0x47 &&
    b[1] === 0x49 &&
    b[2] === 0x46 &&
    b[3] === 0x38 &&
    (b[4] === 0x37 || b[4] === 0x39) &&
    b[5] === 0x61
  );
}

/** The rewritten prefix (header and global colour table) of a GIF. */
export function recolourGif(bytes: Uint8Array, change: PaletteChange): RecolourResult {
  if (bytes.length < HEADER) return fail(hasSignature(bytes) ? 'truncated' : 'not_gif');
  if (!hasSignature(bytes)) return fail('not_gif');
  const packed = bytes[10]!;
  if ((packed & 0x80) === 0) return fail('no_colour_table');
  const entries = 2 ** ((packed & 7) + 1);
  const end = HEADER + 3 * entries;
  if (bytes.length < end) return fail('truncated');
  // A copy: `bytes` may be a Node Buffer, whose slice() is a view, not a copy.
  const prefix = new Uint8Array(bytes.subarray(0, end));
  prefix.set(applyPaletteChange(bytes.subarray(HEADER, end), change), HEADER);
  return { ok: true, prefix };
}
