/**
 * Hardening: slow clients against idle_timeout = 1. A head dripped a byte at a time is cut
 * off (408) instead of holding the connection for as long as bytes trickle in; a stalled body
 * is closed and the backend sees the connection end, never a short body as complete; a slow
 * but steady body is not an idle one and arrives whole. Outcomes only: the waits are bounds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';
import { until } from '../../helpers/open-files.js';
import { bytewise, exchange } from './wire.js';

async function setup() {
  const be = await startBackend();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-drip-'));
  fs.writeFileSync(path.join(dir, 'status'), 'static\n');
  const pb = await startCore(`
LOAD vhosts
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET idle_timeout = 1
ENABLE proxy
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${dir}
  SET idle_timeout = 1
ENABLE web
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  SET idle_timeout = 1
  VHOST * = proxy
ENABLE sel
`);
  return { pb, be };
}

// Far longer to send whole (80 bytes at 200 ms) than the 1 s idle timeout.
const DRIPPED_HEAD = `GET /status HTTP/1.1\r\nHost: x\r\nX-Drip: ${'a'.repeat(40)}\r\n\r\n`;

describe('slow clients', () => {
  for (const svc of ['web', 'proxy', 'sel']) {
    it(`${svc}: a head dripped byte by byte is cut off with a 408, the backend sees nothing`, async () => {
      const { pb, be } = await setup();
      const res = await exchange(pb.port(svc), bytewise(DRIPPED_HEAD), 10_000, { dripMs: 200 });
      expect(res.closed).toBe(true);
      expect(res.status).toBe(408);
      expect(be.requests.filter((r) => !r.isOptions)).toEqual([]);
    });
  }

  it('a stalled body is closed; the backend sees its connection end, not a complete request', async () => {
    const { pb, be } = await setup();
    const head = 'POST /status HTTP/1.0\r\nContent-Length: 100\r\n\r\n';
    const res = await exchange(pb.port('proxy'), Buffer.from(`${head}0123456789`), 8000);
    expect(res.closed).toBe(true);
    // The backend connection is closed too, so its partial read cannot be taken as whole.
    expect(await until(() => be.openConnections === 0, 5000)).toBe(true);
    const seen = be.requests.filter((r) => !r.isOptions);
    expect(seen.length).toBeLessThanOrEqual(1);
    for (const r of seen) expect(r.body.length).toBeLessThan(100);
  });

  it('a slow but steady body is not idle: it arrives whole', async () => {
    const { pb, be } = await setup();
    const body = 'abcdefghijklmnopqrst';
    const pieces = [
      Buffer.from(`POST /status HTTP/1.0\r\nContent-Length: ${body.length}\r\n\r\n`),
      ...bytewise(body),
    ];
    const res = await exchange(pb.port('proxy'), pieces, 10_000, { dripMs: 150 });
    expect(res.status).toBe(200);
    const seen = be.requests.filter((r) => !r.isOptions);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body.toString()).toBe(body);
  });
});
