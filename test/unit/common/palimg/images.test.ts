/**
 * The PNG and GIF rewrites (palimg-spec 2.4-2.6) on images made by the test encoder, and the
 * refusals that replace Perlbal's corrupt output (6.3, 6.4, 6.6, 6.7, 6.9).
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  crc32,
  parsePaletteSpec,
  recolourGif,
  recolourImage,
  recolourPng,
  type PaletteChange,
} from '../../../../proxy-core/src/common/palimg/index.js';
import {
  encodeGif,
  encodePng,
  gifPalette,
  PNG_SIGNATURE,
  pngChunk,
  pngPalette,
  prng,
  randomPalette,
  randomPixels,
} from '../../../helpers/palimg-images.js';

const spec = (s: string): PaletteChange => parsePaletteSpec(s)!;
const invert = spec('t000000ffffff');

function png(n: number, extra: Partial<Parameters<typeof encodePng>[0]> = {}): Buffer {
  const rand = prng(n);
  return encodePng({
    width: 7,
    height: 5,
    palette: randomPalette(rand, n),
    pixels: randomPixels(rand, n, 7, 5),
    ...extra,
  });
}

function gif(n: number, extra: Partial<Parameters<typeof encodeGif>[0]> = {}): Buffer {
  const rand = prng(n);
  return encodeGif({
    width: 9,
    height: 4,
    palette: randomPalette(rand, n),
    pixels: randomPixels(rand, n, 9, 4),
    ...extra,
  });
}

describe('crc32', () => {
  it('is the IEEE CRC of zlib and PNG', () => {
    expect(crc32(new TextEncoder().encode('PLTE')).toString(16)).toBe('4ba88955');
    const rand = prng(7);
    for (let len = 0; len < 300; len += 7) {
      const b = Buffer.from(Array.from({ length: len }, () => Math.floor(rand() * 256)));
      expect(crc32(b)).toBe(zlib.crc32(b));
    }
  });
});

describe('PNG', () => {
  it('rewrites PLTE and its CRC, and nothing else, for 1 to 256 colours', () => {
    for (const n of [1, 2, 3, 16, 100, 256]) {
      const src = png(n, { alpha: [0, 128] });
      const r = recolourImage('png', src, invert);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const out = Buffer.from(r.image);
      expect(out.length).toBe(src.length);
      expect([...pngPalette(out)]).toEqual([...pngPalette(src)].map((v) => 255 - v));
      // The whole output is a valid PNG: rebuilding it from its palette gives the same bytes.
      const rand = prng(n);
      const palette = randomPalette(rand, n).map(
        (c) => c.map((v) => 255 - v) as unknown as readonly [number, number, number],
      );
      const expected = encodePng({
        width: 7,
        height: 5,
        palette,
        pixels: randomPixels(rand, n, 7, 5),
        alpha: [0, 128],
      });
      expect(out.equals(expected)).toBe(true);
    }
  });

  it('copies ancillary chunks before PLTE and finds PLTE past 2048 bytes (Perlbal failed)', () => {
    const text = new Uint8Array(5000).fill(0x41);
    const src = png(4, { before: [['tEXt', text]] });
    const r = recolourPng(src, spec('0ffffff'));
    expect(r.ok && r.prefix.length).toBe(8 + 25 + 12 + 5000 + 12 + 12);
  });

  it('refuses what Perlbal would corrupt or reject', () => {
    const fails = (b: Uint8Array, why: string): void => {
      const r = recolourPng(b, invert);
      expect(r.ok ? 'ok' : r.failure).toBe(why);
    };
    fails(gif(4), 'not_png');
    fails(png(4, { colourType: 2 }), 'not_palette');
    fails(png(4).subarray(0, 20), 'truncated');
    fails(png(4).subarray(0, 8 + 25 + 8 + 6), 'truncated');
    fails(new Uint8Array(0), 'truncated');
    // PLTE first (Perlbal recoloured it whatever IHDR said).
    const plteFirst = Buffer.concat([
      PNG_SIGNATURE,
      pngChunk('PLTE', new Uint8Array(6)),
      png(2).subarray(8),
    ]);
    fails(plteFirst, 'not_png');
    // A PLTE length that is not whole RGB entries (Perlbal grew the chunk).
    const src = png(2);
    const odd = Buffer.concat([
      src.subarray(0, 33),
      pngChunk('PLTE', new Uint8Array(7)),
      src.subarray(33 + 18),
    ]);
    fails(odd, 'bad_palette');
    // Colour type 3 without PLTE before the image data.
    const noPlte = Buffer.concat([src.subarray(0, 33), src.subarray(33 + 18)]);
    fails(noPlte, 'no_palette');
  });
});

describe('GIF', () => {
  it('rewrites the global colour table, and nothing else, for 2 to 256 colours', () => {
    for (const n of [2, 4, 8, 16, 32, 64, 128, 256]) {
      const src = gif(n, { transparent: 1 });
      const r = recolourImage('gif', src, invert);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const out = Buffer.from(r.image);
      expect([...gifPalette(out)]).toEqual([...gifPalette(src)].map((v) => 255 - v));
      const rest = 13 + 3 * n;
      expect(out.subarray(rest).equals(src.subarray(rest))).toBe(true);
      expect(out.subarray(0, 13).equals(src.subarray(0, 13))).toBe(true);
    }
  });

  it('gradient across a 256-colour table', () => {
    const r = recolourGif(gif(256), spec('g00000000ffffffff'));
    expect(r.ok).toBe(true);
    if (r.ok)
      expect([...r.prefix.subarray(13, 13 + 768)]).toEqual(
        [...Array(256).keys()].flatMap((i) => [i, i, i]),
      );
  });

  it('refuses a missing signature, a missing global table and a short table', () => {
    const fails = (b: Uint8Array, why: string): void => {
      const r = recolourGif(b, invert);
      expect(r.ok ? 'ok' : r.failure).toBe(why);
    };
    fails(png(4), 'not_gif');
    fails(new Uint8Array(0), 'not_gif');
    fails(new TextEncoder().encode('0'), 'not_gif');
    fails(gif(4, { noGlobalTable: true }), 'no_colour_table');
    fails(gif(256).subarray(0, 13 + 700), 'truncated');
  });
});

describe('inputs', () => {
  it('are never changed, even a Node Buffer (whose slice() is a view)', () => {
    const p = png(16);
    const g = gif(16);
    const before = [Buffer.from(p), Buffer.from(g)];
    recolourPng(p, invert);
    recolourGif(g, invert);
    recolourImage('png', p, invert);
    recolourImage('gif', g, invert);
    expect(p.equals(before[0]!)).toBe(true);
    expect(g.equals(before[1]!)).toBe(true);
  });
});
