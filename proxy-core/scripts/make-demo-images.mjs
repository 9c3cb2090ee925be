#!/usr/bin/env node
// Draws the demo journal's images into resources/demo/ (run it again after changing a drawing):
// two userpics and a photo, as palette (indexed-colour) PNG and GIF files, the kinds Perlbal's
// palimg plugin rewrites; and the palimg examples web_stat serves from resources/docroot/palimg/
// (the demo home page shows them recoloured). Plain Node: a small PNG and GIF89a encoder, no
// image libraries.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const RESOURCES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources');
const OUT = path.join(RESOURCES, 'demo');
const PALIMG = path.join(RESOURCES, 'docroot', 'palimg');

// ---- encoders ---------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit indexed PNG (colour type 3): `pixels` holds palette indexes, row by row. */
function encodePng({ width, height, palette, pixels }) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8);
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none (indexed images compress best unfiltered)
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(palette.flat())),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** GIF89a with a global colour table and one LZW-compressed image. */
function encodeGif({ width, height, palette, pixels }) {
  const bits = Math.max(1, Math.ceil(Math.log2(palette.length)));
  const table = Buffer.alloc(3 << bits);
  table.set(palette.flat());
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  screen[4] = 0x80 | ((bits - 1) << 4) | (bits - 1);
  const image = Buffer.alloc(10);
  image[0] = 0x2c;
  image.writeUInt16LE(width, 5);
  image.writeUInt16LE(height, 7);
  const minCode = Math.max(2, bits);
  const data = lzw(pixels, minCode);
  const blocks = [];
  for (let i = 0; i < data.length; i += 255) {
    const part = data.subarray(i, i + 255);
    blocks.push(Buffer.from([part.length]), part);
  }
  return Buffer.concat([Buffer.from('GIF89a', 'latin1'), screen, table, image, Buffer.from([minCode]), ...blocks, Buffer.from([0, 0x3b])]);
}

/** GIF's variable-width LZW, LSB-first, with a clear code when the table fills up. */
function lzw(pixels, minCode) {
  const clear = 1 << minCode;
  const eoi = clear + 1;
  const out = [];
  let acc = 0;
  let nbits = 0;
  let width = minCode + 1;
  const emit = (code) => {
    acc |= code << nbits;
    nbits += width;
    while (nbits >= 8) {
      out.push(acc & 0xff);
      acc >>>= 8;
      nbits -= 8;
    }
  };
  let dict = new Map();
  let next = eoi + 1;
  emit(clear);
  let prefix = pixels[0];
  for (let i = 1; i < pixels.length; i++) {
    const k = pixels[i];
    const key = prefix * 256 + k;
    const hit = dict.get(key);
    if (hit !== undefined) {
      prefix = hit;
      continue;
    }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      if (next > 1 << width && width < 12) width++;
    } else {
      emit(clear);
      dict = new Map();
      next = eoi + 1;
      width = minCode + 1;
    }
    prefix = k;
  }
  emit(prefix);
  emit(eoi);
  if (nbits > 0) out.push(acc & 0xff);
  return Buffer.from(out);
}

// ---- drawing ------------------------------------------------------------------------------

/** A canvas of palette indexes; shapes paint where a predicate holds. */
function canvas(width, height, palette) {
  const pixels = new Uint8Array(width * height);
  const paint = (index, inside) => {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inside(x + 0.5, y + 0.5)) pixels[y * width + x] = index;
  };
  return { width, height, palette, pixels, paint };
}

const hex = (s) => [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));
const ellipse = (cx, cy, rx, ry) => (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

/** Frank the goat, LiveJournal's mascot, as a 100x100 userpic. */
function frank() {
  const c = canvas(100, 100, ['#dce8f4', '#f7f3ea', '#d9cfbd', '#8a7a66', '#2f2a26', '#e9a6a0', '#5b86b8'].map(hex));
  c.paint(6, (x, y) => y > 86);
  c.paint(3, (x, y) => Math.abs(x - 50) > 8 && Math.abs(x - 50) < 30 && y > 8 && y < 34 && Math.abs(x - 50) > 8 + (34 - y) * 0.55);
  c.paint(2, ellipse(22, 44, 16, 7));
  c.paint(2, ellipse(78, 44, 16, 7));
  c.paint(1, ellipse(50, 52, 24, 30));
  c.paint(2, ellipse(50, 72, 14, 10));
  c.paint(5, ellipse(50, 70, 7, 4));
  c.paint(4, ellipse(40, 46, 3.5, 4.5));
  c.paint(4, ellipse(60, 46, 3.5, 4.5));
  c.paint(1, ellipse(41, 44.5, 1.2, 1.2));
  c.paint(1, ellipse(61, 44.5, 1.2, 1.2));
  c.paint(2, (x, y) => Math.abs(x - 50) < 3 && y > 80 && y < 92 - Math.abs(x - 50));
  return c;
}

/** A cog in LiveJournal blue, the `system` account's userpic. */
function system() {
  const c = canvas(100, 100, ['#f4f1ea', '#3c6ea5', '#23466e', '#f4f1ea'].map(hex));
  c.paint(1, (x, y) => {
    const a = Math.atan2(y - 50, x - 50);
    const r = Math.hypot(x - 50, y - 50);
    return r < 32 + (Math.cos(a * 8) > 0.35 ? 9 : 0);
  });
  c.paint(2, (x, y) => Math.hypot(x - 50, y - 50) < 20);
  c.paint(3, (x, y) => Math.hypot(x - 50, y - 50) < 11);
  return c;
}

/** A mountain lake at dusk: bands of sky, a sun, two ridges and their reflection. */
function mountains() {
  const w = 480;
  const h = 270;
  const sky = ['#2b2d5c', '#3f3a6e', '#5b457c', '#7b5286', '#9c5f88', '#bd6f83', '#d9837a', '#eb9d74', '#f5bb78'];
  const palette = [...sky, '#fde3a0', '#453a63', '#2e2849', '#1d1a30', '#3a3f6a', '#28294a', '#f0c987'].map(hex);
  const c = canvas(w, h, palette);
  const horizon = 190;
  c.paint(0, () => true);
  sky.forEach((_, i) => c.paint(i, (x, y) => y < horizon && y >= (i * horizon) / sky.length));
  c.paint(9, ellipse(330, 150, 26, 26));
  const ridge = (x, base, amp, f) => base - amp * (0.6 * Math.sin(x * f) + 0.3 * Math.sin(x * f * 2.7 + 1) + 0.1 * Math.sin(x * f * 7.1));
  c.paint(10, (x, y) => y < horizon && y > ridge(x, 150, 40, 0.013));
  c.paint(11, (x, y) => y < horizon && y > ridge(x + 90, 178, 28, 0.021));
  c.paint(12, (x, y) => y >= horizon);
  // The lake mirrors the sky in alternating streaks.
  c.paint(13, (x, y) => y >= horizon && (y - horizon) % 6 < 2 && Math.sin(x * 0.05 + y) > -0.2);
  c.paint(15, (x, y) => y >= horizon + 4 && Math.abs(x - 330) < 22 - (y - horizon) * 0.25 && (y - horizon) % 5 < 2);
  c.paint(14, (x, y) => y >= horizon && y < horizon + 3);
  return c;
}

/** Eight bands of palette indexes 0 to 7: palimg's gradient spec (`g00...07...`) recolours them as a ramp. */
function bands() {
  const ramp = ['#f4f1ea', '#dce8f4', '#b9cfe6', '#93b3d6', '#6e96c4', '#4f7db3', '#3c6ea5', '#23466e'];
  const c = canvas(160, 32, ramp.map(hex));
  ramp.forEach((_, i) => c.paint(i, (x) => x >= i * 20));
  return c;
}

const files = [
  [OUT, 'userpic-frank.png', encodePng(frank())],
  [OUT, 'userpic-system.gif', encodeGif(system())],
  [OUT, 'photo-mountains.png', encodePng(mountains())],
  [OUT, 'photo-mountains.gif', encodeGif(mountains())],
  [PALIMG, 'frank.png', encodePng(frank())],
  [PALIMG, 'cog.gif', encodeGif(system())],
  [PALIMG, 'bands.png', encodePng(bands())],
];
for (const [dir, name, bytes] of files) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), bytes);
  console.log(`${path.relative(process.cwd(), path.join(dir, name))}: ${bytes.length} bytes`);
}
