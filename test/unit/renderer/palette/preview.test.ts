import { describe, expect, it } from 'vitest';
import { previewOf } from '../../../../renderer/src/palette/preview.js';
import { imageKind, readPalette } from '../../../../renderer/src/palette/read-palette.js';
import {
  encodeGif,
  encodePng,
  gifPalette,
  pngPalette,
  prng,
  randomPalette,
  randomPixels,
} from '../../../helpers/palimg-images.js';

const rand = prng(3);
const palette = randomPalette(rand, 16);
const gif = encodeGif({ width: 4, height: 4, palette, pixels: randomPixels(rand, 16, 4, 4) });
const png = encodePng({
  width: 4,
  height: 4,
  palette: palette.slice(0, 5),
  pixels: randomPixels(rand, 5, 4, 4),
  before: [['gAMA', new Uint8Array([0, 0, 0xb1, 0x8f])]],
});

describe('reading the palette and previewing', () => {
  it('reads the GIF global colour table and the PNG PLTE', () => {
    expect(readPalette('gif', gif)).toEqual(palette);
    expect(readPalette('png', png)).toEqual(palette.slice(0, 5));
    expect(readPalette('png', png.subarray(0, 20))).toEqual([]);
  });

  it('picks the kind by extension, any case, else by signature', () => {
    expect(imageKind('x.PNG', gif)).toBe('png');
    expect(imageKind('x.gif', png)).toBe('gif');
    expect(imageKind('blob', png)).toBe('png');
    expect(imageKind('blob', new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it('recolours with the server transform and shows the new palette', () => {
    const p = previewOf('png', png, '0ff00001ffffff');
    if (!p.ok) throw new Error(p.reason);
    expect(p.palette.slice(0, 2)).toEqual([
      [255, 0, 0],
      [255, 255, 255],
    ]);
    expect(Buffer.from(pngPalette(p.image)).subarray(6)).toEqual(
      Buffer.from(pngPalette(png)).subarray(6),
    );
    expect(p.ignored).toEqual([]);
    const g = previewOf('gif', gif, 'tffffff000000');
    expect(g.ok && Buffer.from(gifPalette(g.image)).equals(Buffer.from(gifPalette(gif)))).toBe(
      true,
    );
  });

  it('names indexes past the palette, which the server ignores', () => {
    const p = previewOf('png', png, '0ff0000f000000');
    expect(p.ok && p.ignored).toEqual([15]);
  });

  it('gives the reason for a rejected spec or image', () => {
    expect(previewOf('gif', gif, 'g0500000005ffffff')).toEqual({
      ok: false,
      cause: 'spec',
      reason: expect.stringMatching(/two indexes must differ/),
    });
    expect(previewOf('png', gif, 'tffffff')).toEqual({
      ok: false,
      cause: 'image',
      reason: expect.stringMatching(/Not a PNG/),
    });
  });
});
