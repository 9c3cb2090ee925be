/**
 * Builds with electron-vite and packs with `electron-builder --dir` against a stand-in Electron
 * (no binary can be downloaded here; toolchain.md §6), then checks what app.asar holds: the built
 * main, preload and renderer plus production dependencies, and nothing from the sources.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-root.js';

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const { listPackage } = require('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
};

let work: string;
let files: string[];

function binOf(pkg: string, bin: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), bin);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'perlbal-pack-'));
  const electronDist = path.join(work, 'electron');
  await mkdir(path.join(electronDist, 'resources'), { recursive: true });
  await writeFile(path.join(electronDist, 'electron'), '#!/bin/sh\nexit 0\n');
  await chmod(path.join(electronDist, 'electron'), 0o755);

  const options = { cwd: REPO_ROOT, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 };
  await run(process.execPath, [binOf('electron-vite', 'bin/electron-vite.js'), 'build'], options);
  const output = path.join(work, 'dist');
  await run(
    process.execPath,
    [
      binOf('electron-builder', 'cli.js'),
      '--linux',
      '--dir',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${output}`,
    ],
    { ...options, env: { ...process.env, CI: 'true' } },
  );
  const asar = path.join(output, 'linux-unpacked', 'resources', 'app.asar');
  files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('electron-builder --dir', () => {
  it('packs the built main, CommonJS preload and renderer', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        '/package.json',
        '/out/main/index.js',
        '/out/preload/index.cjs',
        '/out/renderer/index.html',
      ]),
    );
    expect(files.some((f) => /^\/out\/renderer\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
  });

  it('builds the preload as CommonJS with the app version baked in', async () => {
    // A sandboxed preload cannot be an ES module (toolchain.md gotcha 7).
    const preload = await readFile(path.join(REPO_ROOT, 'out', 'preload', 'index.cjs'), 'utf8');
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(preload).toMatch(/require\(["']electron["']\)/);
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(preload).toContain(JSON.stringify(pkg.version));
    expect(preload).not.toMatch(/typeof __PERLBAL_DESKTOP_VERSION__/);
  });

  it('packs production dependencies only, and no sources', () => {
    expect(files.some((f) => f.startsWith('/node_modules/selfsigned/'))).toBe(true);
    for (const devOnly of [
      'electron',
      'electron-vite',
      'vitest',
      'typescript',
      'svelte',
      'eslint',
    ]) {
      expect(
        files.some((f) => f.startsWith(`/node_modules/${devOnly}/`)),
        devOnly,
      ).toBe(false);
    }
    for (const source of ['/main/', '/renderer/', '/proxy-core/', '/test/', '/resources/']) {
      expect(
        files.some((f) => f.startsWith(source)),
        source,
      ).toBe(false);
    }
    const ours = files.filter((f) => !f.startsWith('/node_modules/'));
    expect(ours.filter((f) => f.endsWith('.map') || f.endsWith('.ts'))).toEqual([]);
  });

  it('builds a renderer page the Content-Security-Policy allows: no inline script or style', async () => {
    const html = await readFile(path.join(REPO_ROOT, 'out', 'renderer', 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=/);
  });
});
