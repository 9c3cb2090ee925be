/**
 * Stats against the real Perlbal 1.80: after the same requests (static files, a 404, proxied
 * requests with and without the high-priority cookie, an X-REPROXY-FILE), `stats` prints the
 * same counters in the same columns, and `recent` the same URLs (latencies aside). Perlbal
 * lists services in hash order, so lines are compared sorted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { havePerlbal, manageBoth, sendBoth } from './harness.js';
import { startPair } from './proxy-pair.js';

const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-stats-'));
fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hello world\n');

const CONFIG = `
SERVER aio_mode = none
LOAD stats
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:{{port:web}}
  SET docroot = ${docroot}
  SET plugins = stats
ENABLE web
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET enable_reproxy = on
  SET high_priority_cookie = vip
  SET high_priority_cookie_contents = yes
  SET plugins = stats
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

describe.runIf(havePerlbal())('Stats vs Perlbal 1.80', () => {
  it('counts the same requests and prints them the same way', async () => {
    const pair = await startPair(CONFIG, ['backend'], ['proxy', 'web', 'mgmt']);
    const { servers } = pair;
    const get = (uri: string, extra = ''): string =>
      `GET ${uri} HTTP/1.0\r\nHost: example.com\r\n${extra}\r\n`;
    for (const [port, request] of [
      ['web', get('/hello.txt')],
      ['web', get('/missing.txt')],
      ['proxy', get('/status')],
      ['proxy', get('/status', 'Cookie: vip=yes\r\n')],
      ['proxy', get(`/reproxy_file:${path.join(docroot, 'hello.txt')}`)],
      ['proxy', 'GET /status HTTP/1.0\r\n\r\n'],
    ] as const) {
      const r = await sendBoth(servers, port, request);
      expect(r.ours[0]?.statusLine, request).toBe(r.perlbal[0]?.statusLine);
    }
    const sessions = { perlbal: await servers.perlbal.manage(), ours: await servers.ours.manage() };
    const stats = await manageBoth(sessions, servers, 'stats');
    expect([...stats.ours].sort()).toEqual([...stats.perlbal].sort());
    expect(stats.perlbal).toContain(
      `${'proxy'.padEnd(15)} ${'files_reproxied'.padEnd(25)} ${'1'.padStart(12)}`,
    );
    expect(stats.perlbal).toContain(
      `${'total'.padEnd(15)} ${'web_requests'.padEnd(25)} ${'2'.padStart(12)}`,
    );
    const recent = await manageBoth(sessions, servers, 'recent');
    const shape = (lines: string[]): string[] =>
      lines.map((l) => l.replace(/ \d+\.\d{4} /, ' N ')).sort();
    expect(shape(recent.ours)).toEqual(shape(recent.perlbal));
    expect(recent.perlbal).toHaveLength(5);
  });
});
