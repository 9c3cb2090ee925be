/**
 * Differential testing against the real Perlbal 1.80 (Debian package `perlbal`). A test
 * writes one config template; the harness starts the real Perlbal and ours from it, each on
 * its own free loopback ports, sends both the same raw bytes or management lines, and
 * compares what comes back with ports mapped back to their template names and Date ignored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { ProxyCore } from '../../proxy-core/src/node/core.js';
import { ManageClient } from '../helpers/manage-client.js';
import { parseResponses, rawRequest, type ParsedResponse } from '../helpers/raw-http.js';

export const PERLBAL_BIN = '/usr/bin/perlbal';

/**
 * True when the real Perlbal is installed. Locally, the suite skips itself without it. In CI
 * (`CI` set; .ci/run installs perlbal) a missing binary is an error instead: a broken install
 * must not pass as a green run in which the oracle was never asked.
 */
export function havePerlbal(env: NodeJS.ProcessEnv = process.env, bin = PERLBAL_BIN): boolean {
  if (fs.existsSync(bin)) return true;
  const ci = env['CI'];
  if (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false') {
    throw new Error(
      `${bin} is missing, and CI is set: the conformance suite needs the real Perlbal 1.80 ` +
        '(apt-get install perlbal libstring-crc32-perl; .ci/run installs it). Unset CI to skip it locally.',
    );
  }
  return false;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * Per-server start options. `ports` pre-assigns placeholders to ports that are already
 * listening (a test backend started first, one per server); the others get fresh ones. Either
 * way they are in the server's `ports` map, so `normalise` turns them back into names.
 */
export interface StartOptions {
  ports?: Record<string, number>;
}

/** Replace `{{port:name}}` placeholders with the preset or fresh ports; returns the text and the map. */
export async function instantiate(template: string, preset: Record<string, number> = {}): Promise<{ text: string; ports: Map<string, number> }> {
  const ports = new Map<string, number>(Object.entries(preset));
  for (const m of template.matchAll(/\{\{port:(\w+)\}\}/g)) {
    if (!ports.has(m[1]!)) ports.set(m[1]!, await freePort());
  }
  const text = template.replace(/\{\{port:(\w+)\}\}/g, (_, n: string) => String(ports.get(n)));
  return { text, ports };
}

export interface Server {
  kind: 'perlbal' | 'ours';
  ports: Map<string, number>;
  port(name: string): number;
  /** Put template names back in place of this server's port numbers. */
  normalise(text: string): string;
  manage(name?: string): Promise<ManageClient>;
  stop(): Promise<void>;
  /** stdout+stderr so far (perlbal only). */
  output(): string;
}

function makeServer(kind: Server['kind'], ports: Map<string, number>, stop: () => Promise<void>, output: () => string): Server {
  const sessions: ManageClient[] = [];
  const server: Server = {
    kind,
    ports,
    port(name) {
      const p = ports.get(name);
      if (p === undefined) throw new Error(`no port '${name}'`);
      return p;
    },
    normalise(text) {
      let out = text;
      for (const [name, p] of ports) out = out.split(String(p)).join(`{{port:${name}}}`);
      return out;
    },
    async manage(name = 'mgmt') {
      const m = await ManageClient.connect(server.port(name));
      sessions.push(m);
      return m;
    },
    async stop() {
      for (const s of sessions) s.close();
      await stop();
    },
    output,
  };
  return server;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`perlbal exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`perlbal did not listen on ${port}:\n${log()}`);
}

/**
 * Ports come from freePort(), so another test file may take one before the server binds it:
 * start again on fresh ports when that happens (preset ports, held by the test, stay).
 */
const START_ATTEMPTS = 3;
const portTaken = (e: unknown): boolean => /Address already in use|EADDRINUSE|address is in use/i.test(String(e));

/** Start the real Perlbal on a config template. `waitFor` names TCP ports to wait for. */
export async function startPerlbal(template: string, waitFor: string[] = ['mgmt'], opts: StartOptions = {}): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPerlbalOnce(template, waitFor, opts);
    } catch (e) {
      if (attempt >= START_ATTEMPTS || !portTaken(e)) throw e;
    }
  }
}

async function startPerlbalOnce(template: string, waitFor: string[], opts: StartOptions): Promise<Server> {
  const { text, ports } = await instantiate(template, opts.ports);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-oracle-'));
  const conf = path.join(dir, 'perlbal.conf');
  fs.writeFileSync(conf, text);
  const child = spawn(PERLBAL_BIN, [`--config=${conf}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const name of waitFor) await waitForPort(ports.get(name)!, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }
  const server = makeServer('perlbal', ports, stop, () => log);
  onTestFinished(() => server.stop());
  return server;
}

/** Start ours in-process on the same template (fresh ports). */
export async function startOurs(template: string, opts: StartOptions = {}): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    const { text, ports } = await instantiate(template, opts.ports);
    let core: ProxyCore;
    try {
      core = await ProxyCore.start(text);
    } catch (e) {
      if (attempt >= START_ATTEMPTS || !portTaken(e)) throw e;
      continue;
    }
    const server = makeServer('ours', ports, async () => core.close(), () => '');
    onTestFinished(() => server.stop());
    return server;
  }
}

/** Both servers on one template; `opts` gives each its own preset ports (e.g. its own backend). */
export async function startBoth(
  template: string,
  waitFor: string[] = ['mgmt'],
  opts: { perlbal?: StartOptions; ours?: StartOptions } = {},
): Promise<{ perlbal: Server; ours: Server }> {
  const [perlbal, ours] = await Promise.all([startPerlbal(template, waitFor, opts.perlbal), startOurs(template, opts.ours)]);
  return { perlbal, ours };
}

/** A response with its ports normalised and Date removed, ready to compare. */
export interface Comparable {
  statusLine: string;
  headers: Array<[string, string]>;
  body: string;
  closed: boolean;
}

function comparable(res: ParsedResponse, closed: boolean, server: Server): Comparable {
  return {
    statusLine: res.statusLine,
    headers: res.headers
      .filter(([k]) => k.toLowerCase() !== 'date')
      .map(([k, v]): [string, string] => [k, server.normalise(v)]),
    body: server.normalise(res.body.toString('latin1')),
    closed,
  };
}

/**
 * Send the same bytes to a named port of both servers; returns both answers in comparable
 * form (`{{port:x}}` may appear in the request and is filled in per server).
 */
export async function sendBoth(
  servers: { perlbal: Server; ours: Server },
  portName: string,
  request: string,
  idleMs = 400,
): Promise<{ perlbal: Comparable[]; ours: Comparable[] }> {
  const one = async (s: Server): Promise<Comparable[]> => {
    const data = request.replace(/\{\{port:(\w+)\}\}/g, (_, n: string) => String(s.port(n)));
    const r = await rawRequest(s.port(portName), data, idleMs);
    const head = data.startsWith('HEAD ');
    return parseResponses(r.bytes, [head]).map((p) => comparable(p, r.closed, s));
  };
  const [perlbal, ours] = await Promise.all([one(servers.perlbal), one(servers.ours)]);
  return { perlbal, ours };
}

/** Send the same management line to both; returns both outputs with ports normalised. */
export async function manageBoth(
  sessions: { perlbal: ManageClient; ours: ManageClient },
  servers: { perlbal: Server; ours: Server },
  line: string,
  mode: 'multi' | 'line' | 'drain' = 'multi',
): Promise<{ perlbal: string[]; ours: string[] }> {
  const run = async (m: ManageClient, s: Server): Promise<string[]> => {
    if (mode === 'drain') {
      m.send(`${line}\r\n`);
      const text = await m.drain(300);
      return (text.endsWith('\r\n') ? text.slice(0, -2) : text).split('\r\n').filter((l, i, a) => a.length > 1 || l !== '').map((l) => s.normalise(l));
    }
    const out = mode === 'multi' ? await m.multi(line) : [await m.line(line)];
    return out.map((l) => s.normalise(l));
  };
  const [perlbal, ours] = await Promise.all([run(sessions.perlbal, servers.perlbal), run(sessions.ours, servers.ours)]);
  return { perlbal, ours };
}
