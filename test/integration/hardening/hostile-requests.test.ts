/**
 * Hardening (docs/reliability.md): the hostile-request corpus against every HTTP role. Each
 * request gets a 4xx from REJECT_STATUSES or a close, never a crash or a hang past the idle
 * timeout, and a backend sees nothing or exactly one well-formed request (no desync).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';
import { HOSTILE_CORPUS, REJECT_STATUSES, type HostileCase } from './hostile-corpus.js';
import { exchange, expectWellFormed } from './wire.js';

async function setup(): Promise<{ pb: StartedCore; be: TestBackend; dir: string }> {
  const be = await startBackend();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-hostile-'));
  fs.writeFileSync(path.join(dir, 'status'), 'static\n');
  const pb = await startCore(`
LOAD vhosts
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_backend = on
  SET idle_timeout = 1
ENABLE proxy
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${dir}
  SET enable_put = on
  SET enable_delete = on
  SET idle_timeout = 1
ENABLE web
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  SET idle_timeout = 1
  VHOST * = proxy
ENABLE sel
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  return { pb, be, dir };
}

/** One corpus case against one port: the outcome rules of the issue. */
async function expectHandled(port: number, k: HostileCase, be: TestBackend | null): Promise<void> {
  const before = be?.requests.length ?? 0;
  const res = await exchange(port, k.bytes, 6000);
  const label = `${k.name}: got ${JSON.stringify(res.text.slice(0, 200))}`;
  // Never a hang: the server closes (persist_client is off, the idle timeout is 1 s).
  expect(res.closed, label).toBe(true);
  if (k.expect === 'reject') {
    if (res.bytes.length > 0) expect(REJECT_STATUSES, label).toContain(res.status);
  } else {
    expect(res.status === 0 || res.status < 500 || res.status === 502, label).toBe(true);
  }
  if (!be) return;
  // Let anything forwarded arrive, then: nothing, or one clean request; never the smuggled one.
  await new Promise((r) => setTimeout(r, 30));
  const seen = be.requests.slice(before).filter((r) => !r.isOptions);
  if (k.expect === 'reject')
    expect(
      seen.map((r) => r.requestLine),
      label,
    ).toEqual([]);
  expect(seen.length, label).toBeLessThanOrEqual(1);
  for (const r of seen) expectWellFormed(r, k.name);
}

async function stillServes(pb: StartedCore): Promise<void> {
  const web = await exchange(pb.port('web'), Buffer.from('GET /status HTTP/1.0\r\n\r\n'));
  expect(web.text).toMatch(/^HTTP\/1\.0 200 OK[\s\S]*static\n$/);
  const proxy = await exchange(pb.port('proxy'), Buffer.from('GET /status HTTP/1.0\r\n\r\n'));
  expect(proxy.status).toBe(200);
}

describe('hostile requests', () => {
  it('web_server: every corpus request is refused or closed, and it keeps serving', async () => {
    const { pb } = await setup();
    for (const k of HOSTILE_CORPUS) await expectHandled(pb.port('web'), k, null);
    await stillServes(pb);
  });

  it('reverse_proxy: refused or closed, and the backend never sees a different request', async () => {
    const { pb, be } = await setup();
    for (const k of HOSTILE_CORPUS) await expectHandled(pb.port('proxy'), k, be);
    await stillServes(pb);
  });

  it('selector to reverse_proxy: the same outcomes through the hand-off', async () => {
    const { pb, be } = await setup();
    for (const k of HOSTILE_CORPUS) await expectHandled(pb.port('sel'), k, be);
    await stillServes(pb);
  });

  it('management: no crash, bounded buffering, and a fresh session still works', async () => {
    const { pb } = await setup();
    for (const k of HOSTILE_CORPUS) {
      // A line session legitimately stays open; the bound here is on the test, not the server.
      await exchange(pb.port('mgmt'), k.bytes, 150);
    }
    const ok = await exchange(pb.port('mgmt'), Buffer.from('show service proxy\r\nquit\r\n'));
    expect(ok.text).toContain('SERVICE proxy');
    await stillServes(pb);
  });

  it('a valid request behind a chunked body is framed by the proxy, not by the backend', async () => {
    const { pb, be } = await setup();
    const res = await exchange(
      pb.port('proxy'),
      Buffer.from(
        'POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      ),
    );
    expect(res.status).toBe(200);
    const seen = be.requests.filter((r) => !r.isOptions);
    expect(seen).toHaveLength(1);
    expectWellFormed(seen[0]!, 'chunked POST');
    expect(seen[0]!.body.toString()).toBe('hello');
  });
});
