/**
 * Shared bits of the certificate tests: a temp certificate folder removed after the test,
 * and running the built CLI (`node proxy-core/bin/perlbal-desktop.js`, what npx starts).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BIN = path.resolve(HERE, '../../../proxy-core/bin/perlbal-desktop.js');

/** A fresh temp dir; the certificate folder is `dir/certs` (not created, so create makes it). */
export function tempDir(): { base: string; certs: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-certs-'));
  onTestFinished(() => fs.rmSync(base, { recursive: true, force: true }));
  return { base, certs: path.join(base, 'certs') };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the CLI to the end (in `cwd`, default this process's); trust-check variables are cleared
 * so output doesn't depend on the shell.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const clean = { ...process.env };
    for (const v of [
      'NODE_EXTRA_CA_CERTS',
      'CURL_CA_BUNDLE',
      'GIT_SSL_CAINFO',
      'REQUESTS_CA_BUNDLE',
      'SSL_CERT_FILE',
      'PERL_LWP_SSL_CA_FILE',
      'HTTPS_CA_FILE',
    ]) {
      delete clean[v];
    }
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...clean, ...env },
      ...(cwd ? { cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timeout; stdout=${stdout} stderr=${stderr}`));
    }, 15_000);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A config whose selector routes `*.lj.localhost` and `stat.lj.localhost`, as the bundled one. */
export function ljConf(base: string, extraVhosts: string[] = []): string {
  const file = path.join(base, 'perlbal.conf');
  fs.writeFileSync(
    file,
    [
      'LOAD vhosts',
      'CREATE SERVICE web',
      '  SET role = web_server',
      `  SET docroot = ${base}`,
      'ENABLE web',
      'CREATE SERVICE ss',
      '  SET role = selector',
      '  SET listen = 127.0.0.1:8080',
      '  SET plugins = vhosts',
      '  VHOST *.lj.localhost = web',
      '  VHOST stat.lj.localhost = web',
      ...extraVhosts.map((v) => `  VHOST ${v} = web`),
      'ENABLE ss',
      '',
    ].join('\n'),
  );
  return file;
}
