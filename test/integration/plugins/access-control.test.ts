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

  it('matches the Net::Netmask short forms (127 is 127.0.0.0/8)', async () => {
    const { port } = await webServer('ACCESS POLICY DENY\nACCESS ALLOW NETMASK 127');
    expect((await rawOne(port, get())).status).toBe(200);
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

  it('refuses queue_low on a service already of another role, with a diagnostic', async () => {
    const conf = `LOAD AccessControl
CREATE SERVICE ws
  SET role = web_server
  ACCESS QUEUE_LOW IP 127.0.0.1
`;
    const err = await ProxyCore.start(conf).then(
      (c) => (c.close(), null),
      (e: unknown) => e as { code?: string; diagnostics?: Array<{ code: string }> },
    );
    expect(err?.code).toBe('PB_ERR_CONFIG_INVALID');
    expect(err?.diagnostics?.map((d) => d.code)).toContain('queue_low_not_proxy');
  });

  it('lets a queue_low match through on a web_server instead of crashing (Perlbal dies)', async () => {
    // Written before SET role, the rule is accepted; the first match still decides.
    const pb = await startCore(`
LOAD AccessControl
CREATE SERVICE ws
  ACCESS QUEUE_LOW IP 127.0.0.1
  ACCESS DENY IP 127.0.0.1
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${docroot()}
  SET plugins = accesscontrol
ENABLE ws
`);
    expect((await rawOne(pb.port('ws'), get())).status).toBe(200);
  });
});
