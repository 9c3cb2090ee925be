/**
 * Colour arithmetic and applying a palette change to a colour table (Perlbal
 * PaletteModify::common_alter). Perl computes `int(a + b * c / n)` in floating point; the
 * exact value always lies between two byte values, so it equals the integer floor used here,
 * and never Math.round (palimg-spec 2.2).
 */
import type { PaletteChange, Rgb } from './spec.js';

/** Channel `c` of a gradient at index `i`: from `f` at `from` to `t` at `from + n`. */
export function gradientChannel(f: number, t: number, i: number, from: number, n: number): number {
  return Math.floor((f * n + (t - f) * (i - from)) / n);
}

/** A tinted channel: byte `cur` moved onto the line from `dark` (at 0) to `bright` (at 255). */
export function tintChannel(dark: number, bright: number, cur: number): number {
  return Math.floor((dark * 255 + (bright - dark) * cur) / 255);
}

function setEntry(out: Uint8Array, idx: number, rgb: Rgb): void {
  out[idx * 3] = rgb[0];
  out[idx * 3 + 1] = rgb[1];
  out[idx * 3 + 2] = rgb[2];
}

/**
 * A new colour table (RGB triples; the caller has checked the length is a multiple of 3)
 * with `change` applied. Indexes past the end of the table are ignored, as in Perlbal.
 */
export function applyPaletteChange(table: Uint8Array, change: PaletteChange): Uint8Array {
  const out = new Uint8Array(table); // a copy (a Buffer's slice() would be a view)
  const size = table.length / 3;
  switch (change.kind) {
    case 'tint': {
      const [dr, dg, db] = change.dark;
      const [br, bg, bb] = change.bright;
      for (let i = 0; i + 2 < table.length; i += 3) {
        out[i] = tintChannel(dr, br, table[i]!);
        out[i + 1] = tintChannel(dg, bg, table[i + 1]!);
        out[i + 2] = tintChannel(db, bb, table[i + 2]!);
      }
      break;
    }
    case 'gradient': {
      const { from, to, fromColour: f, toColour: t } = change;
      const n = to - from;
      for (let i = from; i <= to && i < size; i++) {
        out[i * 3] = gradientChannel(f[0], t[0], i, from, n);
        out[i * 3 + 1] = gradientChannel(f[1], t[1], i, from, n);
        out[i * 3 + 2] = gradientChannel(f[2], t[2], i, from, n);
      }
      break;
    }
    case 'map':
      for (const [idx, rgb] of change.entries) if (idx < size) setEntry(out, idx, rgb);
      break;
  }
  return out;
}
