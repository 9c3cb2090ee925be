/**
 * Type checks, so that `npm test` fails on a type error: the whole node side (proxy-core, main,
 * tests, bench and scripts, with the root tsconfig), main on its own tsconfig, and the renderer
 * under svelte-check.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-root.js';

const require = createRequire(import.meta.url);
const run = promisify(execFile);

function binOf(pkg: string, bin: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), bin);
}

async function check(args: string[]): Promise<void> {
  try {
    await run(process.execPath, args, { cwd: REPO_ROOT, timeout: 90_000, maxBuffer: 8 << 20 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    expect.fail(`${args.slice(1).join(' ')} failed:\n${stdout}${stderr}`);
  }
}

describe('typecheck', () => {
  it('`npm run typecheck` covers the node side (root tsconfig) and the renderer', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.typecheck).toContain('tsc -p tsconfig.json --noEmit');
    expect(pkg.scripts.typecheck).toContain('svelte-check --tsconfig renderer/tsconfig.json');
    const root = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as {
      include: string[];
    };
    expect(root.include).toContain('main/src/**/*.ts');
  });

  it('the node side (proxy-core, tests, main) type-checks', { timeout: 120_000 }, async () => {
    await check([binOf('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  });

  it('main, its tests and the build config type-check', { timeout: 90_000 }, async () => {
    await check([binOf('typescript', 'bin/tsc'), '-p', 'main/tsconfig.json', '--noEmit']);
  });

  it('the renderer and its tests pass svelte-check', { timeout: 90_000 }, async () => {
    await check([
      binOf('svelte-check', 'bin/svelte-check'),
      '--tsconfig',
      'renderer/tsconfig.json',
      '--fail-on-warnings',
      '--output',
      'human',
    ]);
  });
});
