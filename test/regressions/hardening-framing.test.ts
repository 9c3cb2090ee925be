/**
 * Bugs the hardening corpus found (docs/reliability.md):
 * - `Transfer-Encoding: xchunked` on a request went through as a bodiless request, and its
 *   body was then read as the next request (RFC 9112 6.3 says 400).
 * - 20,000 tiny headers (160 KB on the wire) passed the 100 KiB head limit, which llhttp
 *   counts over names and values only.
 * - A bad chunk size arriving with the head left the proxy waiting for a body that could
 *   never complete: a 504 blaming the backend at the idle timeout instead of a 400.
 * - A management "line" with no newline was buffered without bound.
 */
import net from 'node:net';
import { expect, it } from 'vitest';
import { startCore } from '../helpers/start-core.js';
import { startBackend } from '../helpers/test-backend.js';
import { exchange } from '../integration/hardening/wire.js';

async function proxy() {
  const be = await startBackend();
  const pb = await startCore(`
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  return { pb, be, port: pb.port('proxy') };
}

it('a request whose final coding is not chunked gets a 400 and reaches no backend', async () => {
  const { be, port } = await proxy();
  const res = await exchange(
    port,
    Buffer.from(
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    ),
  );
  expect(res.status).toBe(400);
  expect(res.closed).toBe(true);
  expect(be.requests).toEqual([]);
});

it('a flood of tiny headers over 100 KiB on the wire gets a 431', async () => {
  const { be, port } = await proxy();
  const res = await exchange(
    port,
    Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\n${'X-F: 1\r\n'.repeat(20_000)}\r\n`),
  );
  expect(res.status).toBe(431);
  expect(be.requests).toEqual([]);
});

it('a bad chunk size sent with the head is a 400 at once, not a 504 at the idle timeout', async () => {
  const { be, port } = await proxy();
  // idle_timeout is the default 30 s; the bounded wait ends long before it.
  const res = await exchange(
    port,
    Buffer.from(
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
    ),
    5000,
  );
  expect(res.status).toBe(400);
  expect(res.closed).toBe(true);
  expect(be.requests).toEqual([]);
});

it('a management line with no end is cut off, and the service still answers', async () => {
  const { pb } = await proxy();
  const sock = net.connect(pb.port('mgmt'), '127.0.0.1');
  sock.on('error', () => {});
  const closed = new Promise<boolean>((r) => {
    sock.on('close', () => r(true));
    setTimeout(() => r(false), 5000);
  });
  sock.write('x'.repeat(200 * 1024));
  expect(await closed).toBe(true);
  const ok = await exchange(pb.port('mgmt'), Buffer.from('show service proxy\r\nquit\r\n'));
  expect(ok.text).toContain('SERVICE proxy');
});
