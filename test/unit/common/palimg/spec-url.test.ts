/**
 * Palimg URL and spec parsing (palimg-spec 1.2, 1.3), with the deliberate differences:
 * query strings are cut off, 7 explicit entries are accepted, `$` is the true end.
 */
import { describe, expect, it } from 'vitest';
import {
  matchPalimgUri,
  parsePaletteSpec,
  type PaletteChange,
} from '../../../../proxy-core/src/common/palimg/index.js';

describe('matchPalimgUri', () => {
  it('splits at the last dot followed by a word character', () => {
    expect(matchPalimgUri('/palimg/sub/pal4.png/ptff8000')).toEqual({
      path: '/palimg/sub/pal4.png',
      ext: 'png',
      kind: 'png',
      spec: 'tff8000',
    });
    expect(matchPalimgUri('/palimg/v1.2/x.gif/pg00ff804002000000')?.path).toBe(
      '/palimg/v1.2/x.gif',
    );
  });

  it('is not a palimg URL without a /p<spec> suffix (static serving applies)', () => {
    expect(matchPalimgUri('/palimg/pal4.png')).toBeNull();
    expect(matchPalimgUri('/palimg/pal4.png/p')).toBeNull();
    expect(matchPalimgUri('/palimg/pal4.png/x')).toBeNull();
    expect(matchPalimgUri('/palimg/pal4.png?v=1')).toBeNull();
    expect(matchPalimgUri('/palimg/pal4.png/ptff8000.png')).toBeNull();
    expect(matchPalimgUri('/other/pal4.png/ptff8000')).toBeNull();
  });

  it('cuts the query string off before reading the spec (Perlbal made it part of the spec)', () => {
    expect(matchPalimgUri('/palimg/pal4.png/ptff8000?v=1')?.spec).toBe('tff8000');
  });

  it('anchors at the true end: a trailing newline is not ignored', () => {
    expect(matchPalimgUri('/palimg/pal4.png/ptff8000\n')).toBeNull();
  });

  it('matches png and gif case-insensitively and reports other extensions', () => {
    expect(matchPalimgUri('/palimg/a.PNG/ptff8000')).toMatchObject({
      kind: 'png',
      ext: 'PNG',
      path: '/palimg/a.PNG',
    });
    expect(matchPalimgUri('/palimg/a.Gif/ptff8000')?.kind).toBe('gif');
    expect(matchPalimgUri('/palimg/a.jpg/ptff8000')).toMatchObject({ kind: null, ext: 'jpg' });
  });
});

describe('parsePaletteSpec', () => {
  const map = (spec: string): Array<[number, readonly number[]]> => {
    const c = parsePaletteSpec(spec);
    if (c?.kind !== 'map') throw new Error(`not a map: ${spec}`);
    return [...c.entries];
  };

  it('gradient: indexes 00-ff, swapped when given high first, equal ends refused', () => {
    const g: PaletteChange = {
      kind: 'gradient',
      from: 0x10,
      fromColour: [255, 0, 0],
      to: 0x20,
      toColour: [0, 0, 255],
    };
    expect(parsePaletteSpec('g10ff0000200000ff')).toEqual(g);
    expect(parsePaletteSpec('g200000ff10ff0000')).toEqual(g);
    expect(parsePaletteSpec('g10ff000010000000')).toBeNull();
    expect(parsePaletteSpec('g00ff')).toBeNull();
  });

  it('tint: one colour (dark defaults to black) or two', () => {
    expect(parsePaletteSpec('tff8000')).toEqual({
      kind: 'tint',
      bright: [255, 128, 0],
      dark: [0, 0, 0],
    });
    expect(parsePaletteSpec('tff80000000ff')).toEqual({
      kind: 'tint',
      bright: [255, 128, 0],
      dark: [0, 0, 255],
    });
    expect(parsePaletteSpec('tff800')).toBeNull();
    expect(parsePaletteSpec('tff80000000f')).toBeNull();
    expect(parsePaletteSpec('tff80000000ff00')).toBeNull();
  });

  it('explicit entries: groups of 7, the last of a repeated index wins', () => {
    expect(map('0ff00001123456')).toEqual([
      [0, [255, 0, 0]],
      [1, [0x12, 0x34, 0x56]],
    ]);
    expect(map('3000000' + '3ffffff')).toEqual([[3, [255, 255, 255]]]);
    expect(parsePaletteSpec('0ff000')).toBeNull();
    expect(parsePaletteSpec('0ff00001')).toBeNull();
  });

  it('accepts up to 7 explicit entries (what S2 palimg_modify generates), not 8', () => {
    const seven = Array.from({ length: 7 }, (_, i) => `${i}abcdef`).join('');
    expect(map(seven)).toHaveLength(7);
    expect(parsePaletteSpec(seven + '7abcdef')).toBeNull();
  });

  it('is lower-case hex only, as the original', () => {
    expect(parsePaletteSpec('tFF8000')).toBeNull();
    expect(parsePaletteSpec('0FF0000')).toBeNull();
    expect(parsePaletteSpec('g00FF804002000000')).toBeNull();
    expect(parsePaletteSpec('')).toBeNull();
    expect(parsePaletteSpec('0ff00 0')).toBeNull();
  });
});
