/**
 * AccessControl at run time (Perlbal t/90-accesscontrol.t, plus what it skips for lack of
 * Net::Netmask): ip and netmask rules, first match decides, the policy, use_observed_ip with
 * always_trusted and trusted_upstream_proxies, live changes from the management port, and
 * queue_low putting a reverse proxy's client in the low-priority queue.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProxyCore } from '../../../proxy-core/src/node/core.js';
import { startCore } from '../../helpers/start-core.js';
import { rawOne } from '../../helpers/raw-http.js';
import { startBackend } from '../../helpers/test-backend.js';

function docroot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-acl-'));
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello\n');
  return dir;
}

async function webServer(rules: string, extra = '') {
  const pb = await startCore(`
LOAD AccessControl
CREATE SERVICE ws
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${docroot()}
  SET plugins = AccessControl
${extra}
${rules}
ENABLE ws
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  return { pb, port: pb.port('ws') };
}

const get = (extra = ''): string => `GET /hello.txt HTTP/1.0\r\n${extra}\r\n`;

describe('AccessControl (t/90-accesscontrol)', () => {
  it('allows by default and denies a matching ip rule with 403 "Access denied."', async () => {
    const open = await webServer('');
    expect((await rawOne(open.port, get())).status).toBe(200);
    const { port } = await webServer('ACCESS DENY IP 127.0.0.1');
    const res = await rawOne(port, get());
    expect(res.status).toBe(403);
    expect(res.body.toString()).toBe('<h1>403 - Forbidden</h1>\nAccess denied.');
  });

  it('lets the first matching rule decide, then the policy', async () => {
    const first = await webServer('ACCESS ALLOW IP 127.0.0.1\nACCESS DENY NETMASK 127.0.0.0/8');
    expect((await rawOne(first.port, get())).status).toBe(200);
    const mask = await webServer('ACCESS DENY NETMASK 127.0.0.0/8\nACCESS ALLOW IP 127.0.0.1');
    expect((await rawOne(mask.port, get())).status).toBe(403);
    const policy = await webServer('ACCESS POLICY DENY\nACCESS ALLOW NETMASK 127.0.0.2/32');
    expect((await rawOne(policy.port, get())).status).toBe(403);
    const allowed = await webServer('ACCESS POLICY DENY\nACCESS ALLOW NETMASK 127.0.0.0/24');
    expect((await rawOne(allowed.port, get())).status).toBe(200);
  });

  it('matches every Net::Netmask form; IPv6 rules never match an IPv4 peer', async () => {
    for (const [mask, status] of [
      ['127.0.0.0/255.0.0.0', 200],
      ['127.0.0.1:255.255.255.0', 200],
      ['127.0.0.0-127.0.0.255', 200],
      ['127.0.1.0-127.0.1.255', 403],
      ['127.0.0.1/08', 200],
      ['default', 200],
      ['::/0', 403],
      ['any6', 403],
    ] as const) {
      const { port } = await webServer(`ACCESS POLICY DENY\nACCESS ALLOW NETMASK ${mask}`);
      expect((await rawOne(port, get())).status, mask).toBe(status);
    }
  });

  it('refuses the short forms Net::Netmask refuses (127, 10.0)', async () => {
    for (const mask of ['127', '10.0']) {
      const conf = `LOAD AccessControl\nCREATE SERVICE ws\n  ACCESS ALLOW NETMASK ${mask}\n`;
      const err = await ProxyCore.start(conf).then(
        (c) => (c.close(), null),
        (e: unknown) => e as { diagnostics?: Array<{ code: string }> },
      );
      expect(err?.diagnostics?.map((d) => d.code)).toContain('invalid_netmask');
    }
  });

  it('judges the observed IP of an always_trusted upstream with use_observed_ip', async () => {
    const { pb, port } = await webServer(
      'ACCESS DENY IP 127.0.0.1',
      '  SET always_trusted = on\n  SET ws.accesscontrol.use_observed_ip = 1',
    );
    const xff = 'X-Forwarded-For: 1.1.1.1\r\n';
    expect((await rawOne(port, get(xff))).status).toBe(200);
    // No X-Forwarded-For: the peer IP is judged.
    expect((await rawOne(port, get())).status).toBe(403);
    const m = await pb.manage();
    expect(await m.line('SET ws.accesscontrol.use_observed_ip = 0')).toBe('OK');
    expect((await rawOne(port, get(xff))).status).toBe(403);
  });

  it('trusts X-Forwarded-For only from trusted_upstream_proxies', async () => {
    const trusted = await webServer(
      'ACCESS DENY IP 127.0.0.1',
      '  SET trusted_upstream_proxies = 127.0.0.0/8\n  SET ws.accesscontrol.use_observed_ip = yes',
    );
    expect(
      (await rawOne(trusted.port, get('X-Forwarded-For: 1.1.1.1, 127.0.0.1\r\n'))).status,
    ).toBe(200);
    const untrusted = await webServer(
      'ACCESS DENY IP 127.0.0.1',
      '  SET trusted_upstream_proxies = 127.0.0.2/32\n  SET ws.accesscontrol.use_observed_ip = 1',
    );
    expect((await rawOne(untrusted.port, get('X-Forwarded-For: 1.1.1.1\r\n'))).status).toBe(403);
  });

  it('follows ACCESS lines and RESET from the management port', async () => {
    const { pb, port } = await webServer('');
    const m = await pb.manage();
    await m.line('USE ws');
    await m.drain();
    m.send('ACCESS DENY NETMASK 127.0.0.1/32\r\n');
    await m.drain();
    expect((await rawOne(port, get())).status).toBe(403);
    m.send('ACCESS RESET\r\n');
    await m.drain();
    expect((await rawOne(port, get())).status).toBe(200);
  });

  it('puts a reverse proxy client matched by queue_low in the low-priority queue', async () => {
    const be = await startBackend();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    be.handle(async () => {
      await held;
      return { status: 200, body: 'late\n' };
    });
    const pb = await startCore(`
LOAD AccessControl
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET plugins = accesscontrol
  ACCESS QUEUE_LOW IP 127.0.0.1
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
    const pending = rawOne(pb.port('proxy'), 'GET /x HTTP/1.0\r\n\r\n', 2000);
    await be.waitFor((b) => b.requests.length === 1);
    const m = await pb.manage();
    const socks = (await m.multi('socks')).join('\n');
    expect(socks).toMatch(/Perlbal::ClientProxy.*; lowpri/);
    release();
    expect((await pending).status).toBe(200);
  });

  it('lets a queue_low match through on a web_server instead of crashing (Perlbal dies)', async () => {
    // Before or after SET role, the rule is accepted with a warning; the first match still
    // decides. The dumpconfig of such a service (rules after the role) loads again.
    for (const order of ['before', 'after']) {
      const rules = '  ACCESS QUEUE_LOW IP 127.0.0.1\n  ACCESS DENY IP 127.0.0.1\n';
      const pb = await startCore(`
LOAD AccessControl
CREATE SERVICE ws
${order === 'before' ? rules : ''}  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${docroot()}
  SET plugins = accesscontrol
${order === 'after' ? rules : ''}ENABLE ws
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
      expect((await rawOne(pb.port('ws'), get())).status, order).toBe(200);
      const m = await pb.manage();
      m.send('dumpconfig\r\n');
      let dumped = '';
      for (let i = 0; i < 50 && !dumped.endsWith('OK\r\n'); i++) dumped += await m.drain(20);
      expect(dumped).toMatch(/SET role = web_server\r\n(.*\r\n)* {2}ACCESS QUEUE_LOW IP/);
    }
  });
});
