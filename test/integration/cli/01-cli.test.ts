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
import net from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../../conformance/harness.js';
import { ManageClient } from '../../helpers/manage-client.js';
import { rawOne } from '../../helpers/raw-http.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, '../../../proxy-core/bin/perlbal-desktop.js');
const children: ChildProcess[] = [];
/** Background copies started with --daemon, by the pid they reported. */
const daemons: number[] = [];

afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children.length = 0;
  for (const pid of daemons) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  daemons.length = 0;
});

/** Remember the pid a successful --daemon printed, so the test can't leave it running. */
function daemonPid(stdout: string): number {
  const m = /Running in the background, pid (\d+)\.\n/.exec(stdout);
  if (!m) throw new Error(`no pid in: ${stdout}`);
  daemons.push(Number(m[1]));
  return Number(m[1]);
}

async function manageWhenUp(port: number): Promise<ManageClient> {
  for (let i = 0; i < 200; i++) {
    const m = await ManageClient.connect(port).catch(() => null);
    if (m) return m;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`nothing answers on ${port}`);
}

/** A port some other program holds for the duration of the test. */
async function heldPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  onTestFinished(() => {
    srv.close();
  });
  return (srv.address() as net.AddressInfo).port;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runToEnd(args: string[], timeoutMs = 15_000, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd,
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(
      () => reject(new Error(`timeout; stdout=${stdout} stderr=${stderr}`)),
      timeoutMs,
    );
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
    const file = tmpConf(
      'CREATE SERVICE web\n  SET role = web_server\n  SET docroot = /nonexistent/docroot\n',
    );
    const r = await runToEnd([`--config=${file}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/docroot');
    const missing = await runToEnd(['-c', '/nonexistent/perlbal.conf']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      'Error opening config file (/nonexistent/perlbal.conf): No such file or directory',
    );
  });

  it('refuses to run with nothing to listen on', async () => {
    const r = await runToEnd([
      '--config',
      tmpConf('CREATE SERVICE web\n  SET role = web_server\n'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'No services or management port configured.  Nothing to do.  Stopping.',
    );
  });

  it('reports a port in use with the file and the ENABLE line', async () => {
    const port = await freePort();
    const conf = `CREATE SERVICE a\n SET role = management\n SET listen = 127.0.0.1:${port}\nENABLE a\nCREATE SERVICE b\n SET role = management\n SET listen = 127.0.0.1:${port}\n  ENABLE b\n`;
    const file = tmpConf(conf);
    const r = await runToEnd(['--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${file}: line 8, column 3: Can't start service 'b' on 127.0.0.1:${port}`,
    );
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('Error starting up.');
    // Held by another program, found only when binding: the same, at its line.
    const held = await heldPort();
    const other = tmpConf(
      `CREATE SERVICE m\n SET role = management\n SET listen = 127.0.0.1:${held}\nENABLE m\n`,
    );
    const r2 = await runToEnd(['--config', other]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(
      `${other}: line 4, column 1: Can't start service 'm' on 127.0.0.1:${held}: Error creating listening socket: Address already in use`,
    );
  });

  it('prints what commands in the config print, then Running. and beginning run', async () => {
    const mgmt = await freePort();
    const file = tmpConf(
      `CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:${mgmt}\nENABLE mgmt\n` +
        'mime set foo application/x-foo\nshow service\nshow service mgmt\n',
    );
    const { out } = await startCli(['--config', file]);
    for (let i = 0; i < 200 && !out().includes('beginning run\n'); i++)
      await new Promise((r) => setTimeout(r, 25));
    const lines = out().split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'foo set to application/x-foo.',
      `mgmt 127.0.0.1:${mgmt} ENABLED`,
      '.',
      'SERVICE mgmt',
      `     listening: 127.0.0.1:${mgmt}`,
      '          role: management',
      '.',
      `Perlbal Desktop ${/Perlbal Desktop (\S+) running/.exec(out())![1]} running ${file}`,
    ]);
    expect(out()).toMatch(/\nRunning\.\nbeginning run\n$/);
  });

  it('ends at a SHUTDOWN line in the config with status 0, as Perlbal does', async () => {
    const r = await runToEnd(['--config', tmpConf('version\nshutdown\n')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^starttime \d+\nuptime \d+\nversion 1\.80\n\.\n$/);
  });

  it('applies SERVER nice_level to itself', async () => {
    const mgmt = await freePort();
    const file = tmpConf(
      `SERVER nice_level = 3\nCREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:${mgmt}\nENABLE mgmt\n`,
    );
    const { child } = await startCli(['--config', file]);
    expect(os.getPriority(child.pid)).toBe(Math.min(19, os.getPriority() + 3));
    // And on the management port, relative to where it is (Perl's nice()).
    const m = await ManageClient.connect(mgmt);
    expect(await m.line('server nice_level = 1')).toBe('OK');
    expect(os.getPriority(child.pid)).toBe(Math.min(19, os.getPriority() + 4));
    m.close();
  });

  it.runIf(process.platform === 'linux' && fs.existsSync('/usr/bin/prlimit'))(
    'sets the open-files limit for SERVER max_connections',
    async () => {
      const mgmt = await freePort();
      const file = tmpConf(
        `SERVER max_connections = 1000\nCREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:${mgmt}\nENABLE mgmt\n`,
      );
      const { child } = await startCli(['--config', file]);
      const limits = fs.readFileSync(`/proc/${child.pid}/limits`, 'utf8');
      expect(limits).toMatch(/^Max open files\s+1000\s+1000\s+files/m);
      // Beyond what may be set: Perlbal's message, and the config goes on.
      const r = await runToEnd([
        '--config',
        tmpConf(`SERVER max_connections = 99999999\nshutdown\n`),
      ]);
      expect(r.code).toBe(0);
      const root = process.getuid?.() === 0;
      expect(r.stderr).toContain(
        `line 1, column 1: ${root ? 'Unable to set limit.' : 'Need to be root to increase max connections.'}`,
      );
    },
  );

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

  it('keeps serving when the reader of its output goes away (| head)', async () => {
    const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-doc-'));
    fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello world\n');
    const web = await freePort();
    const file = tmpConf(
      `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:${web}\n  SET docroot = ${docroot}\nENABLE web\n`,
    );
    const { child } = await startCli(['--config', file, '--access-log']);
    // The reading end of its stdout closes, as `head -1` does after its line.
    child.stdout!.destroy();
    for (let i = 0; i < 3; i++) {
      const res = await rawOne(web, 'GET /hello.txt HTTP/1.0\r\n\r\n');
      expect(res.status).toBe(200);
    }
    expect(child.exitCode).toBe(null);
  });

  it('runs the bundled default config (ports moved to free ones)', async () => {
    const text = fs.readFileSync(path.resolve(HERE, '../../../resources/perlbal.conf'), 'utf8');
    const ports = new Map<string, number>();
    for (const p of ['8080', '8065', '7002']) ports.set(p, await freePort());
    const moved = text.replace(
      /127\.0\.0\.1:(8080|8065|7002)\b/g,
      (_, p: string) => `127.0.0.1:${ports.get(p)}`,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-default-'));
    fs.cpSync(path.resolve(HERE, '../../../resources/docroot'), path.join(dir, 'docroot'), {
      recursive: true,
    });
    const file = path.join(dir, 'perlbal.conf');
    fs.writeFileSync(file, moved);
    const { out } = await startCli(['--config', file]);
    expect(out()).toContain('web_stat');
    const sel = ports.get('8080')!;
    const res = await rawOne(
      sel,
      'GET / HTTP/1.1\r\nHost: stat.lj.localhost\r\nConnection: close\r\n\r\n',
    );
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('It works.');
  });

  it('detaches with --daemon once listening, and keeps serving until shut down', async () => {
    const mgmt = await freePort();
    const file = tmpConf(
      `CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:${mgmt}\nENABLE mgmt\nmime set foo application/x-foo\n`,
    );
    const r = await runToEnd(['--config', file, '--daemon']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const pid = daemonPid(r.stdout);
    // The parent exits only after the copy is listening, and shows what it printed.
    expect(r.stdout).toContain('foo set to application/x-foo.\n');
    expect(r.stdout).toContain(`127.0.0.1:${mgmt}`);
    expect(r.stdout).not.toContain('Running.\n');
    const m = await ManageClient.connect(mgmt);
    expect((await m.multi('proc'))[1]).toBe(`pid: ${pid}`);
    expect((await m.multi('version')).at(-2)).toBe('version 1.80');
    m.send('shutdown\r\n');
    await m.drain(300);
    expect(m.closed).toBe(true);
  });

  it('--daemon with a bad config prints the error and exits non-zero, starting nothing', async () => {
    const file = tmpConf('CREATE SERVICE web\n  SET role = web_server\n  SET dirindexin = on\n');
    const r = await runToEnd(['--daemon', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: line 3, column 7:`);
    expect(r.stderr).toContain('Error starting up.');
    expect(r.stdout).not.toContain('Running in the background');
  });

  it('--daemon with a port in use says so, with the line, and exits non-zero', async () => {
    const held = await heldPort();
    const file = tmpConf(
      `CREATE SERVICE m\n SET role = management\n SET listen = 127.0.0.1:${held}\nENABLE m\n`,
    );
    const r = await runToEnd(['-d', '-c', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${file}: line 4, column 1: Can't start service 'm' on 127.0.0.1:${held}`,
    );
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('Error starting up.');
    expect(r.stdout).not.toContain('Running in the background');
  });

  it('--daemon --config=relative.conf runs that config (and its relative docroot)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-rel-'));
    fs.mkdirSync(path.join(dir, 'docroot'));
    fs.writeFileSync(path.join(dir, 'docroot', 'hello.txt'), 'hello from rel\n');
    const [web, mgmt] = [await freePort(), await freePort()];
    fs.writeFileSync(
      path.join(dir, 'rel.conf'),
      `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:${web}\n  SET docroot = docroot\nENABLE web\n` +
        `CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:${mgmt}\nENABLE mgmt\n`,
    );
    const r = await runToEnd(['--daemon', '--config=rel.conf'], 15_000, dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    daemonPid(r.stdout);
    expect(r.stdout).toContain(`running ${path.join(dir, 'rel.conf')}\n`);
    const res = await rawOne(web, 'GET /hello.txt HTTP/1.0\r\n\r\n');
    expect(res.body.toString()).toBe('hello from rel\n');
    const m = await manageWhenUp(mgmt);
    m.send('shutdown\r\n');
    await m.drain(300);
  });
});
