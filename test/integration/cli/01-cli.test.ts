/**
 * The headless CLI, run as users run it (`node proxy-core/bin/perlbal-desktop.js`, what
 * `npx perlbal-desktop` starts): options, start-up errors that name the line or file, the
 * banner, serving, the management port, graceful stop on SIGTERM, and --daemon.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../conformance/harness.js';
import { ManageClient } from '../../helpers/manage-client.js';
import { rawOne } from '../../helpers/raw-http.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, '../../../proxy-core/bin/perlbal-desktop.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children.length = 0;
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runToEnd(args: string[], timeoutMs = 15_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => reject(new Error(`timeout; stdout=${stdout} stderr=${stderr}`)), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Start a long-running CLI and wait until it prints `Running.`. */
async function startCli(args: string[]): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`not running: ${out}`)), 15_000);
    const check = (): void => {
      if (out.includes('Running.')) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', () => reject(new Error(`exited: ${out}`)));
  });
  return { child, out: () => out };
}

function tmpConf(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-'));
  const file = path.join(dir, 'perlbal.conf');
  fs.writeFileSync(file, text);
  return file;
}

describe('perlbal-desktop CLI', () => {
  it('prints the version and the help, as perlbal does', async () => {
    const v = await runToEnd(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^Perlbal version 1\.80 \(Perlbal Desktop [\d.]+\)\n$/);
    const h = await runToEnd(['--help']);
    expect(h.code).toBe(0);
    expect(h.stderr).toContain('--config=FILE');
    const bad = await runToEnd(['--frob']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown option: frob');
  });

  it('names the line and column of a bad config line and exits non-zero', async () => {
    const file = tmpConf('CREATE SERVICE web\n  SET role = web_server\n  SET dirindexin = on\n');
    const r = await runToEnd(['--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: line 3, column 7:`);
    expect(r.stderr).toContain("did you mean 'dirindexing'?");
    expect(r.stderr).toContain('Error starting up.');
  });

  it('names a missing docroot and a missing config file', async () => {
    const file = tmpConf('CREATE SERVICE web\n  SET role = web_server\n  SET docroot = /nonexistent/docroot\n');
    const r = await runToEnd([`--config=${file}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/docroot');
    const missing = await runToEnd(['-c', '/nonexistent/perlbal.conf']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error opening config file (/nonexistent/perlbal.conf): No such file or directory');
  });

  it('refuses to run with nothing to listen on', async () => {
    const r = await runToEnd(['--config', tmpConf('CREATE SERVICE web\n  SET role = web_server\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No services or management port configured.  Nothing to do.  Stopping.');
  });

  it('reports a port in use', async () => {
    const port = await freePort();
    const conf = `CREATE SERVICE a\n SET role = management\n SET listen = 127.0.0.1:${port}\nENABLE a\nCREATE SERVICE b\n SET role = management\n SET listen = 127.0.0.1:${port}\nENABLE b\n`;
    const r = await runToEnd(['--config', tmpConf(conf)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Can't start service 'b' on 127.0.0.1:${port}`);
  });

  it('serves a docroot, answers the management port, and stops on SIGTERM', async () => {
    const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-doc-'));
    fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello world\n');
    const [web, mgmt] = [await freePort(), await freePort()];
    const file = tmpConf(
      `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:${web}\n  SET docroot = ${docroot}\nENABLE web\n` +
        `CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:${mgmt}\nENABLE mgmt\n`,
    );
    const { child, out } = await startCli(['--config', file]);
    expect(out()).toContain(`http://127.0.0.1:${web}/`);
    const res = await rawOne(web, 'GET /hello.txt HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello world\n');
    const m = await ManageClient.connect(mgmt);
    expect(await m.multi('show service')).toEqual([
      `mgmt 127.0.0.1:${mgmt} ENABLED`,
      `web 127.0.0.1:${web} ENABLED`,
      '.',
    ]);
    m.close();
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('runs the bundled default config (ports moved to free ones)', async () => {
    const text = fs.readFileSync(path.resolve(HERE, '../../../resources/perlbal.conf'), 'utf8');
    const ports = new Map<string, number>();
    for (const p of ['8080', '8065', '7002']) ports.set(p, await freePort());
    const moved = text.replace(/127\.0\.0\.1:(8080|8065|7002)\b/g, (_, p: string) => `127.0.0.1:${ports.get(p)}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-default-'));
    fs.cpSync(path.resolve(HERE, '../../../resources/docroot'), path.join(dir, 'docroot'), { recursive: true });
    const file = path.join(dir, 'perlbal.conf');
    fs.writeFileSync(file, moved);
    const { out } = await startCli(['--config', file]);
    expect(out()).toContain('web_stat');
    const sel = ports.get('8080')!;
    const res = await rawOne(sel, 'GET / HTTP/1.1\r\nHost: stat.lj.localhost\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('It works.');
  });

  it('detaches with --daemon and keeps serving until shut down', async () => {
    const mgmt = await freePort();
    const file = tmpConf(`CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:${mgmt}\nENABLE mgmt\n`);
    const r = await runToEnd(['--config', file, '--daemon']);
    expect(r.code).toBe(0);
    let m: ManageClient | null = null;
    for (let i = 0; i < 100 && !m; i++) {
      m = await ManageClient.connect(mgmt).catch(() => null);
      if (!m) await new Promise((res) => setTimeout(res, 50));
    }
    expect(m).not.toBeNull();
    expect((await m!.multi('version')).at(-2)).toBe('version 1.80');
    m!.send('shutdown\r\n');
    await m!.drain(300);
    expect(m!.closed).toBe(true);
  });
});
