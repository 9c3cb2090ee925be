/**
 * The colour table of a GIF or palette PNG, as the swatches show it. Only the places palimg
 * rewrites are read (the GIF global colour table, the PNG PLTE chunk); the checks that decide
 * whether the server accepts the image are recolourImage's, so this only has to not crash.
 */
import type { ImageKind } from '../../../proxy-core/src/common/palimg/index.js';

export type Rgb = readonly [number, number, number];

function triples(b: Uint8Array, start: number, count: number): Rgb[] {
  const out: Rgb[] = [];
  for (let i = 0; i < count && start + i * 3 + 2 < b.length; i++) {
    const at = start + i * 3;
    out.push([b[at]!, b[at + 1]!, b[at + 2]!]);
  }
  return out;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** The palette entries; empty when the image has no table palimg could rewrite. */
export function readPalette(kind: ImageKind, b: Uint8Array): Rgb[] {
  if (kind === 'gif') {
    if (b.length < 13 || (b[10]! & 0x80) === 0) return [];
    return triples(b, 13, 2 ** ((b[10]! & 7) + 1));
  }
  // PNG: walk the chunks after the 8-byte signature up to PLTE (or the image data).
  for (let pos = 8; pos + 8 <= b.length;) {
    const length = u32(b, pos);
    const type = String.fromCharCode(b[pos + 4]!, b[pos + 5]!, b[pos + 6]!, b[pos + 7]!);
    if (type === 'PLTE') return triples(b, pos + 8, Math.floor(Math.min(length, 768) / 3));
    if (type === 'IDAT' || type === 'IEND') return [];
    pos += 12 + length;
  }
  return [];
}

/** The kind palimg would use for a file name (by extension, any case), else by signature. */
export function imageKind(name: string, b: Uint8Array): ImageKind | null {
  const ext = /\.(\w+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext === 'gif' || ext === 'png') return ext;
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'gif';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  return null;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** `#rrggbb` for a colour (what <input type=color> uses). */
export const cssColour = (c: Rgb): string => `#${hex2(c[0])}${hex2(c[1])}${hex2(c[2])}`;
