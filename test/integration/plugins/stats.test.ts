/**
 * Stats at run time (Perlbal::Plugin::Stats, listed by t/50-plugins): per-service counters of
 * files sent, files reproxied, web requests and normal / high-priority proxy requests, the
 * `stats` and `recent` commands in Perlbal's formats, and counters dropped with the plugin.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../../helpers/open-files.js';
import { startCore } from '../../helpers/start-core.js';
import { rawOne } from '../../helpers/raw-http.js';
import { startBackend } from '../../helpers/test-backend.js';

async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-stats-'));
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello\n');
  const be = await startBackend();
  const pb = await startCore(`
LOAD stats
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE ws
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${dir}
  SET plugins = stats
ENABLE ws
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET enable_reproxy = on
  SET high_priority_cookie = vip
  SET high_priority_cookie_contents = yes
  SET plugins = stats
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  return { pb, be, dir, ws: pb.port('ws'), proxy: pb.port('proxy') };
}

const get = (uri: string, extra = ''): string =>
  `GET ${uri} HTTP/1.0\r\nHost: example.com\r\n${extra}\r\n`;

/** `stats` output as { 'svc key': n }, checking Perlbal's column layout on the way. */
function parseStats(lines: string[]): Record<string, number> {
  expect(lines.at(-1)).toBe('.');
  const out: Record<string, number> = {};
  for (const l of lines.slice(0, -1)) {
    expect(l).toMatch(/^\S+ +\S+ +\d+$/);
    expect(l.length).toBe(15 + 1 + 25 + 1 + 12);
    const [svc, key, n] = l.split(/ +/);
    out[`${svc} ${key}`] = Number(n);
  }
  return out;
}

describe('Stats', () => {
  it('counts web requests, files sent, proxy requests and reproxied files per service', async () => {
    const { pb, dir, ws, proxy } = await setup();
    expect((await rawOne(ws, get('/hello.txt'))).status).toBe(200);
    expect((await rawOne(ws, get('/missing.txt'))).status).toBe(404);
    expect((await rawOne(proxy, get('/status'))).status).toBe(200);
    expect((await rawOne(proxy, get('/status', 'Cookie: vip=yes\r\n'))).status).toBe(200);
    const reproxied = await rawOne(proxy, get(`/reproxy_file:${path.join(dir, 'hello.txt')}`));
    expect(reproxied.body.toString()).toBe('hello\n');
    const m = await pb.manage();
    const lines = await m.multi('stats');
    const stats = parseStats(lines);
    expect(stats).toEqual({
      'ws files_reproxied': 0,
      'ws files_sent': 1,
      'ws proxy_requests': 0,
      'ws proxy_requests_highpri': 0,
      'ws web_requests': 2,
      'proxy files_reproxied': 1,
      'proxy files_sent': 1,
      'proxy proxy_requests': 2,
      'proxy proxy_requests_highpri': 1,
      'proxy web_requests': 0,
      'total files_reproxied': 1,
      'total files_sent': 2,
      'total proxy_requests': 2,
      'total proxy_requests_highpri': 1,
      'total web_requests': 2,
    });
    expect(lines[0]).toBe(`ws              files_reproxied                      0`);
  });

  it('counts files served from the file cache too, whole and by range', async () => {
    const { pb, dir, ws } = await setup();
    // A settled file (unchanged for more than a second) is served from memory after the
    // first read; the start_send_file hooks still run for it.
    const file = path.join(dir, 'settled.txt');
    fs.writeFileSync(file, 'settled file body\n');
    await until(() => Date.now() - fs.statSync(file).ctimeMs > 1100, 3000);
    for (let i = 0; i < 3; i++) {
      const r = await rawOne(ws, get('/settled.txt'));
      expect([r.status, r.body.toString()]).toEqual([200, 'settled file body\n']);
    }
    const ranged = await rawOne(ws, get('/settled.txt', 'Range: bytes=8-11\r\n'));
    expect([ranged.status, ranged.body.toString()]).toEqual([206, 'file']);
    const stats = parseStats(await (await pb.manage()).multi('stats'));
    expect(stats['ws files_sent']).toBe(4);
  });

  it('lists recent proxied requests with their latency', async () => {
    const { pb, proxy } = await setup();
    await rawOne(proxy, get('/status?a=1'));
    await rawOne(proxy, 'GET /status HTTP/1.0\r\n\r\n');
    const m = await pb.manage();
    const lines = await m.multi('recent');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^proxy \d+\.\d{4} http:\/\/example\.com\/status\?a=1$/);
    expect(lines[1]).toMatch(/^proxy \d+\.\d{4} http:\/\/unknown\/status$/);
    expect(lines[2]).toBe('.');
  });

  it('forgets a service whose plugins no longer list stats, and starts again from zero', async () => {
    const { pb, ws } = await setup();
    await rawOne(ws, get('/hello.txt'));
    const m = await pb.manage();
    expect(parseStats(await m.multi('stats'))['ws web_requests']).toBe(1);
    m.send('SET ws.plugins = none\r\n');
    await m.drain();
    const after = parseStats(await m.multi('stats'));
    expect(Object.keys(after).some((k) => k.startsWith('ws '))).toBe(false);
    expect(after['total web_requests']).toBe(0);
    m.send('SET ws.plugins = stats\r\n');
    await m.drain();
    expect(parseStats(await m.multi('stats'))['ws web_requests']).toBe(0);
  });
});
