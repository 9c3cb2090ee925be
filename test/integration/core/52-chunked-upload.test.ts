/**
 * Chunked request bodies through a reverse proxy (spec 7.9, Perlbal t/52-chunked-upload):
 * with buffer_uploads the body is de-chunked into a spool file and reaches the backend with
 * `Content-Length` (Transfer-Encoding and Expect removed); a 0-length body works; past
 * max_chunked_request_size a 413 (Perlbal closed silently); without buffer_uploads the same
 * request reaches the backend (Perlbal answered 400), small bodies from memory, large ones from
 * a temp file. Also `Expect: 100-continue`: sent once, first, and only while a body is awaited.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openFilesUnder, until } from '../../helpers/open-files.js';
import { RawConnection, rawRequest } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend, type BackendRequest } from '../../helpers/test-backend.js';

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-t52-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** t/52's Perlbal: one backend, buffer_uploads on, spooling into a fresh directory. */
async function proxy(extra: string[] = ['SET buffer_uploads = 1']) {
  const backend = await startBackend();
  const dir = tempDir();
  const pb = await startCore(`
CREATE POOL a
POOL a ADD ${backend.hostport}
CREATE SERVICE test
SET role = reverse_proxy
SET pool = a
SET connect_ahead = 0
SET listen = 127.0.0.1:0
SET persist_client = 1
SET buffer_uploads_path = ${dir}
${extra.join('\n')}
ENABLE test
`);
  return { pb, port: pb.port('test'), backend, dir, files: () => fs.readdirSync(dir) };
}

/** One chunk of `data`, as t/52 writes it. */
function chunk(data: Buffer | string): Buffer {
  const b = Buffer.from(data);
  return Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
}

/** `data` split into `size`-byte chunks, plus the zero chunk. */
function chunked(data: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(chunk(data.subarray(i, i + size)));
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

const header = (req: BackendRequest, name: string): string | undefined =>
  req.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

const posts = (reqs: BackendRequest[]): BackendRequest[] => reqs.filter((r) => !r.isOptions);

describe('chunked upload with buffer_uploads (t/52)', () => {
  it('100 Continue, the body spooled to disk while it arrives, Content-Length 500000 at the backend, the file gone after', async () => {
    const { port, backend, dir, files } = await proxy();
    const conn = await RawConnection.open(port);
    onTestFinished(() => conn.close());
    conn.write(
      'POST /status HTTP/1.0\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n',
    );
    const cont = await conn.read();
    expect(cont.statusLine).toBe('HTTP/1.1 100 Continue');
    let sent = 0;
    for (const n of [500, 5, 5, 5]) {
      conn.write(chunk('x'.repeat(n)));
      sent += n;
    }
    expect(await until(() => files().length === 1)).toBe(true);
    const [name] = files();
    expect(name).toMatch(/^test-127\.0\.0\.1:0-client-\d+-\d+$/);
    const mask = process.umask();
    expect(fs.statSync(path.join(dir, name!)).mode & 0o777).toBe(0o644 & ~mask);
    for (const n of [100_000, 60_000, 1000]) {
      conn.write(chunk('x'.repeat(n)));
      sent += n;
    }
    expect(backend.requests).toHaveLength(0);
    conn.write(Buffer.concat([chunk('x'.repeat(500_000 - sent)), Buffer.from('0\r\n\r\n')]));
    const res = await conn.read();
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('length = 500000\n');
    const [seen] = posts(backend.requests);
    expect(seen!.body.equals(Buffer.alloc(500_000, 'x'))).toBe(true);
    // Transfer-Encoding and Expect gone; Content-Length appended after the client's headers,
    // then the proxy's own (as Perlbal: test/conformance/uploads.test.ts).
    expect(seen!.headers).toEqual([
      ['Content-Length', '500000'],
      ['Connection', 'close'],
      ['X-Forwarded-For', '127.0.0.1'],
    ]);
    expect(await until(() => files().length === 0)).toBe(true);
    expect(await until(() => openFilesUnder(dir).length === 0)).toBe(true);
  });

  it('the backend gets exactly the de-chunked bytes, for several chunk sizes and extensions', async () => {
    const { port, backend, files } = await proxy();
    const data = crypto.randomBytes(300_000);
    for (const size of [1, 100, 4096, 65536]) {
      const res = await rawRequest(
        port,
        Buffer.concat([
          Buffer.from(
            'POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
          ),
          chunked(data.subarray(0, size * 3 + 7), size),
        ]),
        2000,
      );
      expect(res.text).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
      expect(res.text).toContain(`length = ${size * 3 + 7}\n`);
    }
    const bodies = posts(backend.requests).map((r) => r.body);
    expect(bodies.map((b) => b.length)).toEqual([10, 307, 12295, 196615]);
    for (const b of bodies) expect(b.equals(data.subarray(0, b.length))).toBe(true);
    const ext = await rawRequest(
      port,
      'POST /status HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n',
      2000,
    );
    expect(ext.text).toContain('length = 11\n');
    expect(posts(backend.requests).at(-1)!.body.toString()).toBe('hello world');
    expect(await until(() => files().length === 0)).toBe(true);
  });

  it('a 0-length chunked POST works, creates no file, and the server stays up', async () => {
    const { port, backend, files } = await proxy();
    const r = await rawRequest(
      port,
      'POST /status HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      2000,
    );
    expect(r.text).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(r.text).toContain('length = 0\n');
    const [seen] = posts(backend.requests);
    expect(header(seen!, 'Content-Length')).toBe('0');
    expect(files()).toEqual([]);
    const again = await rawRequest(port, 'GET /status HTTP/1.0\r\n\r\n', 2000);
    expect(again.text).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
  });

  it('keeps the client connection for the next request, which reaches the backend separately', async () => {
    const { port, backend } = await proxy();
    const conn = await RawConnection.open(port);
    onTestFinished(() => conn.close());
    conn.write(
      Buffer.concat([
        Buffer.from('POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'),
        chunked(Buffer.from('first body'), 3),
        Buffer.from('GET /status HTTP/1.1\r\nHost: x\r\n\r\n'),
      ]),
    );
    const a = await conn.read();
    const b = await conn.read();
    expect(a.body.toString()).toContain('method = POST\nlength = 10\n');
    expect(b.body.toString()).toContain('method = GET\nlength = 0\n');
    const seen = posts(backend.requests);
    expect(seen.map((r) => r.requestLine)).toEqual([
      'POST /status HTTP/1.0',
      'GET /status HTTP/1.0',
    ]);
    expect(seen[0]!.body.toString()).toBe('first body');
    expect(conn.closed).toBe(false);
  });

  it('past max_chunked_request_size: 413, the spool file removed, nothing sent to the backend', async () => {
    const { port, backend, dir, files } = await proxy([
      'SET buffer_uploads = 1',
      'SET max_chunked_request_size = 1000',
    ]);
    const conn = await RawConnection.open(port);
    onTestFinished(() => conn.close());
    conn.write('POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    conn.write(chunk('y'.repeat(600)));
    expect(await until(() => files().length === 1)).toBe(true);
    conn.write(chunk('y'.repeat(600)));
    const res = await conn.read();
    expect(res.statusLine).toBe('HTTP/1.0 413 Content Too Large');
    expect(res.body.toString()).toContain('max_chunked_request_size (1000 bytes)');
    expect(await conn.waitClosed()).toBe(true);
    expect(await until(() => files().length === 0)).toBe(true);
    expect(await until(() => openFilesUnder(dir).length === 0)).toBe(true);
    expect(backend.requests).toHaveLength(0);
  });

  it('a client that goes away mid-upload leaves no file behind', async () => {
    const { port, backend, dir, files } = await proxy();
    const conn = await RawConnection.open(port);
    conn.write('POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    conn.write(chunk('z'.repeat(50_000)));
    expect(await until(() => files().length === 1)).toBe(true);
    conn.close();
    expect(await until(() => files().length === 0)).toBe(true);
    expect(await until(() => openFilesUnder(dir).length === 0)).toBe(true);
    expect(backend.requests).toHaveLength(0);
  });
});

describe('chunked upload without buffer_uploads (Perlbal answers 400; we send it like buffer_uploads)', () => {
  it('a small body goes from memory: Content-Length, no Transfer-Encoding, no file', async () => {
    const { port, backend, files } = await proxy([]);
    const r = await rawRequest(
      port,
      'POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n',
      2000,
    );
    expect(r.text).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    const [seen] = posts(backend.requests);
    expect(seen!.body.toString()).toBe('hello world');
    expect(seen!.headers).toEqual([
      ['Host', 'x'],
      ['Connection', 'close'],
      ['Content-Length', '11'],
      ['X-Forwarded-For', '127.0.0.1'],
    ]);
    expect(files()).toEqual([]);
  });

  it('a large body moves to a spool file past 4 MiB, arrives intact, and the file is removed', async () => {
    const { port, backend, dir, files } = await proxy([]);
    const data = crypto.randomBytes(6 * 1024 * 1024);
    const conn = await RawConnection.open(port);
    onTestFinished(() => conn.close());
    conn.write(
      'POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n',
    );
    expect((await conn.read()).status).toBe(100);
    const body = chunked(data, 256 * 1024);
    const half = body.indexOf('\r\n', 5 * 1024 * 1024);
    conn.write(body.subarray(0, half));
    expect(await until(() => files().length === 1)).toBe(true);
    expect(backend.requests).toHaveLength(0);
    conn.write(body.subarray(half));
    const res = await conn.read(10_000);
    expect(res.body.toString()).toContain(`length = ${data.length}\n`);
    const [seen] = posts(backend.requests);
    expect(crypto.createHash('sha1').update(seen!.body).digest('hex')).toBe(
      crypto.createHash('sha1').update(data).digest('hex'),
    );
    expect(header(seen!, 'Expect')).toBeUndefined();
    expect(await until(() => files().length === 0)).toBe(true);
    expect(await until(() => openFilesUnder(dir).length === 0)).toBe(true);
  });

  it('max_chunked_request_size applies too: 413', async () => {
    const { port, backend } = await proxy(['SET max_chunked_request_size = 100']);
    const r = await rawRequest(
      port,
      Buffer.concat([
        Buffer.from('POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'),
        chunked(Buffer.alloc(300, 'q'), 50),
      ]),
      2000,
    );
    expect(r.text).toMatch(/^HTTP\/1\.0 413 Content Too Large\r\n/);
    expect(r.closed).toBe(true);
    expect(backend.requests).toHaveLength(0);
  });
});

describe('Expect: 100-continue', () => {
  const count100 = (text: string): number => text.split('HTTP/1.1 100 Continue\r\n\r\n').length - 1;

  it('a Content-Length body not yet sent: exactly one 100, before the final answer', async () => {
    const { port } = await proxy([]);
    const conn = await RawConnection.open(port);
    onTestFinished(() => conn.close());
    conn.write(
      'POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n',
    );
    const first = await conn.read();
    expect(first.statusLine).toBe('HTTP/1.1 100 Continue');
    expect(first.headers).toEqual([]);
    conn.write('hello');
    const res = await conn.read();
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('length = 5\n');
    // A second request on the connection with its body already sent: no 100 this time.
    conn.write(
      'POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nhi',
    );
    const again = await conn.read();
    expect(again.status).toBe(200);
  });

  it('one 100 in the whole exchange, first, for a chunked upload; none without Expect or for HTTP/1.0 Content-Length bodies', async () => {
    const { port } = await proxy();
    const withExpect = await rawRequest(
      port,
      'POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      2000,
    );
    expect(count100(withExpect.text)).toBe(1);
    expect(withExpect.text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n')).toBe(
      true,
    );
    const without = await rawRequest(
      port,
      'POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
      2000,
    );
    expect(count100(without.text)).toBe(0);
    const http10 = await rawRequest(
      port,
      'POST /status HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc',
      2000,
    );
    expect(count100(http10.text)).toBe(0);
    expect(http10.text).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
  });

  it('a refused upload gets its 100 before the 413, never after', async () => {
    const { port } = await proxy(['SET buffer_uploads = 1', 'SET max_chunked_request_size = 10']);
    const r = await rawRequest(
      port,
      'POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n14\r\n01234567890123456789\r\n0\r\n\r\n',
      2000,
    );
    expect(count100(r.text)).toBe(1);
    expect(r.text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 413 ')).toBe(true);
  });
});
