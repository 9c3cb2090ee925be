#!/usr/bin/env node
// Draws the app icon into resources/icons/ (NxN.png for 16..1024, icon.ico, icon.icns):
// one pearl, the client side, fanning out to three backends, as in LogoMark.svelte. Shapes are
// signed distance functions, for clean edges at every size. No image library: PNG is zlib +
// CRC32, and ICO / ICNS only wrap the PNGs. Usage: node main/scripts/make-icons.mjs [outDir]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

export const PNG_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 32, 48, 64, 128, 256];
// ICNS element types holding PNG data, by pixel size (Apple's "icp4".."ic14").
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

// Geometry on the 64-unit grid of LogoMark.svelte.
const TILE = { x0: 2, y0: 2, x1: 62, y1: 62, radius: 14 };
const HUB = { x: 32, y: 20, r: 9 };
const FORK = { x: 32, y: 24 };
const BACKENDS = [16, 32, 48].map((x) => ({ x, y: 46, r: 5 }));
const LINK_HALF_WIDTH = 1.75;

const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const TILE_TOP = hex('#1e293b');
const TILE_BOTTOM = hex('#0b1120');
const TEAL = hex('#2dd4bf');
const PEARL_LIGHT = hex('#ffffff');
const PEARL_EDGE = hex('#cbd5e1');

const clamp01 = (v) => Math.min(1, Math.max(0, v));
const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

function roundedRectDistance(x, y, { x0, y0, x1, y1, radius }) {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const qx = Math.abs(x - cx) - ((x1 - x0) / 2 - radius);
  const qy = Math.abs(y - cy) - ((y1 - y0) / 2 - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

function segmentDistance(x, y, a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = clamp01(((x - a.x) * dx + (y - a.y) * dy) / (dx * dx + dy * dy));
  return Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy));
}

/** Colour and coverage of each layer at one point, bottom to top. */
function layersAt(x, y) {
  const tile = {
    d: roundedRectDistance(x, y, TILE),
    color: mix(TILE_TOP, TILE_BOTTOM, (y - 2) / 60),
  };
  const linkD = Math.min(
    ...BACKENDS.map((b) => segmentDistance(x, y, FORK, { x: b.x, y: b.y - 2 })),
  );
  const links = { d: linkD - LINK_HALF_WIDTH, color: TEAL };
  const nodes = {
    d: Math.min(...BACKENDS.map((b) => Math.hypot(x - b.x, y - b.y) - b.r)),
    color: TEAL,
  };
  // Pearl: a soft highlight up and to the left, fading to a cool grey rim.
  const shade = clamp01(Math.hypot(x - (HUB.x - 3), y - (HUB.y - 3)) / (HUB.r * 1.5));
  const hub = {
    d: Math.hypot(x - HUB.x, y - HUB.y) - HUB.r,
    color: mix(PEARL_LIGHT, PEARL_EDGE, shade * shade),
  };
  return [tile, links, nodes, hub];
}

/** RGBA pixels (non-premultiplied) of the icon at `size` x `size`. */
export function renderIcon(size) {
  const pixels = new Uint8Array(size * size * 4);
  const unitsPerPixel = 64 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const x = (px + 0.5) * unitsPerPixel;
      const y = (py + 0.5) * unitsPerPixel;
      let rgb = [0, 0, 0];
      let alpha = 0;
      for (const layer of layersAt(x, y)) {
        // Signed distance to coverage: a one-pixel-wide ramp across the edge.
        const cover = clamp01(0.5 - layer.d / unitsPerPixel);
        if (cover === 0) continue;
        const outAlpha = cover + alpha * (1 - cover);
        rgb = rgb.map((c, i) => (layer.color[i] * cover + c * alpha * (1 - cover)) / outAlpha);
        alpha = outAlpha;
      }
      const o = (py * size + px) * 4;
      pixels.set([...rgb.map((c) => Math.round(c)), Math.round(alpha * 255)], o);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An 8-bit RGBA PNG; every scanline uses filter 0 (none), which deflate compresses well here. */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter set, no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(
      raw,
      y * (size * 4 + 1) + 1,
    );
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Windows .ico holding PNG images (supported since Windows Vista). */
export function encodeIco(pngsBySize) {
  const entries = ICO_SIZES.map((size) => ({ size, png: pngsBySize.get(size) }));
  const header = Buffer.alloc(6 + 16 * entries.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(entries.length, 4);
  let offset = header.length;
  entries.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header[e] = size >= 256 ? 0 : size; // 0 means 256
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...entries.map((e) => e.png)]);
}

/** macOS .icns: a big-endian list of (type, length, PNG) elements. */
export function encodeIcns(pngsBySize) {
  const elements = ICNS_TYPES.map(([type, size]) => {
    const png = pngsBySize.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

export function writeIcons(outDir) {
  mkdirSync(outDir, { recursive: true });
  const pngs = new Map(PNG_SIZES.map((size) => [size, encodePng(size, renderIcon(size))]));
  for (const [size, png] of pngs) writeFileSync(path.join(outDir, `${size}x${size}.png`), png);
  writeFileSync(path.join(outDir, 'icon.ico'), encodeIco(pngs));
  writeFileSync(path.join(outDir, 'icon.icns'), encodeIcns(pngs));
  return [...pngs.keys()].map((s) => `${s}x${s}.png`).concat('icon.ico', 'icon.icns');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const outDir = path.resolve(process.argv[2] ?? path.join(root, 'resources', 'icons'));
  const written = writeIcons(outDir);
  console.log(`wrote ${written.length} files to ${path.relative(process.cwd(), outDir) || '.'}`);
}
