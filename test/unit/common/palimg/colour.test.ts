/**
 * Palette arithmetic (palimg-spec 2.2, 2.3): Perl's `int(a + b * c / n)` in floating point
 * equals the integer floor; the examples are the spec's verified cases.
 */
import { describe, expect, it } from 'vitest';
import {
  applyPaletteChange,
  gradientChannel,
  parsePaletteSpec,
  tintChannel,
} from '../../../../proxy-core/src/common/palimg/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const table = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const apply = (spec: string, h: string): string =>
  hex(applyPaletteChange(table(h), parsePaletteSpec(spec)!));

describe('tint', () => {
  it('matches Perl int(D + (B - D) * cur / 255) for every channel value', () => {
    for (let d = 0; d < 256; d += 3) {
      for (let b = 0; b < 256; b += 5) {
        for (let cur = 0; cur < 256; cur++) {
          const perl = Math.trunc(d + ((b - d) * cur) / 255);
          if (tintChannel(d, b, cur) !== perl) throw new Error(`d=${d} b=${b} cur=${cur}`);
        }
      }
    }
  });

  it('spec examples: ptff8000, ptff80000000ff, inversion', () => {
    expect(apply('tff8000', '804020')).toBe('802000');
    expect(apply('tff80000000ff', '804020')).toBe('8020df');
    expect(apply('t000000ffffff', '00ff10ef0102')).toBe('ff00ef10fefd');
  });

  it('floors, never rounds (255 * 128 / 255 vs 127.5-like fractions)', () => {
    // 0x40 * 128 / 255 = 32.125 -> 32; 0xff * 200 / 255 = 200.
    expect(tintChannel(0, 128, 0x40)).toBe(32);
    expect(tintChannel(0, 200, 0xff)).toBe(200);
    // dark above bright: 200 + (100 - 200) * 1 / 255 = 199.6 -> 199
    expect(tintChannel(200, 100, 1)).toBe(199);
  });
});

describe('gradient', () => {
  it('matches Perl int(F + (T - F) * (i - from) / n)', () => {
    for (let n = 1; n < 256; n += 7) {
      for (let f = 0; f < 256; f += 17) {
        for (let t = 0; t < 256; t += 13) {
          for (let k = 0; k <= n; k++) {
            const perl = Math.trunc(f + ((t - f) * k) / n);
            if (gradientChannel(f, t, 10 + k, 10, n) !== perl)
              throw new Error(`${f} ${t} ${k}/${n}`);
          }
        }
      }
    }
  });

  it('spec examples: pg00ff804002000000 index 1, black to white over 0..8 on 4 entries', () => {
    expect(apply('g00ff804002000000', '111111222222333333444444')).toBe('ff80407f4020000000444444');
    expect(apply('g0000000008ffffff', 'aaaaaabbbbbbccccccdddddd')).toBe('0000001f1f1f3f3f3f5f5f5f');
  });

  it('ignores indexes past the palette and leaves the others', () => {
    expect(apply('g0200000003ffffff', '010101020202')).toBe('010101020202');
    expect(apply('g01000000ffffffff', '010101020202')).toBe('010101000000');
  });
});

describe('explicit map', () => {
  it('sets named entries, ignores indexes past the palette', () => {
    expect(apply('1abcdef', '000000111111')).toBe('000000abcdef');
    expect(apply('9123456', '000000111111')).toBe('000000111111');
  });

  it('does not change the input table', () => {
    const t = table('000000111111');
    applyPaletteChange(t, parsePaletteSpec('0ffffff')!);
    expect(hex(t)).toBe('000000111111');
  });
});
