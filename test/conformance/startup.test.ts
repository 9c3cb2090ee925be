/**
 * Config files at start-up, against the real Perlbal 1.80: the configs Perlbal refuses, we
 * refuse too (with a diagnostic naming the line), and the ones it runs, we run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkConfig } from '../../proxy-core/src/common/config/index.js';
import { nodeEnv } from '../../proxy-core/src/node/node-env.js';
import { havePerlbal, instantiate, PERLBAL_BIN } from './harness.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-startup-'));
fs.mkdirSync(path.join(dir, 'docroot'));

/** Run the real Perlbal until its management port answers (started) or it exits (refused). */
async function perlbalStarts(text: string, mgmtPort: number): Promise<boolean> {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.conf`);
  fs.writeFileSync(file, text);
  const child = spawn(PERLBAL_BIN, [`--config=${file}`], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    for (let i = 0; i < 100 && !exited; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const s = net.connect(mgmtPort, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      if (up) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  } finally {
    if (!exited) child.kill('SIGKILL');
  }
}

const MGMT = 'CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:{{port:mgmt}}\nENABLE mgmt\n';

const CASES: Array<[string, string]> = [
  ['a valid web server', `CREATE SERVICE w\n  SET role = web_server\n  SET docroot = ${dir}/docroot\nENABLE w\n${MGMT}`],
  ['a missing docroot', `CREATE SERVICE w\n  SET role = web_server\n  SET docroot = ${dir}/nope\n${MGMT}`],
  ['an unknown tunable', `CREATE SERVICE w\n  SET role = web_server\n  SET dirindexin = on\n${MGMT}`],
  ['a tunable of another role', `CREATE SERVICE w\n  SET role = web_server\n  SET persist_backend = on\n${MGMT}`],
  ['a bad boolean', `CREATE SERVICE w\n  SET role = web_server\n  SET dirindexing = maybe\n${MGMT}`],
  ['a bad size', `CREATE POOL p\nCREATE SERVICE r\n  SET role = reverse_proxy\n  SET buffer_size = 10q\n${MGMT}`],
  ['an unknown pool key (silent in Perlbal)', `CREATE POOL p\n  SET p.frob = 1\n${MGMT}`],
  ['a context-less SET', `SET listen = 1\n${MGMT}`],
  ['an unknown command', `FROBNICATE\n${MGMT}`],
  ['a pool that does not exist', `CREATE SERVICE r\n  SET role = reverse_proxy\n  SET pool = nope\n${MGMT}`],
  ['a VHOST before LOAD vhosts', `CREATE SERVICE s\n  SET role = selector\n  VHOST a = b\n${MGMT}`],
  ['vhosts on a web_server', `LOAD vhosts\nCREATE SERVICE w\n  SET role = web_server\n  SET plugins = vhosts\n${MGMT}`],
  ['a quoted balance_method', `CREATE POOL p\n  SET balance_method = 'random'\n${MGMT}`],
  ['a lower-case LOAD of a CamelCase plugin', `LOAD accesscontrol\n${MGMT}`],
  ['LOAD AccessControl', `LOAD AccessControl\n${MGMT}`],
  ['a selector with vhosts', `LOAD vhosts\nCREATE SERVICE s\n  SET role = selector\n  SET listen = 127.0.0.1:{{port:s}}\n  SET plugins = vhosts\n  VHOST *.x.test = s\nENABLE s\n${MGMT}`],
  ['a pool with nodes and a proxy', `CREATE POOL p\n  POOL p ADD 127.0.0.1:9\nCREATE SERVICE r\n  SET role = reverse_proxy\n  SET pool = p\n  SET persist_backend = on\n${MGMT}`],
  ['SERVER aio_mode = linux', `SERVER aio_mode = linux\n${MGMT}`],
  ['an unknown SERVER key', `SERVER frob = 1\n${MGMT}`],
  ['DISABLE of a management service', `${MGMT}DISABLE mgmt\n`],
  ['an ssl_key_file that is a directory', `CREATE SERVICE w\n  SET role = web_server\n  SET ssl_key_file = ${dir}\n${MGMT}`],
  ['an ssl_cert_file that is a directory', `CREATE SERVICE w\n  SET role = web_server\n  SET ssl_cert_file = ${dir}/docroot\n${MGMT}`],
];

describe.runIf(havePerlbal())('start-up vs Perlbal 1.80', () => {
  it.each(CASES)('%s: both start, or both refuse', async (_name, template) => {
    const { text, ports } = await instantiate(template);
    const ours = checkConfig(text, nodeEnv(process.env, dir));
    const errors = ours.diagnostics.filter((d) => d.severity === 'error');
    const theirs = await perlbalStarts(text, ports.get('mgmt')!);
    expect(errors.length === 0, errors.map((e) => e.message).join('; ')).toBe(theirs);
    for (const e of errors) expect(e.span.line).toBeGreaterThan(0);
  });
});

const OURS_BIN = path.resolve(import.meta.dirname, '../../proxy-core/bin/perlbal-desktop.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `perlbal` or `perlbal-desktop` with `args` to its end (the configs here all end it). */
function runCli(which: 'perlbal' | 'ours', args: string[]): Promise<CliRun> {
  const [cmd, argv] = which === 'perlbal' ? [PERLBAL_BIN, args] : [process.execPath, [OURS_BIN, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${which} did not end: ${stdout} ${stderr}`));
    }, 15_000);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

function confFile(text: string): string {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.conf`);
  fs.writeFileSync(file, text);
  return file;
}

/** A port another program holds for the rest of the test. */
async function heldPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  onTestFinished(() => {
    srv.close();
  });
  return (srv.address() as net.AddressInfo).port;
}

describe.runIf(havePerlbal())('the command line vs perlbal 1.80', () => {
  it('prints what the config commands print, line for line (a SHUTDOWN line ends both)', async () => {
    const { text } = await instantiate(
      `${MGMT}LOAD vhosts\nmime set foo application/x-foo\nmime remove foo\nshow service\nshow service mgmt\n` +
        'show pool\nversion\nCREATE POOL p\n  POOL p ADD 127.0.0.1:9\nshow pool p\nverbose on\nCREATE POOL q\nSHUTDOWN\n',
    );
    const file = confFile(text);
    const [theirs, ours] = await Promise.all([runCli('perlbal', [`--config=${file}`]), runCli('ours', [`--config=${file}`])]);
    const digits = (s: string): string => s.replace(/^(starttime|uptime) \d+$/gm, '$1 N');
    expect(ours.code).toBe(0);
    expect(theirs.code).toBe(0);
    expect(digits(ours.stdout)).toBe(digits(theirs.stdout));
    expect(ours.stdout).toContain('foo set to application/x-foo.\nfoo removed.\n');
    expect(ours.stderr).toBe('');
  });

  it('refuses a port in use: Perlbal prints ERROR on stdout; ours names the line, on stderr', async () => {
    const held = await heldPort();
    const file = confFile(`CREATE SERVICE m\n  SET role = management\n  SET listen = 127.0.0.1:${held}\nENABLE m\n`);
    for (const daemon of [[], ['--daemon']]) {
      const [theirs, ours] = await Promise.all([
        runCli('perlbal', [...daemon, `--config=${file}`]),
        runCli('ours', [...daemon, `--config=${file}`]),
      ]);
      const what = `Can't start service 'm' on 127.0.0.1:${held}: Error creating listening socket:`;
      expect(theirs.code, daemon.join()).not.toBe(0);
      expect(ours.code, daemon.join()).toBe(1);
      expect(theirs.stdout).toBe(`ERROR: ${what} IO::Socket::INET: Address already in use\n`);
      expect(ours.stderr).toBe(`${file}: line 4, column 1: ${what} Address already in use\nError starting up.\n`);
      expect(theirs.stderr).toBe('Error starting up.\n');
    }
  });

  it('refuses a bad config the same way with --daemon as without', async () => {
    const file = confFile(`CREATE SERVICE w\n  SET role = web_server\n  SET docroot = ${dir}/nope\n`);
    for (const daemon of [[], ['--daemon']]) {
      const [theirs, ours] = await Promise.all([
        runCli('perlbal', [...daemon, `--config=${file}`]),
        runCli('ours', [...daemon, `--config=${file}`]),
      ]);
      expect(theirs.stdout).toBe('ERROR: Directory not found for service w\n');
      expect(theirs.code).not.toBe(0);
      expect(ours.code).toBe(1);
      expect(ours.stderr).toContain(`${file}: line 3, column 17: Directory '${dir}/nope' does not exist`);
      expect(ours.stderr).toMatch(/\nError starting up\.\n$/);
    }
  });

  it("gives SERVER max_connections beyond the limit Perlbal's message, and goes on", async () => {
    const file = confFile('SERVER max_connections = 99999999\nversion\nSHUTDOWN\n');
    const [theirs, ours] = await Promise.all([runCli('perlbal', [`--config=${file}`]), runCli('ours', [`--config=${file}`])]);
    const error = /^ERROR: (.*)\n/.exec(theirs.stdout)?.[1];
    expect(error).toMatch(/^(Unable to set limit\.|Need to be root to increase max connections\.)$/);
    expect(ours.stderr).toBe(`${file}: line 1, column 1: ${error}\n`);
    const digits = (s: string): string => s.replace(/^(starttime|uptime) \d+$/gm, '$1 N');
    expect(digits(ours.stdout)).toBe(digits(theirs.stdout.replace(/^ERROR: .*\n/, '')));
    expect([ours.code, theirs.code]).toEqual([0, 0]);
  });

  it('prints the version, with ours after it', async () => {
    const [theirs, ours] = await Promise.all([runCli('perlbal', ['--version']), runCli('ours', ['--version'])]);
    expect(theirs.stdout).toBe('Perlbal version 1.80\n');
    expect(ours.stdout).toMatch(/^Perlbal version 1\.80 \(Perlbal Desktop \d+\.\d+\.\d+\)\n$/);
  });
});
