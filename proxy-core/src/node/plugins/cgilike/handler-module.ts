/**
 * Where Cgilike's handlers come from. Perlbal runs `PERLHANDLER = My::App::handler` as a Perl
 * subroutine after `PERLREQUIRE = My::App` loaded `My/App.pm` from @INC. A Node program can't
 * run Perl in-process, so the same names resolve to a JavaScript module instead: `My::App` is
 * `My/App.js` (or `.cjs`, `.mjs`), looked for in the config file's folder and then in each
 * folder of PERL5LIB (Perl's own search path, so one setting serves both), and `handler` is
 * its export. Modules are loaded synchronously (require, ESM included) when the plugin is
 * registered, so a mistake is reported when the config loads.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** What a handler module exports under the PERLHANDLER name. */
export type HandlerFn = (req: unknown) => unknown;

const EXTENSIONS = ['.js', '.cjs', '.mjs'];

/** Folders searched for `My/App.js`, in order (Perl's @INC, for us). */
export function searchPath(baseDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const lib = (env['PERL5LIB'] ?? '').split(path.delimiter).filter(Boolean);
  return [baseDir, ...lib.map((d) => path.resolve(baseDir, d))];
}

/** `My::App` -> the module's file, or an Error saying where it was looked for. */
export function findModule(name: string, dirs: string[]): string | Error {
  const rel = name.split('::').join(path.sep);
  const tried: string[] = [];
  for (const dir of dirs) {
    for (const ext of EXTENSIONS) {
      const file = path.join(dir, rel + ext);
      tried.push(file);
      if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
    }
  }
  return new Error(
    `Can't locate ${name} (a JavaScript module ${rel}.js, .cjs or .mjs); looked in ${dirs.join(', ')}`,
  );
}

/** Load a module by Perl package name; its exports, or the Error. */
export function requireModule(name: string, dirs: string[]): Record<string, unknown> | Error {
  const file = findModule(name, dirs);
  if (file instanceof Error) return file;
  try {
    const loaded = createRequire(file)(file) as Record<string, unknown> | null;
    return loaded ?? {};
  } catch (e) {
    return new Error(
      `Failed to load ${name} from ${file}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * `My::App::handler` -> the function exported as `handler` by `My::App` (a named export, or
 * a property of the default export). An Error says what is missing.
 */
export function resolveHandler(spec: string, dirs: string[]): HandlerFn | Error {
  const cut = spec.lastIndexOf('::');
  if (cut <= 0)
    return new Error(`Undefined subroutine &${spec} (write it as Module::Name::function)`);
  const moduleName = spec.slice(0, cut);
  const fnName = spec.slice(cut + 2);
  const mod = requireModule(moduleName, dirs);
  if (mod instanceof Error) return mod;
  const fallback = mod['default'] as Record<string, unknown> | undefined;
  const fn =
    mod[fnName] ?? (fallback && typeof fallback === 'object' ? fallback[fnName] : undefined);
  if (typeof fn !== 'function')
    return new Error(
      `Undefined subroutine &${spec} called (${moduleName} exports no function '${fnName}')`,
    );
  return fn as HandlerFn;
}
