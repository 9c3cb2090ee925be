/**
 * Chunked PUT (spec 9.6, Perlbal t/22-chunked-put): `HTTP/1.1 100 Continue` when asked, the
 * de-chunked body on disk for several chunk sizes, max_chunked_request_size, MD5, and the
 * checks Perlbal skipped for chunked uploads (min_put_directory, handle_put).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { rawOne, rawRequest, RawConnection } from '../../helpers/raw-http.js';
import { makeDocroot, webConf } from '../../fixtures/docroot/build.js';

async function web(extra: string[] = ['enable_put = on']) {
  const d = makeDocroot();
  const pb = await startCore(webConf(d.docroot, extra));
  return { d, pb, port: pb.port('web') };
}

/** `data` as chunks of `size` bytes, with the final zero chunk. */
function chunked(data: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) {
    const c = data.subarray(i, i + size);
    parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

const head = (uri: string, extra = ''): string =>
  `PUT ${uri} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n${extra}\r\n`;

describe('chunked PUT (t/22)', () => {
  it.each([1, 10, 100, 1000, 65536])(
    '100-continue, then the body in %i-byte chunks',
    async (size) => {
      const { port, d } = await web();
      const data = crypto.randomBytes(150_000);
      const conn = await RawConnection.open(port);
      try {
        conn.write(head('/chunky.bin', 'Expect: 100-continue\r\n'));
        const cont = await conn.read();
        expect(cont.statusLine).toBe('HTTP/1.1 100 Continue');
        expect(cont.headers).toEqual([]);
        conn.write(chunked(data, size));
        const res = await conn.read();
        expect(res.statusLine).toBe('HTTP/1.0 200 OK');
        expect(res.body.toString()).toBe('<h1>200 - OK</h1>\n');
      } finally {
        conn.close();
      }
      expect(fs.readFileSync(d.file('chunky.bin')).equals(data)).toBe(true);
    },
  );

  it('the 100 Continue bytes are exactly Perlbal’s', async () => {
    const { port } = await web();
    const r = await rawRequest(
      port,
      Buffer.concat([
        Buffer.from(head('/x.txt', 'Expect: 100-continue\r\n')),
        chunked(Buffer.from('hi'), 1),
      ]),
    );
    expect(r.text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n')).toBe(true);
  });

  it('no 100 Continue unless asked; an empty body makes an empty file', async () => {
    const { port, d } = await web();
    const r = await rawRequest(port, `${head('/empty.bin')}0\r\n\r\n`);
    expect(r.text.startsWith('HTTP/1.0 200 OK\r\n')).toBe(true);
    expect(fs.readFileSync(d.file('empty.bin')).length).toBe(0);
  });

  it('keeps the connection alive afterwards', async () => {
    const { port, d } = await web(['enable_put = on', 'persist_client = on']);
    const conn = await RawConnection.open(port);
    try {
      conn.write(Buffer.concat([Buffer.from(head('/a.txt')), chunked(Buffer.from('first'), 2)]));
      expect((await conn.read()).status).toBe(200);
      conn.write('GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await conn.read()).body.toString()).toBe('first');
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
    expect(fs.readFileSync(d.file('a.txt'), 'utf8')).toBe('first');
  });

  it('max_chunked_request_size: closes with no response, keeping what was written', async () => {
    const { port, d } = await web(['enable_put = on', 'max_chunked_request_size = 1000']);
    const r = await rawRequest(
      port,
      Buffer.concat([Buffer.from(head('/capped.bin')), chunked(Buffer.alloc(5000, 'z'), 500)]),
      1000,
    );
    expect(r.text).toBe('');
    expect(r.closed).toBe(true);
    expect(fs.existsSync(d.file('capped.bin'))).toBe(true);
    expect(fs.statSync(d.file('capped.bin')).size).toBeLessThanOrEqual(1000);
  });

  it('Content-MD5 works for chunked bodies too', async () => {
    const { port, d } = await web();
    const body = Buffer.from('chunked and checked');
    const digest = crypto.createHash('md5').update(body).digest('base64');
    const res = await rawOne(
      port,
      Buffer.concat([
        Buffer.from(head('/md5.txt', `Content-MD5: ${digest}\r\n`)),
        chunked(body, 4),
      ]),
    );
    expect(res.statusLine).toBe('HTTP/1.0 201 ');
    expect(fs.readFileSync(d.file('md5.txt')).equals(body)).toBe(true);
  });

  it('an invalid filename is a 400 after the 100 Continue (Perlbal order)', async () => {
    const { port } = await web();
    const r = await rawRequest(port, head('/bad%20name', 'Expect: 100-continue\r\n'));
    expect(r.text).toContain('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 400 Bad request\r\n');
    expect(r.text).toContain('Invalid filename');
  });

  it('min_put_directory applies to chunked uploads too (Perlbal skipped it)', async () => {
    const { port, d } = await web(['enable_put = on', 'min_put_directory = 1']);
    const res = await rawOne(
      port,
      Buffer.concat([Buffer.from(head('/top.txt')), chunked(Buffer.from('x'), 1)]),
    );
    expect(res.body.toString()).toBe(
      '<h1>400 - Bad request</h1>\nDoes not meet minimum directory requirement',
    );
    expect(fs.existsSync(d.file('top.txt'))).toBe(false);
  });

  it('handle_put may take over chunked uploads too', async () => {
    const { pb, port, d } = await web();
    pb.core.services
      .get('web')!
      .hooks.handle('t', 'handle_put', (c: { sendResponse(code: number, m: string): void }) => {
        c.sendResponse(403, 'no uploads today');
        return true;
      });
    const res = await rawOne(
      port,
      Buffer.concat([Buffer.from(head('/hooked.txt')), chunked(Buffer.from('x'), 1)]),
    );
    expect(res.body.toString()).toContain('no uploads today');
    expect(fs.existsSync(d.file('hooked.txt'))).toBe(false);
  });
});
