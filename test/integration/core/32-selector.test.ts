/**
 * Port of Perlbal's t/32-selector.t, plus Vpaths, default_service and the Vhosts fixes: a
 * selector hands requests to a reverse proxy, a web server or (refused) a management
 * service; persist_client is the selector's; wildcard rules and the `*` default; bad VHOST
 * lines; case-insensitive hosts; default_service no longer overriding a matched rule.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { startCore } from '../../helpers/start-core.js';
import { header, rawOne, RawConnection } from '../../helpers/raw-http.js';
import { startBackend } from '../../helpers/test-backend.js';

function docroot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-sel-'));
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello world\n');
  return dir;
}

async function setup(selectorExtra = '', selectorPersist = 'off') {
  const be = await startBackend();
  const dir = docroot();
  const pb = await startCore(`
LOAD vhosts
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET pool = p
  SET persist_client = on
ENABLE proxy
CREATE SERVICE ws
  SET role = web_server
  SET docroot = ${dir}
  SET enable_put = on
  SET persist_client = on
ENABLE ws
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:0
  SET persist_client = ${selectorPersist}
  SET plugins = vhosts
  VHOST proxy = proxy
  VHOST webserver = ws
  VHOST *.webserver = ws
  VHOST manage = mgmt
${selectorExtra}
ENABLE ss
`);
  return { pb, be, dir, port: pb.port('ss') };
}

const get = (host: string, uri = '/hello.txt', extra = ''): string =>
  `GET ${uri} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;

describe('selector with Vhosts (t/32-selector)', () => {
  it('maps hosts to a proxy and a web server', async () => {
    const { port, be } = await setup();
    const viaProxy = await rawOne(port, get('proxy', '/status'));
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.body.toString()).toContain('method = GET');
    expect(be.requests.at(-1)!.uri).toBe('/status');
    const viaWeb = await rawOne(port, get('webserver'));
    expect(viaWeb.status).toBe(200);
    expect(viaWeb.body.toString()).toBe('hello world\n');
  });

  it('matches wildcards on one and several labels', async () => {
    const { port } = await setup();
    for (const host of ['foo.webserver', 'foo.bar.webserver']) {
      expect((await rawOne(port, get(host))).body.toString(), host).toBe('hello world\n');
    }
  });

  it('answers 404 with no matching rule and no default, and uses `*` when defined', async () => {
    const { port } = await setup();
    const none = await rawOne(port, get('nothing.test'));
    expect(none.status).toBe(404);
    expect(none.body.toString()).toBe('<h1>404 - Not Found</h1>\nNot Found (no configured vhost)');
    const withStar = await setup('  VHOST * = ws');
    expect((await rawOne(withStar.port, get('nothing.test'))).body.toString()).toBe('hello world\n');
  });

  it('refuses to map to a management service with a 5xx', async () => {
    const { port } = await setup();
    const res = await rawOne(port, get('manage'));
    expect(res.status).toBe(500);
    expect(res.body.toString()).toContain("Can't map to service type management");
  });

  it('PUTs and POSTs through the selector', async () => {
    const { port, dir, be } = await setup();
    const put = await rawOne(port, 'PUT /new.txt HTTP/1.1\r\nHost: webserver\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    expect(put.status).toBe(200);
    expect(fs.readFileSync(path.join(dir, 'new.txt'), 'utf8')).toBe('hello');
    const body = 'x'.repeat(300_000);
    const post = await rawOne(port, `POST /status HTTP/1.1\r\nHost: proxy\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    expect(post.status).toBe(200);
    expect(be.requests.at(-1)!.body.toString()).toBe(body);
  });

  it('keep-alive follows the selector persist_client, not the target service', async () => {
    const off = await setup('', 'off');
    const a = await rawOne(off.port, 'GET /hello.txt HTTP/1.1\r\nHost: webserver\r\n\r\n');
    expect(header(a, 'Connection')).toBe('close');
    const on = await setup('', 'on');
    const c = await RawConnection.open(on.port);
    for (const host of ['webserver', 'proxy', 'webserver']) {
      c.write(`GET /${host === 'proxy' ? 'status' : 'hello.txt'} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      const r = await c.read();
      expect(r.status, host).toBe(200);
      expect(header(r, 'Connection')).toBe('keep-alive');
    }
    expect(c.closed).toBe(false);
    c.close();
  });

  it('rejects bad VHOST lines on the management port', async () => {
    const { pb } = await setup();
    const m = await pb.manage();
    expect(await m.line('vhost ss foo ws')).toMatch(/^ERROR: usage: VHOST/);
    expect(await m.line('vhost nosuch foo = ws')).toBe("ERROR: Service 'nosuch' is not a selector service");
    expect(await m.line('vhost ss *!sdfsdf = ws')).toBe("ERROR: invalid host pattern: '*!sdfsdf'");
    expect(await m.line('vhost ss foo = ws!!sdf')).toMatch(/^ERROR: usage: VHOST/);
  });

  it('matches host names case-insensitively and strips a trailing dot and port (Perlbal did not)', async () => {
    const { port } = await setup();
    for (const host of ['WebServer', 'webserver.', 'webserver.:8080', 'FOO.WEBSERVER:80']) {
      expect((await rawOne(port, get(host))).body.toString(), host).toBe('hello world\n');
    }
  });

  it('keeps a matched rule when default_service is set (Perlbal re-adopted every match)', async () => {
    const dir2 = docroot();
    fs.writeFileSync(path.join(dir2, 'hello.txt'), 'from the default\n');
    const be = await startBackend();
    const pb = await startCore(`
LOAD vhosts
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE ws
  SET role = web_server
  SET docroot = ${docroot()}
ENABLE ws
CREATE SERVICE ws2
  SET role = web_server
  SET docroot = ${dir2}
ENABLE ws2
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  SET default_service = ws2
  VHOST a.test = ws
ENABLE ss
`);
    const s = pb.port('ss');
    expect((await rawOne(s, get('a.test'))).body.toString()).toBe('hello world\n');
    expect((await rawOne(s, get('b.test'))).status).toBe(404);
  });

  it('records the route: selector, rule, service, pool, node', async () => {
    const { pb, port, be } = await setup();
    const records: RequestRecord[] = [];
    pb.core.on('request', (r) => records.push(r));
    await rawOne(port, get('foo.webserver'));
    await rawOne(port, get('proxy', '/status'));
    await new Promise((r) => setTimeout(r, 50));
    expect(records.map((r) => r.route.map((s) => `${s.kind}:${s.name}`))).toEqual([
      ['selector:ss', 'vhost:*.webserver', 'service:ws'],
      ['selector:ss', 'vhost:proxy', 'service:proxy', 'pool:p', `node:${be.hostport}`],
    ]);
    expect(records[1]!.listener).toBe('ss');
    expect(records[1]!.service).toBe('proxy');
  });
});

describe('selector with Vpaths', () => {
  it('takes the first matching rule, and default_service when none matches', async () => {
    const be = await startBackend();
    const dir = docroot();
    const pb = await startCore(`
LOAD vpaths
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET pool = p
ENABLE proxy
CREATE SERVICE ws
  SET role = web_server
  SET docroot = ${dir}
ENABLE ws
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vpaths
  VPATH ^/static/ = ws
  VPATH ^/ = proxy
ENABLE ss
CREATE SERVICE s2
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vpaths
  SET default_service = ws
  VPATH ^/stat = proxy
  VPATH ^/gone/ = nosuch
ENABLE s2
`);
    const get1 = (uri: string): string => `GET ${uri} HTTP/1.0\r\n\r\n`;
    fs.mkdirSync(path.join(dir, 'static'));
    fs.writeFileSync(path.join(dir, 'static', 'a.css'), 'body{}');
    expect((await rawOne(pb.port('ss'), get1('/static/a.css'))).body.toString()).toBe('body{}');
    const st = await rawOne(pb.port('ss'), get1('/status'));
    expect(st.raw).toContain('method = GET');
    expect((await rawOne(pb.port('s2'), get1('/hello.txt'))).body.toString()).toBe('hello world\n');
    expect((await rawOne(pb.port('s2'), get1('/status'))).body.toString()).toContain('method = GET');
    const gone = await rawOne(pb.port('s2'), get1('/gone/x'));
    expect(gone.body.toString()).toBe('<h1>404 - Not Found</h1>\nNot Found (nosuch not a defined service)');
  });
});
