/**
 * X-Forwarded-For on a reverse proxy (inventory 7.5) with trusted_upstream_proxies: a peer
 * inside one of the CIDR blocks is an upstream proxy, so its X-Forwarded-For is extended and
 * X-Host / X-Forwarded-Host kept; any other peer's X-Forwarded-For is replaced and those
 * removed. The test client is 127.0.0.1. Also changed on the running service.
 */
import { describe, expect, it } from 'vitest';
import { rawOne } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

async function proxy(trusted: string): Promise<{ pb: StartedCore; be: TestBackend }> {
  const be = await startBackend();
  const pb = await startCore(`
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET trusted_upstream_proxies = ${trusted}
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  return { pb, be };
}

const REQUEST = 'GET /status HTTP/1.0\r\nX-Forwarded-For: 203.0.113.7,  198.51.100.2\r\nX-Host: xh\r\nX-Forwarded-Host: xfh\r\n\r\n';

/** The forwarding headers of the last request the backend got. */
async function forwarded(pb: StartedCore, be: TestBackend): Promise<Array<[string, string]>> {
  expect((await rawOne(pb.port('proxy'), REQUEST, 2000)).status).toBe(200);
  const seen = be.requests[be.requests.length - 1]!;
  return seen.headers.filter(([k]) => /^x-(forwarded-for|host|forwarded-host)$/i.test(k));
}

const TRUSTED: Array<[string, string]> = [
  ['X-Forwarded-For', '203.0.113.7, 198.51.100.2, 127.0.0.1'],
  ['X-Host', 'xh'],
  ['X-Forwarded-Host', 'xfh'],
];
const UNTRUSTED: Array<[string, string]> = [['X-Forwarded-For', '127.0.0.1']];

describe('trusted_upstream_proxies on a reverse proxy', () => {
  it.each([
    ['127.0.0.0/8', TRUSTED],
    ['127.0.0.1/32', TRUSTED],
    ['127.64.0.0/10, 127.0.0.0/24', TRUSTED],
    ['127.64.0.0/10', UNTRUSTED],
    ['127.0.0.2/31', UNTRUSTED],
  ])('%s', async (trusted, want) => {
    const { pb, be } = await proxy(trusted);
    expect(await forwarded(pb, be)).toEqual(want);
  });

  it('takes effect on the running service', async () => {
    const { pb, be } = await proxy('127.64.0.0/10');
    expect(await forwarded(pb, be)).toEqual(UNTRUSTED);
    const m = await pb.manage();
    expect(await m.line('SET proxy.trusted_upstream_proxies = 127.64.0.0/10, 127.0.0.0/8')).toBe('OK');
    expect(await forwarded(pb, be)).toEqual(TRUSTED);
    expect(await m.line('SET proxy.trusted_upstream_proxies = 127.168.0.0/16')).toBe('OK');
    expect(await forwarded(pb, be)).toEqual(UNTRUSTED);
  });
});
