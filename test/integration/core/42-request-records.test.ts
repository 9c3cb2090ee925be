/**
 * Request records (RequestRecord) on real sockets: the request head as the client sent it,
 * whatever a selector's HEADER rules, Vhosts' `__using` or a chunked upload changed in place
 * afterwards; a `service` route step for every hand-off (web_server, nested selector, reverse
 * proxy), once; and bytesIn / bytesOut both counting body bytes only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatAccessLine } from '../../../proxy-core/bin/banner.js';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { until } from '../../helpers/open-files.js';
import { header, rawOne } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';

function docroot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-records-'));
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello world\n');
  return dir;
}

async function setup() {
  const be = await startBackend();
  const pb = await startCore(`
LOAD vhosts
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_backend = on
ENABLE proxy
CREATE SERVICE ws
  SET role = web_server
  SET docroot = ${docroot()}
ENABLE ws
CREATE SERVICE ws2
  SET role = web_server
  SET docroot = ${docroot()}
ENABLE ws2
CREATE SERVICE inner
  SET role = selector
  SET plugins = vhosts
  VHOST * = ws
ENABLE inner
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  VHOST proxy.test = proxy
  VHOST web.test = ws
  VHOST nested.test = inner
  VHOST web.test;using:alt.test = ws2
ENABLE ss
HEADER ss insert X-Via-Selector: ss
HEADER ss remove User-Agent
`);
  const records: RequestRecord[] = [];
  pb.core.on('request', (r) => records.push(r));
  /** Send `data` to `port`; resolves with the response and the record of that request. */
  const send = async (port: number, data: string) => {
    const before = records.length;
    const res = await rawOne(port, data, 2000);
    await until(() => records.length > before, 2000);
    expect(records.length, 'one record per request').toBe(before + 1);
    return { res, rec: records[before]! };
  };
  return { be, pb, send, ss: pb.port('ss'), proxy: pb.port('proxy') };
}

const route = (r: RequestRecord): string[] => r.route.map((s) => `${s.kind}:${s.name}`);

describe('request records: the request as the client sent it', () => {
  it("a selector's HEADER rules change what the backend gets, not the record's request headers", async () => {
    const { send, ss } = await setup();
    const { res, rec } = await send(ss, 'GET /reflect_request_headers HTTP/1.0\r\nHost: proxy.test\r\nUser-Agent: curl/8\r\n\r\n');
    expect(res.status).toBe(200);
    expect(rec.requestHeaders).toEqual([
      ['Host', 'proxy.test'],
      ['User-Agent', 'curl/8'],
    ]);
    const sent = rec.backendRequestHeaders!.map(([k]) => k.toLowerCase());
    expect(sent).toContain('x-via-selector');
    expect(sent).not.toContain('user-agent');
  });

  it("Vhosts' __using: the record keeps the Host the client sent", async () => {
    const { send, ss } = await setup();
    const { res, rec } = await send(ss, 'GET /__using/alt.test/x HTTP/1.0\r\nHost: web.test\r\n\r\n');
    expect(res.status).toBe(404); // ws2 has no such file: only the routing matters here
    expect(rec.host).toBe('web.test');
    expect(rec.requestHeaders).toContainEqual(['Host', 'web.test']);
    expect(rec.uri).toBe('/__using/alt.test/x');
    expect(rec.service).toBe('ws2');
  });

  it('a chunked upload: Transfer-Encoding and Expect in the record, Content-Length for the backend', async () => {
    const { send, proxy } = await setup();
    const { res, rec } = await send(
      proxy,
      'POST /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n' +
        '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    expect(res.status).toBe(100);
    expect(rec.status).toBe(200);
    expect(rec.requestHeaders).toEqual([
      ['Host', 'x'],
      ['Transfer-Encoding', 'chunked'],
      ['Expect', '100-continue'],
      ['Connection', 'close'],
    ]);
    const sent = Object.fromEntries(rec.backendRequestHeaders!.map(([k, v]) => [k.toLowerCase(), v]));
    expect(sent['content-length']).toBe('11');
    expect(sent['transfer-encoding']).toBeUndefined();
    expect(sent['expect']).toBeUndefined();
    // Body bytes only, both ways: the 100 Continue and the response head are not counted.
    expect(rec.bytesIn).toBe(11);
    expect(rec.bytesOut).toBe(Number(rec.responseHeaders.find(([k]) => k === 'Content-Length')![1]));
  });
});

describe('request records: route steps', () => {
  it('a hand-off to a web_server adds its service step; the access log names it', async () => {
    const { send, ss } = await setup();
    const { rec } = await send(ss, 'GET /hello.txt HTTP/1.0\r\nHost: web.test\r\n\r\n');
    expect(route(rec)).toEqual(['selector:ss', 'vhost:web.test', 'service:ws']);
    expect(rec.route[2]!.detail).toBe('web_server');
    expect(formatAccessLine(rec)).toMatch(/ ss>ws$/);
  });

  it('a nested selector: both selectors, then the service', async () => {
    const { send, ss } = await setup();
    const { res, rec } = await send(ss, 'GET /hello.txt HTTP/1.0\r\nHost: nested.test\r\n\r\n');
    expect(res.body.toString()).toBe('hello world\n');
    expect(route(rec)).toEqual(['selector:ss', 'vhost:nested.test', 'selector:inner', 'vhost:*', 'service:ws']);
    expect(formatAccessLine(rec)).toMatch(/ ss>inner>ws$/);
  });

  it('a reverse proxy: one service step, behind a selector or on its own listener', async () => {
    const { send, ss, proxy, be } = await setup();
    const routed = await send(ss, 'GET /status HTTP/1.0\r\nHost: proxy.test\r\n\r\n');
    expect(route(routed.rec)).toEqual(['selector:ss', 'vhost:proxy.test', 'service:proxy', 'pool:p', `node:${be.hostport}`]);
    const direct = await send(proxy, 'GET /status HTTP/1.0\r\n\r\n');
    expect(route(direct.rec)).toEqual(['service:proxy', 'pool:p', `node:${be.hostport}`]);
  });
});

describe('request records: bytesIn and bytesOut count body bytes', () => {
  it('a file, a HEAD, a proxied POST', async () => {
    const { send, ss, proxy } = await setup();
    const file = await send(ss, 'GET /hello.txt HTTP/1.0\r\nHost: web.test\r\n\r\n');
    expect([file.rec.bytesIn, file.rec.bytesOut]).toEqual([0, 12]);
    const head = await send(ss, 'HEAD /hello.txt HTTP/1.0\r\nHost: web.test\r\n\r\n');
    expect([head.rec.bytesIn, head.rec.bytesOut]).toEqual([0, 0]);
    const post = await send(proxy, 'POST /status HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello');
    expect(post.rec.bytesIn).toBe(5);
    expect(post.rec.bytesOut).toBe(post.res.body.length);
    expect(post.rec.bytesOut).toBe(Number(header(post.res, 'Content-Length')));
  });
});
