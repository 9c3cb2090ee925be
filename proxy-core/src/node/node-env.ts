/**
 * The ApplyEnv the config language needs, backed by this machine: environment variables,
 * network interfaces (`${ip:eth0}`), file checks, and the Include plugin's globbing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApplyEnv } from '../common/config/index.js';

export function nodeEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ApplyEnv {
  const abs = (p: string): string => path.resolve(cwd, p);
  return {
    getenv: (name) => env[name],
    interfaceAddress(iface) {
      const addrs = os.networkInterfaces()[iface];
      return addrs?.find((a) => a.family === 'IPv4')?.address;
    },
    // Perl's -f: a regular file (after symlinks); a directory is not one.
    fileExists: (p) => statOf(abs(p))?.isFile() ?? false,
    dirExists: (p) => statOf(abs(p))?.isDirectory() ?? false,
    isExecutable(p) {
      try {
        fs.accessSync(abs(p), fs.constants.X_OK);
        return statOf(abs(p))?.isFile() ?? false;
      } catch {
        return false;
      }
    },
    readIncludes(globs) {
      const out: Array<{ path: string; text: string } | { path: string; error: string }> = [];
      for (const pattern of globs.split(/\s+/).filter(Boolean)) {
        const matches = expandGlob(abs(pattern));
        // Perl's glob returns a literal pattern with no wildcards even when it doesn't exist.
        const files = matches.length || /[*?[]/.test(pattern) ? matches : [abs(pattern)];
        for (const file of files) {
          try {
            out.push({ path: file, text: fs.readFileSync(file, 'utf8') });
          } catch (e) {
            const err = e as NodeJS.ErrnoException;
            // The INCLUDE command words the message (Perlbal's `Error opening config file (...)`).
            out.push({ path: file, error: errnoText(err) });
          }
        }
      }
      return out;
    },
  };
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** Perl-style errno text for the common cases. */
export function errnoText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'ENOTDIR':
      return 'Not a directory';
    default:
      return err.message;
  }
}

/** A small glob: `*`, `?` and `[...]` in any path segment, results sorted like Perl's glob. */
export function expandGlob(pattern: string): string[] {
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]!];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    const re = /[*?[]/.test(part) ? globToRegExp(part) : null;
    for (const base of bases) {
      if (!re) {
        const p = path.join(base, part);
        if (fs.existsSync(p)) next.push(p);
        continue;
      }
      let names: string[] = [];
      try {
        names = fs.readdirSync(base);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (re.test(n) && !n.startsWith('.')) next.push(path.join(base, n));
    }
    bases = next;
  }
  return bases;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[' || ch === ']') re += ch;
    else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
