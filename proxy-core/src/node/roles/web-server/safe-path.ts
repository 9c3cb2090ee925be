/**
 * Turning a request target into a path under the docroot, and refusing the ones that could
 * leave it. Perlbal only decodes `%XX` (Perlbal::Util::durl, `+` stays) and rejects `/../`;
 * on top of that we refuse any `..` segment (a trailing `/..` included), backslashes, NUL
 * bytes, malformed percent-escapes and byte sequences that are not UTF-8 (overlong encodings
 * of `.` and `/` are the classic trick). With `restrict_symlinks` on, the real path must also
 * stay inside the real docroot.
 */
import fs from 'node:fs';

export interface DecodedUri {
  /** The decoded target (query string still attached, as Perlbal decodes it whole). */
  uri: string;
  /** Malformed `%` escapes in the path part, or bytes that are not UTF-8. */
  bad: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Perlbal durl on the raw target. llhttp hands the target over as latin1 text, so each char
 * is one byte; the decoded bytes are read as UTF-8.
 */
export function decodeUri(raw: string): DecodedUri {
  let plain = true;
  let wide = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 37 || c > 127) plain = false;
    if (c > 255) wide = true;
  }
  if (plain) return { uri: raw, bad: false };
  // A target from the wire is latin1 (one char per byte); one set by a plugin may be text.
  const src = Buffer.from(raw, wide ? 'utf8' : 'latin1');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  let bad = false;
  let inPath = true;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 63) inPath = false;
    if (c === 37) {
      const hi = i + 2 < src.length ? hexValue(src[i + 1]!) : -1;
      const lo = hi === -1 ? -1 : hexValue(src[i + 2]!);
      if (lo !== -1) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
      // Perlbal leaves a malformed escape as it is; we refuse it in the path.
      if (inPath) bad = true;
    }
    out[n++] = c;
  }
  const bytes = out.subarray(0, n);
  try {
    return { uri: utf8.decode(bytes), bad };
  } catch {
    return { uri: bytes.toString('latin1'), bad: true };
  }
}

/** Perlbal's own traversal test on the decoded target: `/../` anywhere, or no leading `/`. */
export function perlbalBogusUrl(uri: string): boolean {
  return uri.charCodeAt(0) !== 47 || uri.includes('/../');
}

/**
 * A decoded path (no query) that must not be used: a `..` segment anywhere, a backslash or
 * a NUL byte.
 */
export function unsafePath(path: string): boolean {
  if (path.includes('\\') || path.includes('\0')) return true;
  let i = path.indexOf('..');
  while (i !== -1) {
    const before = i === 0 ? 47 : path.charCodeAt(i - 1);
    const after = i + 2 === path.length ? 47 : path.charCodeAt(i + 2);
    if (before === 47 && after === 47) return true;
    i = path.indexOf('..', i + 1);
  }
  return false;
}

const realDocroots = new Map<string, string>();

function realDocroot(docroot: string): string | null {
  let real = realDocroots.get(docroot);
  if (real === undefined) {
    try {
      real = fs.realpathSync.native(docroot);
    } catch {
      return null;
    }
    realDocroots.set(docroot, real);
  }
  return real;
}

/** True when `real` is the real docroot or below it. */
function within(root: string, real: string): boolean {
  if (root === '/') return true;
  return real === root || (real.startsWith(root) && real.charCodeAt(root.length) === 47);
}

/**
 * restrict_symlinks: does `target` (an existing path) resolve inside the docroot? A path
 * that can't be resolved (it vanished, or a loop) counts as outside.
 */
export function resolvesInside(docroot: string, target: string): boolean {
  const root = realDocroot(docroot);
  if (root === null) return false;
  try {
    return within(root, fs.realpathSync.native(target));
  } catch {
    return false;
  }
}

/**
 * restrict_symlinks for paths about to be created (PUT): the deepest existing ancestor
 * directory of `target`, and `target` itself if it exists, must resolve inside.
 */
export function createsInside(docroot: string, target: string): boolean {
  const root = realDocroot(docroot);
  if (root === null) return false;
  let p = target;
  for (;;) {
    try {
      return within(root, fs.realpathSync.native(p));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return false;
      // A dangling symlink still points somewhere: refuse rather than create through it.
      if (isSymlink(p)) return false;
    }
    const slash = p.lastIndexOf('/');
    if (slash <= 0) return false;
    p = p.slice(0, slash);
  }
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
