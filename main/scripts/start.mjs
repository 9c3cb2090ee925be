#!/usr/bin/env node
// `npm start`: find the Electron binary, build with electron-vite, then run the app. Where the
// binary is missing and cannot be fetched (no route to github.com; toolchain.md §2) it fails in
// seconds with one plain paragraph pointing to the modes that need no Electron. Env knobs:
// PERLBAL_DESKTOP_SKIP_BUILD=1, PERLBAL_DESKTOP_NO_ELECTRON_FETCH=1,
// PERLBAL_DESKTOP_ELECTRON_FETCH_TIMEOUT_MS, and Electron's own ELECTRON_OVERRIDE_DIST_PATH.
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(PROJECT_DIR, 'package.json'));
const DNS_TIMEOUT_MS = 3_000;
const DEFAULT_FETCH_TIMEOUT_MS = 300_000;

/** Electron's executable path inside its dist folder, as its own install.js names it. */
function platformExecutable(platform = process.platform) {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * The Electron binary if it is on disk, else null plus the reason. Reads what the electron
 * package reads, without calling require('electron'): that would start a download attempt.
 */
export function findElectronBinary(env = process.env) {
  const electronDir = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : platformExecutable();
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative);
    if (existsSync(binary)) return { binary, electronDir };
    return { binary: null, electronDir, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${relative}` };
  }
  const binary = path.join(electronDir, 'dist', relative);
  if (existsSync(pathFile) && existsSync(binary)) return { binary, electronDir };
  return { binary: null, electronDir, reason: 'the Electron binary is not installed' };
}

/** Host the download would come from: the mirror if one is set, else GitHub. */
function downloadHost(env) {
  const mirror = env.ELECTRON_MIRROR || env.npm_config_electron_mirror;
  if (!mirror) return 'github.com';
  try {
    return new URL(mirror).hostname;
  } catch {
    return 'github.com';
  }
}

function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Run `cmd args`, resolving with { code, stderr } or rejecting after `timeoutMs`. */
function run(cmd, args, { timeoutMs, captureStderr = false, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const stdio = ['ignore', 'inherit', captureStderr ? 'pipe' : 'inherit'];
    const child = spawn(cmd, args, { cwd: PROJECT_DIR, env, stdio });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const timer = timeoutMs
      ? setTimeout(() => {
          child.kill();
          reject(new Error(`gave up after ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), stderr });
    });
  });
}

/**
 * Try the electron package's own installer, unless the network plainly cannot reach the
 * download host: a DNS check bounds the wait to seconds where there is no route at all.
 */
async function fetchElectron(electronDir, env) {
  if (env.PERLBAL_DESKTOP_NO_ELECTRON_FETCH === '1') return 'downloading is disabled';
  const proxied = env.HTTPS_PROXY || env.https_proxy || env.ELECTRON_GET_USE_PROXY;
  const host = downloadHost(env);
  if (!proxied) {
    try {
      await withTimeout(lookup(host), DNS_TIMEOUT_MS, `no DNS answer for ${host}`);
    } catch (err) {
      return `it could not be downloaded (${err.code ? `${err.code} ${host}` : err.message})`;
    }
  }
  console.error(`perlbal-desktop: downloading Electron from ${host}...`);
  const timeoutMs =
    Number(env.PERLBAL_DESKTOP_ELECTRON_FETCH_TIMEOUT_MS) || DEFAULT_FETCH_TIMEOUT_MS;
  try {
    const { code, stderr } = await run(process.execPath, [path.join(electronDir, 'install.js')], {
      timeoutMs,
      captureStderr: true,
      env,
    });
    if (code === 0) return null;
    const line = stderr.split('\n').find((l) => /error/i.test(l)) ?? `installer exit code ${code}`;
    return `it could not be downloaded (${line.trim()})`;
  } catch (err) {
    return `it could not be downloaded (${err.message})`;
  }
}

export function missingElectronMessage(reason) {
  return [
    `perlbal-desktop: cannot open the desktop window: ${reason}.`,
    'The proxy itself does not need Electron: run it headless with `npx perlbal-desktop`,',
    'or open the same UI in a browser with `npx perlbal-desktop --ui` (it prints the URL to open).',
    'For the desktop window, install Electron where github.com is reachable (`npx install-electron`).',
  ].join(' ');
}

async function build(env) {
  if (env.PERLBAL_DESKTOP_SKIP_BUILD === '1') return;
  const cli = path.join(
    path.dirname(require.resolve('electron-vite/package.json')),
    'bin',
    'electron-vite.js',
  );
  const { code } = await run(process.execPath, [cli, 'build'], { env });
  if (code !== 0) throw new Error(`electron-vite build failed (exit code ${code})`);
}

/** Launch Electron on the project; resolves with its exit code. */
function launch(binary, env) {
  const childEnv = { ...env };
  // Inherited from some shells and tools; it would make Electron behave as plain Node.
  delete childEnv.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [PROJECT_DIR], { cwd: PROJECT_DIR, env: childEnv, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(env = process.env) {
  let found = findElectronBinary(env);
  if (found.binary === null && !env.ELECTRON_OVERRIDE_DIST_PATH) {
    const failure = await fetchElectron(found.electronDir, env);
    const refound = findElectronBinary(env);
    found =
      failure === null && refound.binary
        ? refound
        : { ...found, reason: `${found.reason} and ${failure ?? 'the download left no binary'}` };
  }
  if (found.binary === null) {
    console.error(missingElectronMessage(found.reason));
    return 1;
  }
  await build(env);
  return launch(found.binary, env);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`perlbal-desktop: ${err.message}`);
      process.exit(1);
    },
  );
}
