/**
 * A docroot for palimg tests, generated at test time in a fresh temp dir (removed after the
 * test): palette PNGs and GIFs of several palette sizes under `palimg/`, plus the odd files
 * the plugin must refuse, a secret outside the docroot and symlinks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import {
  editorChunks,
  encodeGif,
  encodePng,
  prng,
  randomPalette,
  randomPixels,
} from './palimg-images.js';

/** Fixed mtime: Thu, 01 Jan 2004 00:00:00 GMT (as in the palimg spec's captures). */
export const PALIMG_MTIME = 1072915200;
export const PALIMG_LASTMOD = 'Thu, 01 Jan 2004 00:00:00 GMT';
export const SECRET = 'TOP SECRET outside the docroot\n';

export interface PalimgDocroot {
  base: string;
  docroot: string;
  /** Absolute path of `rel` under the docroot. */
  file(rel: string): string;
  /** Bytes of `rel` under the docroot. */
  read(rel: string): Buffer;
  write(rel: string, data: Uint8Array | string): void;
}

function png(
  seed: number,
  n: number,
  w: number,
  h: number,
  extra: Partial<Parameters<typeof encodePng>[0]> = {},
): Buffer {
  const rand = prng(seed);
  return encodePng({
    width: w,
    height: h,
    palette: randomPalette(rand, n),
    pixels: randomPixels(rand, n, w, h),
    ...extra,
  });
}

function gif(
  seed: number,
  n: number,
  w: number,
  h: number,
  extra: Partial<Parameters<typeof encodeGif>[0]> = {},
): Buffer {
  const rand = prng(seed);
  return encodeGif({
    width: w,
    height: h,
    palette: randomPalette(rand, n),
    pixels: randomPixels(rand, n, w, h),
    ...extra,
  });
}

/** The valid images every test can use: name -> bytes. */
export function validImages(): Record<string, Buffer> {
  return {
    'pal2.png': png(1, 2, 8, 3, { bitDepth: 1 }),
    'pal4.png': png(2, 4, 5, 5, { alpha: [0, 255, 128] }),
    'pal16.png': png(3, 16, 16, 8, { bitDepth: 4 }),
    'pal100.png': png(4, 100, 20, 10),
    'pal256.png': png(5, 256, 32, 32),
    'late-plte.png': png(6, 16, 8, 8, {
      before: [['tEXt', Buffer.from(`Comment\0${'x'.repeat(3000)}`)]],
    }),
    // As LiveJournal's own images: editor chunks between IHDR and PLTE.
    'photoshop4.png': png(21, 4, 6, 6, { alpha: [0, 255], before: editorChunks('photoshop') }),
    'gimp16.png': png(22, 16, 9, 7, { bitDepth: 4, before: editorChunks('gimp') }),
    'pngcrush256.png': png(23, 256, 16, 16, { before: editorChunks('pngcrush') }),
    'pal2.gif': gif(7, 2, 10, 10),
    'pal4.gif': gif(8, 4, 12, 6, { transparent: 2 }),
    'pal16.gif': gif(9, 16, 40, 40),
    'pal64.gif': gif(10, 64, 24, 24),
    'pal256.gif': gif(11, 256, 30, 30),
    'sub/nested.gif': gif(12, 8, 6, 6),
  };
}

export function makePalimgDocroot(): PalimgDocroot {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-palimg-'));
  onTestFinished(() => fs.rmSync(base, { recursive: true, force: true }));
  const docroot = path.join(base, 'docroot');
  const file = (rel: string): string => path.join(docroot, rel);
  const write = (rel: string, data: Uint8Array | string): void => {
    fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
    fs.writeFileSync(file(rel), data);
    fs.utimesSync(file(rel), PALIMG_MTIME, PALIMG_MTIME);
  };
  fs.mkdirSync(path.join(docroot, 'palimg'), { recursive: true });
  for (const [name, bytes] of Object.entries(validImages())) write(`palimg/${name}`, bytes);
  write('palimg/upper.PNG', png(13, 4, 4, 4));
  write('palimg/UPPER.GIF', gif(14, 4, 4, 4));
  write('palimg/photo.jpg', 'not really a jpeg');
  write('palimg/truecolour.png', png(15, 4, 4, 4, { colourType: 2 }));
  write('palimg/noglobal.gif', gif(16, 4, 4, 4, { noGlobalTable: true }));
  write('palimg/short.gif', gif(17, 256, 4, 4).subarray(0, 400));
  write('palimg/short.png', png(18, 256, 4, 4).subarray(0, 200));
  write('palimg/gif-named.png', gif(19, 4, 4, 4));
  write('palimg/png-named.gif', png(20, 4, 4, 4));
  write('palimg/empty.png', '');
  fs.mkdirSync(file('palimg/dir.png'));
  write('palimg/dir.png/index.html', '<p>index</p>');
  // Outside the docroot: a secret image nothing may reach.
  fs.mkdirSync(path.join(base, 'outside'));
  fs.writeFileSync(path.join(base, 'outside', 'secret.png'), SECRET);
  fs.writeFileSync(path.join(base, 'secret.png'), SECRET);
  fs.copyFileSync(file('palimg/pal4.png'), path.join(base, 'outside', 'image.png'));
  fs.symlinkSync(path.join(base, 'outside', 'image.png'), file('palimg/link-out.png'));
  fs.symlinkSync(file('palimg/pal4.png'), file('palimg/link-in.png'));
  return { base, docroot, file, read: (rel) => fs.readFileSync(file(rel)), write };
}
