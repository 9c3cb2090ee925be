import type fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cacheable,
  cachedBody,
  clearFileCache,
  remember,
} from '../../../../proxy-core/src/node/roles/web-server/file-cache.js';

const NOW = 1_800_000_000_000;
const stat = (over: Partial<fs.Stats> = {}): fs.Stats =>
  ({ dev: 1, ino: 2, size: 5, mtimeMs: NOW - 5000, ctimeMs: NOW - 5000, ...over }) as fs.Stats;

describe('file cache', () => {
  afterEach(() => clearFileCache());

  it('only keeps small files that have not changed for a second', () => {
    expect(cacheable(stat(), NOW)).toBe(true);
    expect(cacheable(stat({ ctimeMs: NOW - 200 }), NOW)).toBe(false);
    expect(cacheable(stat({ mtimeMs: NOW - 200 }), NOW)).toBe(false);
    expect(cacheable(stat({ size: 3 * 1024 * 1024 }), NOW)).toBe(false);
  });

  it('hits only while inode, size, mtime and ctime all match', () => {
    remember('/f', stat(), Buffer.from('hello'));
    expect(cachedBody('/f', stat())?.toString()).toBe('hello');
    for (const change of [
      { ino: 3 },
      { dev: 9 },
      { size: 6 },
      { mtimeMs: NOW - 1 },
      { ctimeMs: NOW - 1 },
    ]) {
      remember('/f', stat(), Buffer.from('hello'));
      expect(cachedBody('/f', stat(change)), JSON.stringify(change)).toBeNull();
      // A miss drops the entry.
      expect(cachedBody('/f', stat())).toBeNull();
    }
    expect(cachedBody('/other', stat())).toBeNull();
  });

  it('evicts the least recently used beyond 64 MiB', () => {
    const big = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < 40; i++) remember(`/f${i}`, stat({ size: big.length }), big);
    // 32 entries fit; f0..f7 went first, unless touched.
    expect(cachedBody('/f0', stat({ size: big.length }))).toBeNull();
    expect(cachedBody('/f8', stat({ size: big.length }))).not.toBeNull();
    remember('/f40', stat({ size: big.length }), big);
    expect(cachedBody('/f8', stat({ size: big.length }))).not.toBeNull();
    expect(cachedBody('/f9', stat({ size: big.length }))).toBeNull();
  });
});
