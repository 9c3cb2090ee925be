/**
 * Builds what the browser tests run, once per run: the renderer (electron-vite, into
 * out/renderer, which `perlbal-desktop --ui` serves) and the core the CLI runs
 * (proxy-core/dist). Both are quick; stale output would test yesterday's code.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

export default function setup(): void {
  run(process.execPath, [
    path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'),
    'build',
  ]);
  run(process.execPath, [
    path.join(ROOT, 'node_modules/typescript/bin/tsc'),
    '-p',
    'proxy-core/tsconfig.build.json',
  ]);
}
