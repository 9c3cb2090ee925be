/**
 * buffer_uploads (spec 7.9, Perlbal t/45-buffereduploads): a Content-Length body is spooled
 * to disk for its size, its rate or its estimated time (time winning over rate), as the backend
 * sees in X-PERLBAL-BUFFERED-UPLOAD-REASON under PERLBAL_DEBUG_BUFFERED_UPLOADS; the spool file
 * exists while the upload runs and is gone after it, after an early client close and after a
 * failed request; no descriptor stays open. The sleeps only make an upload slow; nothing
 * asserts on how long anything took.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../../conformance/harness.js';
import { openFilesUnder, until } from '../../helpers/open-files.js';
import { parseResponses, RawConnection } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

const DEBUG_ENV = 'PERLBAL_DEBUG_BUFFERED_UPLOADS';
let savedDebug: string | undefined;
beforeAll(() => {
  savedDebug = process.env[DEBUG_ENV];
  process.env[DEBUG_ENV] = '1';
});
afterAll(() => {
  if (savedDebug === undefined) delete process.env[DEBUG_ENV];
  else process.env[DEBUG_ENV] = savedDebug;
});

function tempDir(prefix = 'pb-t45-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Thresholds {
  size?: number;
  rate?: number;
  time?: number;
}

/** t/45's Perlbal with the thresholds given (an absent one is 0: ignored). */
async function proxy(
  t: Thresholds,
  opts: { pool?: string; pathLine?: string | null; name?: string } = {},
) {
  const backend = await startBackend();
  const dir = tempDir();
  const name = opts.name ?? 'test';
  const pathLine =
    opts.pathLine === undefined ? `SET buffer_uploads_path = ${dir}` : (opts.pathLine ?? '');
  const pb = await startCore(`
CREATE POOL a
POOL a ADD ${opts.pool ?? backend.hostport}
CREATE SERVICE ${name}
SET role = reverse_proxy
SET pool = a
SET connect_ahead = 0
SET listen = 127.0.0.1:0
SET persist_client = 1
${pathLine}
SET buffer_uploads = 1
SET buffer_upload_threshold_size = ${t.size ?? 0}
SET buffer_upload_threshold_rate = ${t.rate ?? 0}
SET buffer_upload_threshold_time = ${t.time ?? 0}
ENABLE ${name}
`);
  return { pb, port: pb.port(name), backend, dir, files: () => fs.readdirSync(dir) };
}

/** t/45's client: `POST /status HTTP/1.0` with a Content-length, the body written in steps. */
class Upload {
  readonly #sock: net.Socket;
  readonly #len: number;
  #sent = 0;
  #buf = Buffer.alloc(0);
  #closed = false;

  private constructor(sock: net.Socket, len: number) {
    this.#sock = sock;
    this.#len = len;
    sock.on('data', (c: Buffer) => (this.#buf = Buffer.concat([this.#buf, c])));
    sock.on('close', () => (this.#closed = true));
    sock.on('error', () => {});
    onTestFinished(() => {
      sock.destroy();
    });
  }

  static async start(port: number, len: number): Promise<Upload> {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    sock.write(`POST /status HTTP/1.0\r\nContent-length: ${len}\r\n\r\n`);
    return new Upload(sock, len);
  }

  write(n: number): void {
    this.#sock.write(Buffer.alloc(n, 'x'));
    this.#sent += n;
  }

  /** Write the rest and read the response (the connection closes: HTTP/1.0 without keep-alive). */
  async finish(): Promise<{ status: number; body: string }> {
    this.write(this.#len - this.#sent);
    expect(await until(() => this.#closed, 10_000)).toBe(true);
    const [res] = parseResponses(this.#buf);
    return { status: res!.status, body: res!.body.toString() };
  }

  close(): void {
    this.#sock.destroy();
  }
}

const reason = (body: string): string => /^buffered = (\S*)$/m.exec(body)?.[1] ?? '';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The proxy has asked for a backend (connect_ahead 0): it decided not to spool. */
const backendAsked = (b: TestBackend): Promise<boolean> => until(() => b.connections > 0);

async function noneLeft(dir: string, files: () => string[]): Promise<void> {
  expect(await until(() => files().length === 0)).toBe(true);
  expect(await until(() => openFilesUnder(dir).length === 0)).toBe(true);
}

describe('buffered uploads (t/45)', () => {
  it('buffer_off: every threshold 0, nothing is spooled', async () => {
    const { port, backend, dir, files } = await proxy({});
    const up = await Upload.start(port, 500_000);
    const res = await up.finish();
    expect(res.status).toBe(200);
    expect(res.body).toContain('length = 500000\n');
    expect(reason(res.body)).toBe('');
    expect(files()).toEqual([]);
    expect(backend.requests[0]!.body.length).toBe(500_000);
    await noneLeft(dir, files);
  });

  it('buffer_on_size: the file exists during the upload, the backend sees "size", the file is gone after', async () => {
    const { port, backend, dir, files } = await proxy({ size: 400_000 });
    const up = await Upload.start(port, 500_000);
    up.write(400_000);
    expect(await until(() => files().length === 1)).toBe(true);
    expect(backend.connections).toBe(0);
    const res = await up.finish();
    expect(res.body).toContain('length = 500000\n');
    expect(reason(res.body)).toBe('size');
    expect(backend.requests[0]!.body.equals(Buffer.alloc(500_000, 'x'))).toBe(true);
    await noneLeft(dir, files);
  });

  it('no_buffer_on_size: below the size threshold the body streams through', async () => {
    const { port, backend, dir, files } = await proxy({ size: 400_000 });
    const up = await Upload.start(port, 350_000);
    up.write(300_000);
    expect(await backendAsked(backend)).toBe(true);
    expect(files()).toEqual([]);
    const res = await up.finish();
    expect(reason(res.body)).toBe('');
    await noneLeft(dir, files);
  });

  it('clean_on_early_close: a client that goes away mid-upload leaves no file and no descriptor', async () => {
    const { port, backend, dir, files } = await proxy({ size: 400_000 });
    const up = await Upload.start(port, 500_000);
    up.write(400_000);
    expect(await until(() => files().length === 1)).toBe(true);
    up.close();
    await noneLeft(dir, files);
    expect(backend.connections).toBe(0);
  });

  it('buffer_on_rate: a slow start (below the rate) spools, and the backend sees "rate"', async () => {
    const { port, dir, files } = await proxy({ rate: 200_000 });
    const up = await Upload.start(port, 1_000_000);
    up.write(50_000);
    await sleep(1000);
    expect(files()).toEqual([]);
    up.write(100_000);
    expect(await until(() => files().length === 1)).toBe(true);
    up.write(300_000);
    const res = await up.finish();
    expect(res.body).toContain('length = 1000000\n');
    expect(reason(res.body)).toBe('rate');
    await noneLeft(dir, files);
  });

  it('no_buffer_on_rate: a fast upload is not spooled', async () => {
    const { port, dir, files } = await proxy({ rate: 200_000 });
    const up = await Upload.start(port, 500_000);
    const res = await up.finish();
    expect(reason(res.body)).toBe('');
    await noneLeft(dir, files);
  });

  it('buffer_on_time: an estimated time over the threshold spools, and the backend sees "time"', async () => {
    const { port, dir, files } = await proxy({ time: 3 });
    const up = await Upload.start(port, 800_000);
    await sleep(1000);
    up.write(150_000);
    expect(await until(() => files().length === 1)).toBe(true);
    const res = await up.finish();
    expect(res.body).toContain('length = 800000\n');
    expect(reason(res.body)).toBe('time');
    await noneLeft(dir, files);
  });

  it('no_buffer_on_time: most of the body at once gives a short estimate, no spooling', async () => {
    const { port, backend, dir, files } = await proxy({ time: 3 });
    const up = await Upload.start(port, 800_000);
    up.write(700_000);
    expect(await backendAsked(backend)).toBe(true);
    expect(files()).toEqual([]);
    const res = await up.finish();
    expect(reason(res.body)).toBe('');
    await noneLeft(dir, files);
  });

  it('time wins over rate when both apply', async () => {
    const { port, dir, files } = await proxy({ rate: 200_000, time: 3 });
    const up = await Upload.start(port, 800_000);
    await sleep(1000);
    up.write(150_000);
    expect(await until(() => files().length === 1)).toBe(true);
    const res = await up.finish();
    expect(reason(res.body)).toBe('time');
    await noneLeft(dir, files);
  });
});

describe('spooling details', () => {
  it('without PERLBAL_DEBUG_BUFFERED_UPLOADS the backend sees no reason header, though the body was spooled', async () => {
    process.env[DEBUG_ENV] = '0';
    onTestFinished(() => void (process.env[DEBUG_ENV] = '1'));
    const { port, dir, files } = await proxy({ size: 1 });
    const up = await Upload.start(port, 200_000);
    up.write(100_000);
    expect(await until(() => files().length === 1)).toBe(true);
    const res = await up.finish();
    expect(reason(res.body)).toBe('');
    await noneLeft(dir, files);
  });

  it('socks shows the spooling client, with the bytes it still waits for', async () => {
    const { pb, port, dir, files } = await proxy({ size: 1 });
    const up = await Upload.start(port, 200_000);
    up.write(50_000);
    expect(await until(() => files().length === 1)).toBe(true);
    const socks = (
      await pb.core.runCommand('socks', { lastCreated: null, verbose: false, phase: 'running' })
    ).join('\n');
    expect(socks).toMatch(/reqs=1; buffering_upload; http:\/\/unknown\/status; waiting_for=150000/);
    await up.finish();
    await noneLeft(dir, files);
  });

  it('a failed request removes the file: the backend is down, 502, nothing left', async () => {
    const dead = await freePort();
    const { port, dir, files } = await proxy({ size: 1 }, { pool: `127.0.0.1:${dead}` });
    const up = await Upload.start(port, 300_000);
    up.write(100_000);
    expect(await until(() => files().length === 1)).toBe(true);
    const res = await up.finish();
    expect(res.status).toBe(502);
    await noneLeft(dir, files);
  });

  it('a relative buffer_uploads_path is relative to the config folder', async () => {
    const root = tempDir('pb-t45-rel-');
    fs.mkdirSync(path.join(root, 'spool'));
    const backend = await startBackend();
    const pb = await startCore(
      `
CREATE POOL a
POOL a ADD ${backend.hostport}
CREATE SERVICE test
SET role = reverse_proxy
SET pool = a
SET listen = 127.0.0.1:0
SET buffer_uploads_path = spool
SET buffer_uploads = 1
SET buffer_upload_threshold_size = 1
ENABLE test
`,
      { cwd: root },
    );
    const files = (): string[] => fs.readdirSync(path.join(root, 'spool'));
    const up = await Upload.start(pb.port('test'), 200_000);
    up.write(50_000);
    expect(await until(() => files().length === 1)).toBe(true);
    const res = await up.finish();
    expect(reason(res.body)).toBe('size');
    await noneLeft(path.join(root, 'spool'), files);
  });

  it('with no buffer_uploads_path, spools in the OS temp dir and says so in the log', async () => {
    const name = `t45nopath${process.pid}`;
    const { pb, port } = await proxy({ size: 1 }, { pathLine: null, name });
    const logs: string[] = [];
    pb.core.on('log', (_level, m) => logs.push(m));
    const mine = (): string[] =>
      fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(`${name}-127.0.0.1:0-client-`));
    const up = await Upload.start(port, 200_000);
    up.write(50_000);
    expect(await until(() => mine().length === 1)).toBe(true);
    expect(
      logs.some((l) => l.includes('buffer_uploads_path is not set') && l.includes(os.tmpdir())),
    ).toBe(true);
    const res = await up.finish();
    expect(reason(res.body)).toBe('size');
    expect(await until(() => mine().length === 0)).toBe(true);
  });

  it('keeps the client connection alive through spooled uploads (HTTP/1.0 keep-alive)', async () => {
    const { port, backend, dir, files } = await proxy({ size: 1 });
    const conn = await RawConnection.open(port);
    onTestFinished(() => conn.close());
    const body = 'a=1&b=2';
    const req = `POST /status HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    conn.write(req);
    const a = await conn.read();
    conn.write(req);
    const b = await conn.read();
    expect(reason(a.body.toString())).toBe('size');
    expect(reason(b.body.toString())).toBe('size');
    expect(backend.requests.map((r) => r.body.toString())).toEqual([body, body]);
    expect(conn.closed).toBe(false);
    await noneLeft(dir, files);
  });
});
