/**
 * `npm start` (main/scripts/start.mjs). On this project's machines the Electron binary is missing and
 * github.com unreachable, so the first case runs the real thing and expects a fast, plain failure.
 * The second case launches a stand-in Electron to check the project dir and exit code go through.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-root.js';

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

const START = path.join(REPO_ROOT, 'main', 'scripts', 'start.mjs');
const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function runStart(env: Record<string, string>): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [START],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perlbal-start-'));
  tempDirs.push(dir);
  return dir;
}

async function electronIsInstalled(): Promise<boolean> {
  // A URL specifier: start.mjs is plain JavaScript with no type declarations.
  const startUrl = new URL('../../../main/scripts/start.mjs', import.meta.url).href;
  const { findElectronBinary } = (await import(startUrl)) as {
    findElectronBinary(env?: NodeJS.ProcessEnv): { binary: string | null };
  };
  return findElectronBinary({}).binary !== null;
}

describe('npm start', () => {
  it(
    'fails fast and plainly when the Electron binary is missing',
    { timeout: 30_000 },
    async () => {
      const env: Record<string, string> = {
        PERLBAL_DESKTOP_SKIP_BUILD: '1',
        // Bounds the wait on a machine that can reach the download host but slowly.
        PERLBAL_DESKTOP_ELECTRON_FETCH_TIMEOUT_MS: '10000',
      };
      // Where a developer has a real Electron, point at an empty folder instead of launching it.
      if (await electronIsInstalled()) env.ELECTRON_OVERRIDE_DIST_PATH = await tempDir();

      const result = await runStart(env);

      expect(result.code, result.stderr).toBe(1);
      expect(result.ms).toBeLessThan(15_000);
      const message = result.stderr.replace(/\s+/g, ' ');
      expect(message).toContain('cannot open the desktop window');
      expect(message).toMatch(
        /Electron binary is not installed|ELECTRON_OVERRIDE_DIST_PATH has no/,
      );
      expect(message).toContain('`npx perlbal-desktop --ui`');
      expect(message).toContain('`npx perlbal-desktop`');
      // One short paragraph, not a stack trace.
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('launches Electron on the project folder and passes its exit code on', async () => {
    if (process.platform === 'win32') return; // the stand-in is a shell script
    const dist = await tempDir();
    const record = path.join(dist, 'args.txt');
    const fake = path.join(dist, 'electron');
    await writeFile(fake, `#!/bin/sh\nprintf '%s' "$1" > '${record}'\nexit 7\n`);
    await chmod(fake, 0o755);

    const result = await runStart({
      PERLBAL_DESKTOP_SKIP_BUILD: '1',
      ELECTRON_OVERRIDE_DIST_PATH: dist,
    });

    expect(result.code, result.stderr).toBe(7);
    expect(path.resolve(await readFile(record, 'utf8'))).toBe(path.resolve(REPO_ROOT));
  });
});
