/**
 * What the server would answer for an image and a spec, computed in the page with the same
 * pure transform (proxy-core/src/common/palimg): the recoloured bytes and palette, or the
 * reason for its 404.
 */
import {
  FAILURE_TEXT,
  parsePaletteSpec,
  recolourImage,
  type ImageKind,
} from '../../../proxy-core/src/common/palimg/index.js';
import { explainSpec } from './explain-spec.js';
import { readPalette, type Rgb } from './read-palette.js';

export type Preview =
  | { ok: true; image: Uint8Array; palette: Rgb[]; ignored: number[] }
  | { ok: false; reason: string; cause: 'spec' | 'image' };

/** Palette indexes a spec names that the image does not have (the server ignores them). */
function indexesPastEnd(spec: string, size: number): number[] {
  const change = parsePaletteSpec(spec);
  if (!change) return [];
  if (change.kind === 'map') return [...change.entries.keys()].filter((i) => i >= size);
  if (change.kind === 'gradient' && change.to >= size) return [change.to];
  return [];
}

export function previewOf(kind: ImageKind, bytes: Uint8Array, spec: string): Preview {
  const change = parsePaletteSpec(spec);
  if (change === null) return { ok: false, reason: explainSpec(spec)!, cause: 'spec' };
  const r = recolourImage(kind, bytes, change);
  if (!r.ok) return { ok: false, reason: FAILURE_TEXT[r.failure], cause: 'image' };
  const palette = readPalette(kind, r.image);
  return { ok: true, image: r.image, palette, ignored: indexesPastEnd(spec, palette.length) };
}
