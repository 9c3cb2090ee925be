/**
 * What this test process (and the in-process core) holds open, read from /proc, so tests can
 * check that every file descriptor is closed on every path; and a bounded wait for a condition.
 */
import fs from 'node:fs';

/** Descriptors this process holds open on files below `dir`. */
export function openFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // closed while we looked
    }
  }
  return out;
}

/** Poll `cond` every 10 ms for up to `ms`; returns its last value. */
export async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
}
