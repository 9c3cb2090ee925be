/**
 * resources/icons/ is what main/scripts/make-icons.mjs draws: valid PNGs at every size whose pixels
 * match a fresh render, and ICO / ICNS containers whose entries are those PNGs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-root.js';

interface IconScript {
  PNG_SIZES: number[];
  renderIcon(size: number): Uint8Array;
  crc32(bytes: Uint8Array): number;
}

const ICONS = path.join(REPO_ROOT, 'resources', 'icons');
// A URL specifier: make-icons.mjs is plain JavaScript with no type declarations.
const script = (await import(
  new URL('../../../main/scripts/make-icons.mjs', import.meta.url).href
)) as IconScript;

interface DecodedPng {
  width: number;
  height: number;
  rgba: Buffer;
}

/** Decodes the PNGs make-icons writes (8-bit RGBA, filter 0), checking every chunk's CRC. */
function decodePng(bytes: Buffer): DecodedPng {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    expect(crc, `${type} CRC`).toBe(script.crc32(bytes.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    expect(raw[row], 'filter type').toBe(0);
    raw.copy(rgba, y * width * 4, row + 1, row + 1 + width * 4);
  }
  return { width, height, rgba };
}

describe('app icons', () => {
  it.each([16, 32, 48, 64, 128, 256, 512, 1024])(
    '%ipx PNG is current with main/scripts/make-icons.mjs',
    { timeout: 20_000 },
    (size) => {
      expect(script.PNG_SIZES).toContain(size);
      const png = decodePng(readFileSync(path.join(ICONS, `${size}x${size}.png`)));
      expect([png.width, png.height]).toEqual([size, size]);
      // Within one level per channel: Math.hypot may round differently across V8 versions.
      const fresh = script.renderIcon(size);
      let worst = 0;
      for (let i = 0; i < fresh.length; i++)
        worst = Math.max(worst, Math.abs(fresh[i]! - png.rgba[i]!));
      expect(worst, 'stale icons: run node main/scripts/make-icons.mjs').toBeLessThanOrEqual(1);
    },
  );

  it('has a transparent corner and an opaque centre (a tile, not a square)', () => {
    const { rgba, width } = decodePng(readFileSync(path.join(ICONS, '256x256.png')));
    expect(rgba[3]).toBe(0);
    expect(rgba[(128 * width + 128) * 4 + 3]).toBe(255);
  });

  it('icon.ico holds 16..256 px PNG entries', () => {
    const ico = readFileSync(path.join(ICONS, 'icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => {
      const e = 6 + 16 * i;
      const png = ico.subarray(
        ico.readUInt32LE(e + 12),
        ico.readUInt32LE(e + 12) + ico.readUInt32LE(e + 8),
      );
      const { width } = decodePng(png);
      expect(ico[e] === 0 ? 256 : ico[e]).toBe(width);
      return width;
    });
    expect(sizes).toEqual([16, 32, 48, 64, 128, 256]);
  });

  it('icon.icns holds PNG elements up to 1024 px', () => {
    const icns = readFileSync(path.join(ICONS, 'icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types = new Map<string, number>();
    for (let offset = 8; offset < icns.length; offset += icns.readUInt32BE(offset + 4)) {
      const length = icns.readUInt32BE(offset + 4);
      types.set(
        icns.toString('latin1', offset, offset + 4),
        decodePng(icns.subarray(offset + 8, offset + length)).width,
      );
    }
    expect(types.get('ic10')).toBe(1024);
    expect(types.get('ic09')).toBe(512);
    expect(types.get('ic07')).toBe(128);
  });
});
