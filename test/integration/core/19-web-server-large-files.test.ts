/**
 * Large bodies: streamed in chunks with backpressure, correct to the byte (also when several
 * downloads share the recycled read buffers), ranges deep inside, keep-alive after, and no
 * descriptor left open when a client goes away mid-transfer.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { header, rawOne, RawConnection } from '../../helpers/raw-http.js';
import { makeDocroot, webConf } from '../../fixtures/docroot/build.js';
import { openFilesUnder, until } from '../../helpers/open-files.js';

const MiB = 1024 * 1024;

async function web(extra: string[] = ['persist_client = on']) {
  const d = makeDocroot();
  const pb = await startCore(webConf(d.docroot, extra));
  return { d, pb, port: pb.port('web') };
}

/** A deterministic pseudo-random file (each 4 KiB block differs), so misplaced chunks show. */
function patterned(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  const seed = crypto.randomBytes(4096);
  for (let off = 0; off < size; off += 4096) {
    seed.copy(buf, off, 0, Math.min(4096, size - off));
    if (off + 4 <= size) buf.writeUInt32BE(off >>> 0, off);
  }
  return buf;
}

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');



describe('large files', () => {
  it('a 32 MiB file arrives complete and in order', async () => {
    const { port, d } = await web();
    const data = patterned(32 * MiB + 7);
    d.write('big.bin', data);
    const res = await rawOne(port, 'GET /big.bin HTTP/1.0\r\n\r\n', 3000);
    expect(header(res, 'Content-Length')).toBe(String(data.length));
    expect(res.body.length).toBe(data.length);
    expect(sha(res.body)).toBe(sha(data));
    expect(await until(() => openFilesUnder(d.docroot).length === 0)).toBe(true);
  });

  it('a sparse 32 MiB file (zeros with data at the end)', async () => {
    const { port, d } = await web();
    const fd = fs.openSync(d.file('sparse.bin'), 'w');
    fs.writeSync(fd, 'THE END', 32 * MiB);
    fs.closeSync(fd);
    const res = await rawOne(port, 'GET /sparse.bin HTTP/1.0\r\n\r\n', 3000);
    expect(res.body.length).toBe(32 * MiB + 7);
    expect(res.body.subarray(32 * MiB).toString()).toBe('THE END');
    expect(res.body.subarray(0, 32 * MiB).every((b) => b === 0)).toBe(true);
  });

  it('a range deep inside a large file', async () => {
    const { port, d } = await web();
    const data = patterned(12 * MiB);
    d.write('big.bin', data);
    const res = await rawOne(
      port,
      'GET /big.bin HTTP/1.0\r\nRange: bytes=3000001-9000000\r\n\r\n',
      3000,
    );
    expect(res.status).toBe(206);
    expect(header(res, 'Content-Range')).toBe(`bytes 3000001-9000000/${12 * MiB}`);
    expect(res.body.equals(data.subarray(3000001, 9000001))).toBe(true);
  });

  it('parallel downloads of different files do not mix their bytes', async () => {
    const { port, d } = await web();
    const files = [5 * MiB + 1, 3 * MiB, 700_000, 9 * MiB - 3].map((n, i) => {
      const data = patterned(n);
      d.write(`p${i}.bin`, data);
      return data;
    });
    const got = await Promise.all(
      files.map((_, i) => rawOne(port, `GET /p${i}.bin HTTP/1.0\r\n\r\n`, 3000)),
    );
    got.forEach((res, i) => expect(sha(res.body), `p${i}`).toBe(sha(files[i]!)));
  });

  it('keep-alive holds across large responses', async () => {
    const { port, d } = await web();
    const data = patterned(6 * MiB);
    d.write('big.bin', data);
    const conn = await RawConnection.open(port);
    try {
      for (let i = 0; i < 3; i++) {
        conn.write('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n');
        const res = await conn.read(10_000);
        expect(sha(res.body)).toBe(sha(data));
        expect(header(res, 'Connection')).toBe('keep-alive');
      }
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
  });

  it('a client that stops reading holds a bounded buffer, then gets everything', async () => {
    const { pb, port, d } = await web();
    const data = patterned(48 * MiB);
    d.write('big.bin', data);
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.pause();
    sock.write('GET /big.bin HTTP/1.0\r\n\r\n');
    const client = (): { writeBufferSize: number; state: string } | undefined =>
      [...pb.core.clients][0];
    expect(
      await until(() => client()?.state === 'xfer_disk' && client()!.writeBufferSize > 0),
    ).toBe(true);
    // Give it time to overfill if it were going to.
    await new Promise((r) => setTimeout(r, 300));
    expect(client()!.writeBufferSize).toBeLessThanOrEqual(MiB);
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise((r) => sock.once('close', r));
    sock.resume();
    await closed;
    const all = Buffer.concat(chunks);
    const body = all.subarray(all.indexOf('\r\n\r\n') + 4);
    expect(sha(body)).toBe(sha(data));
  });

  it('a client that disconnects mid-transfer leaves no open descriptor', async () => {
    const { port, d } = await web();
    d.write('big.bin', patterned(40 * MiB));
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let got = 0;
    const enough = new Promise<void>((resolve) =>
      sock.on('data', (c: Buffer) => {
        got += c.length;
        if (got > 2 * MiB) resolve();
      }),
    );
    sock.write('GET /big.bin HTTP/1.0\r\n\r\n');
    await enough;
    expect(openFilesUnder(d.docroot).length).toBeGreaterThan(0);
    sock.destroy();
    expect(await until(() => openFilesUnder(d.docroot).length === 0)).toBe(true);
  });

  it('HEAD of a large file reads nothing', async () => {
    const { port, d } = await web();
    d.write('big.bin', patterned(20 * MiB));
    const res = await rawOne(port, 'HEAD /big.bin HTTP/1.0\r\n\r\n');
    expect(header(res, 'Content-Length')).toBe(String(20 * MiB));
    expect(res.raw.endsWith('\r\n\r\n')).toBe(true);
  });
});
