/**
 * Whole-file contents of recently served files, so a hot file costs a stat and a socket
 * write instead of open, read, close and a second copy (Node has no sendfile). Every hit is
 * validated against the stat the request just made (inode, size, mtime, ctime), so the
 * filesystem stays the source of truth. Only files whose ctime and mtime are more than
 * SETTLED_MS old are kept: a later change then always gets a newer ctime, even on
 * filesystems with coarse timestamps. Bounded by MAX_FILE per entry and MAX_TOTAL overall,
 * least recently used first out.
 */
import type fs from 'node:fs';
import { readWhole } from '../../files/send-file.js';

const MAX_FILE = 2 * 1024 * 1024;
const MAX_TOTAL = 64 * 1024 * 1024;
const SETTLED_MS = 1000;

interface Entry {
  data: Buffer;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

const entries = new Map<string, Entry>();
let total = 0;

/** May this file's contents be kept (small enough, and not changed in the last second)? */
export function cacheable(st: fs.Stats, now = Date.now()): boolean {
  return st.size <= MAX_FILE && now - st.ctimeMs >= SETTLED_MS && now - st.mtimeMs >= SETTLED_MS;
}

/**
 * The contents of a cacheable file: from the cache, or read now and kept. Null when the file
 * turned out shorter than `st` said (it changed under us); throws on open or read errors.
 */
export function cachedOrRead(path: string, st: fs.Stats): Buffer | null {
  const hit = cachedBody(path, st);
  if (hit !== null) return hit;
  const body = readWhole(path, st.size);
  if (body !== null) remember(path, st, body);
  return body;
}

/** The cached contents of `path` if they still match `st`. */
export function cachedBody(path: string, st: fs.Stats): Buffer | null {
  const e = entries.get(path);
  if (e === undefined) return null;
  if (
    e.ino !== st.ino ||
    e.dev !== st.dev ||
    e.size !== st.size ||
    e.mtimeMs !== st.mtimeMs ||
    e.ctimeMs !== st.ctimeMs
  ) {
    forget(path);
    return null;
  }
  // Most recently used goes to the end.
  entries.delete(path);
  entries.set(path, e);
  return e.data;
}

export function remember(path: string, st: fs.Stats, data: Buffer): void {
  forget(path);
  entries.set(path, {
    data,
    dev: st.dev,
    ino: st.ino,
    size: st.size,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
  });
  total += data.length;
  for (const [key, e] of entries) {
    if (total <= MAX_TOTAL) break;
    entries.delete(key);
    total -= e.data.length;
  }
}

function forget(path: string): void {
  const e = entries.get(path);
  if (e === undefined) return;
  entries.delete(path);
  total -= e.data.length;
}

/** Drop everything (tests, and memory pressure). */
export function clearFileCache(): void {
  entries.clear();
  total = 0;
}
