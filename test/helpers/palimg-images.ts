/**
 * Tiny encoders for palimg tests: palette PNGs (any palette size, bit depth 1-8, optional
 * tRNS and ancillary chunks, such as the gAMA/cHRM/sRGB/tEXt editors write before PLTE) and GIFs (global colour table of 2-256 entries, LZW written as
 * literal codes with a clear code before the code width would grow). The images are valid,
 * so what the server returns can be checked by decoding as well as byte by byte.
 */
import zlib from 'node:zlib';

export type Rgb = readonly [number, number, number];

/** A seeded PRNG (mulberry32), so random cases repeat run after run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` random colours. */
export function randomPalette(rand: () => number, n: number): Rgb[] {
  const byte = (): number => Math.floor(rand() * 256);
  return Array.from({ length: n }, (): Rgb => [byte(), byte(), byte()]);
}

/** `w * h` palette indexes below `n`. */
export function randomPixels(rand: () => number, n: number, w: number, h: number): number[] {
  return Array.from({ length: w * h }, () => Math.floor(rand() * n));
}

// ---- PNG ---------------------------------------------------------------------------------

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngOptions {
  width: number;
  height: number;
  palette: readonly Rgb[];
  pixels: readonly number[];
  /** 1, 2, 4 or 8 (default 8). */
  bitDepth?: number;
  /** IHDR colour type (default 3, palette); other values make a deliberately odd file. */
  colourType?: number;
  /** Alpha per palette index (a tRNS chunk after PLTE). */
  alpha?: readonly number[];
  /** Chunks placed between IHDR and PLTE (gAMA, tEXt, ...). */
  before?: ReadonlyArray<[string, Uint8Array]>;
}

function packRows(o: PngOptions, depth: number): Buffer {
  const perByte = 8 / depth;
  const rowBytes = Math.ceil(o.width / perByte);
  const raw = Buffer.alloc((rowBytes + 1) * o.height);
  for (let y = 0; y < o.height; y++) {
    const row = y * (rowBytes + 1);
    raw[row] = 0; // filter type None
    for (let x = 0; x < o.width; x++) {
      const v = o.pixels[y * o.width + x]!;
      const at = row + 1 + Math.floor(x / perByte);
      const shift = 8 - depth * ((x % perByte) + 1);
      raw[at] = raw[at]! | (v << shift);
    }
  }
  return raw;
}

export function encodePng(o: PngOptions): Buffer {
  const depth = o.bitDepth ?? 8;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(o.width, 0);
  ihdr.writeUInt32BE(o.height, 4);
  ihdr[8] = depth;
  ihdr[9] = o.colourType ?? 3;
  const parts: Uint8Array[] = [PNG_SIGNATURE, pngChunk('IHDR', ihdr)];
  for (const [type, data] of o.before ?? []) parts.push(pngChunk(type, data));
  parts.push(pngChunk('PLTE', Buffer.from(o.palette.flat())));
  if (o.alpha) parts.push(pngChunk('tRNS', Buffer.from(o.alpha)));
  parts.push(pngChunk('IDAT', zlib.deflateSync(packRows(o, depth))));
  parts.push(pngChunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

// Ancillary chunks before PLTE, as image editors write them (LiveJournal's palimg images came
// out of Photoshop, GIMP and pngcrush with gAMA, cHRM, sRGB and tEXt ahead of the palette).

const u32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v, 4 * i));
  return b;
};

/** gAMA 1/2.2 (45455). */
export const GAMA_CHUNK: [string, Uint8Array] = ['gAMA', u32(45455)];
/** cHRM with the sRGB primaries and D65 white point. */
export const CHRM_CHUNK: [string, Uint8Array] = [
  'cHRM',
  u32(31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000),
];
/** sRGB, perceptual intent. */
export const SRGB_CHUNK: [string, Uint8Array] = ['sRGB', Buffer.from([0])];
/** pHYs, 72 dpi. */
export const PHYS_CHUNK: [string, Uint8Array] = [
  'pHYs',
  Buffer.concat([u32(2835, 2835), Buffer.from([1])]),
];
/** tIME 2004-01-01 00:00:00. */
export const TIME_CHUNK: [string, Uint8Array] = ['tIME', Buffer.from([0x07, 0xd4, 1, 1, 0, 0, 0])];

/** A tEXt chunk (`keyword\0text`, Latin-1). */
export function textChunk(keyword: string, text: string): [string, Uint8Array] {
  return ['tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1')];
}

/**
 * The chunks a PNG saved by an editor carries before PLTE: `photoshop` (gAMA, cHRM, tEXt
 * Software), `gimp` (gAMA, sRGB, pHYs, tIME, tEXt Comment), `pngcrush` (sRGB, gAMA, cHRM,
 * pHYs, two tEXt).
 */
export function editorChunks(
  editor: 'photoshop' | 'gimp' | 'pngcrush',
): ReadonlyArray<[string, Uint8Array]> {
  switch (editor) {
    case 'photoshop':
      return [GAMA_CHUNK, CHRM_CHUNK, textChunk('Software', 'Adobe ImageReady')];
    case 'gimp':
      return [
        GAMA_CHUNK,
        SRGB_CHUNK,
        PHYS_CHUNK,
        TIME_CHUNK,
        textChunk('Comment', 'Created with GIMP'),
      ];
    case 'pngcrush':
      return [
        SRGB_CHUNK,
        GAMA_CHUNK,
        CHRM_CHUNK,
        PHYS_CHUNK,
        textChunk('Title', 'controlstrip bg'),
        textChunk('Author', 'LiveJournal'),
      ];
  }
}

/** The PLTE data of a PNG (first PLTE chunk), for checking results. */
export function pngPalette(png: Uint8Array): Buffer {
  const b = Buffer.from(png);
  for (let pos = 8; pos + 8 <= b.length;) {
    const len = b.readUInt32BE(pos);
    if (b.toString('latin1', pos + 4, pos + 8) === 'PLTE')
      return b.subarray(pos + 8, pos + 8 + len);
    pos += 12 + len;
  }
  throw new Error('no PLTE');
}

// ---- GIF ---------------------------------------------------------------------------------

export interface GifOptions {
  width: number;
  height: number;
  /** The global colour table: 2, 4, ..., 256 entries. */
  palette: readonly Rgb[];
  pixels: readonly number[];
  /** Palette index made transparent by a graphic control extension. */
  transparent?: number;
  /** Leave the global table out (flag clear): an odd file palimg refuses. */
  noGlobalTable?: boolean;
}

/** LZW with only literal codes: valid for every decoder, and simple. */
function lzwLiterals(pixels: readonly number[], minCodeSize: number): Buffer {
  const clear = 1 << minCodeSize;
  const width = minCodeSize + 1;
  // Codes a decoder adds before it would widen to width+1; stay well below.
  const room = (1 << width) - (clear + 2) - 2;
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  const emit = (code: number): void => {
    acc |= code << bits;
    bits += width;
    while (bits >= 8) {
      out.push(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  };
  emit(clear);
  let since = 0;
  for (const p of pixels) {
    if (since === room) {
      emit(clear);
      since = 0;
    }
    emit(p);
    since++;
  }
  emit(clear + 1);
  if (bits > 0) out.push(acc & 0xff);
  return Buffer.from(out);
}

function subBlocks(data: Buffer): Buffer {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const part = data.subarray(i, i + 255);
    parts.push(Buffer.from([part.length]), part);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export function encodeGif(o: GifOptions): Buffer {
  const n = o.palette.length;
  const sizeBits = Math.max(1, Math.ceil(Math.log2(n)));
  if (1 << sizeBits !== n) throw new Error(`GIF palettes have 2^k entries, not ${n}`);
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(o.width, 0);
  screen.writeUInt16LE(o.height, 2);
  screen[4] = (o.noGlobalTable ? 0 : 0x80) | ((sizeBits - 1) << 4) | (sizeBits - 1);
  const parts: Uint8Array[] = [Buffer.from('GIF89a', 'latin1'), screen];
  if (!o.noGlobalTable) parts.push(Buffer.from(o.palette.flat()));
  if (o.transparent !== undefined) {
    parts.push(Buffer.from([0x21, 0xf9, 4, 1, 0, 0, o.transparent, 0]));
  }
  const desc = Buffer.alloc(10);
  desc[0] = 0x2c;
  desc.writeUInt16LE(o.width, 5);
  desc.writeUInt16LE(o.height, 7);
  parts.push(desc);
  const minCodeSize = Math.max(2, sizeBits);
  parts.push(Buffer.from([minCodeSize]), subBlocks(lzwLiterals(o.pixels, minCodeSize)));
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

/** The global colour table of a GIF made by encodeGif. */
export function gifPalette(gif: Uint8Array): Buffer {
  const b = Buffer.from(gif);
  return b.subarray(13, 13 + 3 * 2 ** ((b[10]! & 7) + 1));
}
