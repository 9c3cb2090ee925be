/**
 * POSTs through a reverse proxy in every body mode (spec 7.9, 7.10; Perlbal t/31-realworld):
 * straight through (`buffer_backend_connect = 0`), buffered in memory (250000) and spooled
 * to disk (`buffer_uploads`, size threshold 1), entered directly, through a selector and
 * through a selector of a selector, with and without an extra CRLF after the body and a pause
 * after the head. Every body arrives intact, the client's keep-alive connection and the one
 * persistent backend connection carry every request (nothing silently re-opened), and a
 * request pipelined behind a body reaches the backend on its own.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { until } from '../../helpers/open-files.js';
import { RawConnection, rawRequest } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

async function setup() {
  const backends: TestBackend[] = [];
  for (let i = 0; i < 3; i++) backends.push(await startBackend({ pidBase: i * 1000 }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-t31-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pb = await startCore(`
CREATE POOL a
${backends.map((b) => `POOL a ADD ${b.hostport}`).join('\n')}

CREATE SERVICE test
SET test.role = reverse_proxy
SET test.listen = 127.0.0.1:0
SET test.persist_client = 1
SET test.persist_backend = 1
SET test.pool = a
SET test.connect_ahead = 0
SET buffer_uploads_path = ${dir}
SET buffer_uploads = off
SET buffer_upload_threshold_size = 1
ENABLE test
LOAD vhosts

CREATE SERVICE ss
   SET role = selector
   SET listen = 127.0.0.1:0
   SET persist_client = on
   SET plugins = vhosts
   VHOST * = test
ENABLE ss

CREATE SERVICE ss2
   SET role = selector
   SET listen = 127.0.0.1:0
   SET persist_client = on
   SET plugins = vhosts
   VHOST * = ss
ENABLE ss2

CREATE SERVICE mgmt
   SET role = management
   SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  const manage = await pb.manage();
  const requests = () => backends.flatMap((b) => b.requests.filter((r) => !r.isOptions));
  const connections = () => backends.reduce((n, b) => n + b.connections, 0);
  return { pb, manage, backends, dir, requests, connections };
}

const MODES = {
  plain: ['SET test.buffer_backend_connect = 0', 'SET test.buffer_uploads = off'],
  buffer_to_memory: ['SET test.buffer_uploads = off', 'SET test.buffer_backend_connect = 250000'],
  buffer_to_disk: ['SET test.buffer_uploads = on'],
} as const;

const reqnum = (body: Buffer): number =>
  Number(/^reqnum = (\d+)$/m.exec(body.toString())?.[1] ?? 0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const HEAD = 'POST /status HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 7\r\n\r\n';

describe.each([
  ['regular', 'test'],
  ['selector', 'ss'],
  ['selector2', 'ss2'],
])('POSTs through %s (t/31)', (_label, entry) => {
  it('every mode, extra CRLF or not, pause or not: intact bodies, one client and one backend connection', async () => {
    const { pb, manage, requests, connections, dir } = await setup();
    // t/31 starts with one request on a connection of its own (no keep-alive).
    const first = await rawRequest(pb.port('test'), 'GET /status HTTP/1.0\r\n\r\n', 2000);
    expect(first.text).toContain('reqnum = 1\n');
    let overall = 2;
    const conn = await RawConnection.open(pb.port(entry));
    onTestFinished(() => conn.close());
    for (const [mode, commands] of Object.entries(MODES)) {
      for (const cmd of commands) expect(await manage.line(cmd)).toBe('OK');
      for (const extraRn of [false, true]) {
        for (const pause of [0, 200]) {
          for (let n = 1; n <= 2; n++) {
            const what = `${mode}, extra_rn=${extraRn}, pause=${pause}, n=${n}`;
            const body = `foo=bar${extraRn ? '\r\n' : ''}`;
            if (pause) {
              conn.write(HEAD);
              await sleep(pause);
              conn.write(body);
            } else {
              conn.write(HEAD + body);
            }
            const res = await conn.read();
            expect(res.status, what).toBe(200);
            expect(reqnum(res.body), what).toBe(overall++);
            expect(res.body.toString(), what).toContain('method = POST\nlength = 7\n');
            const seen = requests().at(-1)!;
            expect(seen.body.toString(), what).toBe('foo=bar');
            expect(conn.closed, what).toBe(false);
          }
        }
      }
    }
    // One backend connection served everything; the spool directory is empty again.
    expect(connections()).toBe(1);
    expect(requests()).toHaveLength(overall - 1);
    expect(await until(() => fs.readdirSync(dir).length === 0)).toBe(true);
  });
});

describe('pipelined requests behind a body (t/32)', () => {
  it.each(Object.keys(MODES))(
    '%s: the body and the next request reach the backend separately, nothing more',
    async (mode) => {
      const { pb, manage, requests } = await setup();
      for (const cmd of MODES[mode as keyof typeof MODES])
        expect(await manage.line(cmd)).toBe('OK');
      const conn = await RawConnection.open(pb.port('test'));
      onTestFinished(() => conn.close());
      conn.write(`${HEAD}foo=bar\r\nGET /status HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`);
      const a = await conn.read();
      const b = await conn.read();
      expect(a.body.toString()).toContain('method = POST\nlength = 7\n');
      expect(b.body.toString()).toContain('method = GET\nlength = 0\n');
      // A body line that looks like a request is still body.
      const smuggle = 'GET /x HTTP/1.0\r\n\r\n';
      conn.write(
        `POST /status HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: ${smuggle.length}\r\n\r\n${smuggle}`,
      );
      const c = await conn.read();
      expect(c.body.toString()).toContain(`length = ${smuggle.length}\n`);
      const seen = requests();
      expect(seen.map((r) => r.requestLine)).toEqual([
        'POST /status HTTP/1.0',
        'GET /status HTTP/1.0',
        'POST /status HTTP/1.0',
      ]);
      expect(seen.map((r) => r.body.toString())).toEqual(['foo=bar', '', smuggle]);
      expect(conn.closed).toBe(false);
    },
  );
});

describe('a body whose request fails before any backend', () => {
  it('an empty pool answers 503 while the body arrives, and the proxy keeps running', async () => {
    const pb = await startCore(`
CREATE POOL empty
CREATE SERVICE test
SET role = reverse_proxy
SET listen = 127.0.0.1:0
SET pool = empty
ENABLE test
`);
    const conn = await RawConnection.open(pb.port('test'));
    onTestFinished(() => conn.close());
    conn.write('POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n');
    await sleep(50);
    conn.write('abc');
    const res = await conn.read();
    expect(res.status).toBe(503);
    const again = await rawRequest(
      pb.port('test'),
      'POST /status HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi',
      2000,
    );
    expect(again.text).toMatch(/^HTTP\/1\.0 503 /);
  });
});

describe('a backend that answers before it has the whole body', () => {
  it('is not reused: the rest of the body can never be read as the next request', async () => {
    // A raw backend: answers keep-alive as soon as a head arrives, and logs what each
    // connection received.
    const received: string[] = [];
    const server = net.createServer((sock) => {
      const i = received.push('') - 1;
      sock.on('data', (c: Buffer) => {
        const first = received[i] === '';
        received[i] += c.toString('latin1');
        if (first)
          sock.write('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok');
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => void server.close());
    const pb = await startCore(`
CREATE POOL a
POOL a ADD 127.0.0.1:${(server.address() as net.AddressInfo).port}
CREATE SERVICE test
SET role = reverse_proxy
SET listen = 127.0.0.1:0
SET pool = a
SET persist_backend = on
SET persist_client = on
SET buffer_backend_connect = 0
ENABLE test
`);
    const early = await RawConnection.open(pb.port('test'));
    onTestFinished(() => early.close());
    early.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
    early.write(Buffer.alloc(1000, 'x'));
    expect((await early.read()).status).toBe(200);
    const next = await rawRequest(pb.port('test'), 'GET /next HTTP/1.0\r\n\r\n', 2000);
    expect(next.text).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(received).toHaveLength(2);
    expect(received[1]).toMatch(/^GET \/next HTTP\/1\.0\r\n/);
    expect(received[0]).not.toContain('GET /next');
  });
});
