/**
 * What a client gets when backends fail (a deliberate difference from Perlbal, which closed
 * the connection silently at the idle timeout): a 502, 503 or 504 page naming the service,
 * pool, node and cause, a request record saying the same, and a proxy that stays up and keeps
 * serving. Also: a failed verify_backend, a dead node among live ones.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { freePort } from '../../conformance/harness.js';
import { rawOne, rawRequest } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

async function proxyTo(nodes: string[], extra = '') {
  const pb = await startCore(`
CREATE POOL p
${nodes.map((n) => `  POOL p ADD ${n}`).join('\n')}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_backend = on
${extra}
ENABLE proxy
`);
  const records: RequestRecord[] = [];
  pb.core.on('request', (r) => records.push(r));
  return { pb, port: pb.port('proxy'), records };
}

const GET = 'GET /status HTTP/1.0\r\n\r\n';

async function deadPort(): Promise<number> {
  return freePort();
}

describe('backend failures', () => {
  it('refused connection: 502 naming service, pool, node and cause; the record says why', async () => {
    const dead = await deadPort();
    const { port, records } = await proxyTo([`127.0.0.1:${dead}`]);
    const res = await rawOne(port, GET, 2000);
    expect(res.status).toBe(502);
    expect(res.statusLine).toBe('HTTP/1.0 502 Bad Gateway');
    const body = res.body.toString();
    expect(body).toContain("Service 'proxy' (pool p, node 127.0.0.1:");
    expect(body).toContain('connection refused');
    expect(res.closed).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(records[0]!.status).toBe(502);
    expect(records[0]!.error?.code).toBe('PB_ERR_BACKEND_CONNECT');
    expect(records[0]!.tags).toContain('backend-error:ECONNREFUSED');
  });

  it('an empty pool: 503 at once', async () => {
    const pb = await startCore(`
CREATE POOL p
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
ENABLE proxy
`);
    const res = await rawOne(pb.port('proxy'), GET, 2000);
    expect(res.status).toBe(503);
    expect(res.body.toString()).toContain("pool 'p' has no nodes");
  });

  it('a dead node next to a live one: requests are served by the live one', async () => {
    const be = await startBackend();
    const dead = await deadPort();
    const { port } = await proxyTo([`127.0.0.1:${dead}`, be.hostport]);
    for (let i = 0; i < 6; i++) {
      const res = await rawOne(port, GET, 3000);
      expect(res.status, `request ${i}`).toBe(200);
    }
  });

  const misbehaving: Array<[string, Parameters<TestBackend['handle']>[0], number, string]> = [
    ['resets before answering', () => 'reset', 502, 'failed before answering'],
    ['closes before answering', () => 'close', 502, 'failed before answering'],
    ['sends a garbage status line', () => ({ raw: 'HELLO THERE\r\n\r\n', then: 'close' }), 502, 'invalid response'],
  ];
  for (const [what, handler, status, text] of misbehaving) {
    it(`a backend that ${what}: ${status}, and the proxy keeps serving`, async () => {
      const be = await startBackend();
      be.handle(handler);
      const { port } = await proxyTo([be.hostport]);
      const res = await rawOne(port, GET, 2000);
      expect(res.status).toBe(status);
      expect(res.body.toString()).toContain(text);
      be.handle(null);
      expect((await rawOne(port, GET, 2000)).status).toBe(200);
    });
  }

  it('a backend that closes mid-body: the client connection is closed, never a short body passed as complete', async () => {
    const be = await startBackend();
    be.handle(() => ({ raw: 'HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b', then: 'close' }));
    const { port, records } = await proxyTo([be.hostport]);
    const r = await rawRequest(port, GET, 2000);
    expect(r.closed).toBe(true);
    expect(r.text).toContain('Content-Length: 100');
    expect(r.text.endsWith('only ten b')).toBe(true);
    await new Promise((res) => setTimeout(res, 20));
    expect(records[0]!.tags).toContain('backend-error:ECONNRESET');
  });

  it('a backend that sends more than its Content-Length: the excess is not passed on', async () => {
    const be = await startBackend();
    be.handle(() => ({ raw: 'HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA-BYTES', then: 'close' }));
    const { port } = await proxyTo([be.hostport]);
    const res = await rawOne(port, GET, 1000);
    expect(res.body.toString()).toBe('hello');
    const r = await rawRequest(port, GET, 500);
    expect(r.text).not.toContain('EXTRA');
  });

  it('a backend that never answers: 504 when the idle timeout runs out', async () => {
    const be = await startBackend();
    be.handle(() => 'hang');
    const { port, records } = await proxyTo([be.hostport], '  SET idle_timeout = 1');
    const res = await rawOne(port, GET, 5000);
    expect(res.status).toBe(504);
    expect(res.body.toString()).toContain('did not answer within 1 s (idle_timeout)');
    await new Promise((r) => setTimeout(r, 20));
    expect(records[0]!.error?.code).toBe('PB_ERR_BACKEND_TIMEOUT');
  });

  it('verify_backend: a node that fails OPTIONS is used unverified afterwards (NoVerify), as in Perlbal', async () => {
    const be = await startBackend();
    be.handle((req) => (req.isOptions ? { raw: 'HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n', then: 'close' } : undefined), {
      includeOptions: true,
    });
    const { port } = await proxyTo([be.hostport], "  SET verify_backend = on\n  SET verify_backend_path = /health");
    const res = await rawOne(port, GET, 3000);
    expect(res.status).toBe(200);
    expect(be.requests[0]!.requestLine).toBe('OPTIONS /health HTTP/1.0');
  });

  it('keeps the proxy up under a burst of failing backends', async () => {
    const be = await startBackend();
    let n = 0;
    be.handle(() => (n++ % 2 ? 'reset' : undefined));
    const { port } = await proxyTo([be.hostport]);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => rawOne(port, GET, 3000).then((r) => r.status)));
    for (const s of statuses) expect([200, 502]).toContain(s);
    const blocker = net.connect(port, '127.0.0.1');
    await new Promise((r) => blocker.once('connect', r));
    blocker.destroy();
    be.handle(null);
    expect((await rawOne(port, GET, 2000)).status).toBe(200);
  });
});
