/**
 * A response that ends with the connection must reach a reader that stops reading for a while
 * in full. The client socket was destroyed 2 s after end() even with bytes still queued, so a
 * reader that paused got a cut body that looked complete (a close-delimited proxied response
 * has no length to check it against).
 */
import net from 'node:net';
import { expect, it, onTestFinished } from 'vitest';
import { startCore } from '../helpers/start-core.js';

it('a reader that pauses for 3 s still gets every byte of a close-delimited response', async () => {
  const size = 4 * 1024 * 1024;
  // A backend whose answer has no Content-Length: its end is the connection's end.
  const be = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => {
      s.write('HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n');
      s.end(Buffer.alloc(size, 7));
    });
  });
  await new Promise<void>((r) => be.listen(0, '127.0.0.1', r));
  onTestFinished(() => void be.close());
  const pb = await startCore(`
CREATE POOL p
  POOL p ADD 127.0.0.1:${(be.address() as net.AddressInfo).port}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
ENABLE proxy
`);
  const sock = net.connect(pb.port('proxy'), '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.write('GET / HTTP/1.0\r\n\r\n');
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    let paused = false;
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      if (paused) return;
      // Stop reading at the first bytes, while the rest is still queued in the proxy.
      paused = true;
      sock.pause();
      setTimeout(() => sock.resume(), 3000);
    });
    sock.on('close', () => resolve());
  });
  const all = Buffer.concat(chunks);
  const body = all.subarray(all.indexOf('\r\n\r\n') + 4);
  expect(all.subarray(0, 15).toString()).toBe('HTTP/1.0 200 OK');
  expect(body.length).toBe(size);
}, 20_000);
