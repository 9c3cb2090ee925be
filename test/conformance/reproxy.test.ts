/**
 * Reproxying against the real Perlbal 1.80: X-REPROXY-FILE, X-REPROXY-URL (lists, dead
 * targets, 404 targets, expected size, HEAD, ranges), the reproxy cache (hits, 304, expiry,
 * LRU eviction), max_reproxy_connections and X-REPROXY-SERVICE. Clients must get the same
 * status, headers (Date aside) and body, except for the differences in docs/compatibility.md
 * (If-Modified-Since on X-REPROXY-FILE, chunked targets), which are asserted explicitly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Handler } from '../helpers/test-backend.js';
import { havePerlbal, sendBoth, type Comparable } from './harness.js';
import { converseBoth, expectSameBackendView, SIDES, startPair, type ProxyPair } from './proxy-pair.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-reproxy-conf-'));
const PHRASE = 'foo bar baz, and twenty more\n';
fs.writeFileSync(path.join(dir, 'phrase.txt'), PHRASE);
/** phrase.txt's mtime: 2024-03-01T12:00:00Z. */
const MTIME = Date.UTC(2024, 2, 1, 12) / 1000;
fs.utimesSync(path.join(dir, 'phrase.txt'), MTIME, MTIME);
fs.writeFileSync(path.join(dir, 'empty.txt'), '');

const CONF = `
# A port nothing listens on, for dead reproxy targets: {{port:dead}}
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:{{port:web}}
  SET docroot = ${dir}
  SET persist_client = on
ENABLE web
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_client = on
  SET persist_backend = on
  SET enable_reproxy = on
  SET reproxy_cache_maxsize = 10
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

const get = (uri: string, headers = ''): string => `GET ${uri} HTTP/1.0\r\n${headers}\r\n`;

async function same(pair: ProxyPair, request: string): Promise<Comparable[]> {
  const r = await sendBoth(pair.servers, 'proxy', request);
  expect(r.ours, JSON.stringify(request)).toEqual(r.perlbal);
  expect(r.perlbal.length, JSON.stringify(request)).toBeGreaterThan(0);
  return r.perlbal;
}

describe.runIf(havePerlbal())('reproxying vs Perlbal 1.80', () => {
  it('X-REPROXY-FILE: whole file, ranges, 416, missing and empty files, HEAD', async () => {
    const pair = await startPair(CONF, ['backend'], ['proxy', 'web', 'mgmt']);
    const file = `/reproxy_file:${dir}/phrase.txt`;
    for (const request of [
      get(file),
      get(file, 'Range: bytes=3-6\r\n'),
      get(file, 'Range: bytes=5-\r\n'),
      get(file, `Range: bytes=${PHRASE.length}-\r\n`),
      get(file, 'Range: bytes=6-2\r\n'),
      get(file, 'Range: bytes=0-1,3-4\r\n'),
      get(`/reproxy_file:${dir}/nope.txt`),
      get(`/reproxy_file:${dir}/empty.txt`),
      `HEAD ${file} HTTP/1.0\r\n\r\n`,
    ]) {
      await same(pair, request);
    }
    expectSameBackendView(pair);
  });

  it('X-REPROXY-FILE suffix range: the last N bytes (Perlbal serves 0..N)', async () => {
    const pair = await startPair(CONF, ['backend'], ['proxy', 'web', 'mgmt']);
    const r = await sendBoth(pair.servers, 'proxy', get(`/reproxy_file:${dir}/phrase.txt`, 'Range: bytes=-5\r\n'));
    expect(r.perlbal[0]!.body).toBe(PHRASE.slice(0, 6));
    expect(r.ours[0]!.body).toBe(PHRASE.slice(-5));
  });

  it('X-REPROXY-URL: primary 204 and 200, HEAD, ranges, dead and 404 targets, exhausted lists', async () => {
    const pair = await startPair(CONF, ['backend'], ['proxy', 'web', 'mgmt']);
    const url = 'http://127.0.0.1:{{port:web}}/phrase.txt';
    const statuses: string[] = [];
    for (const request of [
      get(`/reproxy_url:${url}`),
      get(`/reproxy_url204:${url}`),
      `HEAD /reproxy_url:${url} HTTP/1.0\r\n\r\n`,
      get(`/reproxy_url:${url}`, 'Range: bytes=1-3\r\n'),
      get(`/reproxy_url:${url}`, `Range: bytes=${PHRASE.length}-\r\n`),
      get(`/reproxy_url:http://127.0.0.1:{{port:web}}/nope.txt`),
      get('/reproxy_url_multi:{{port:dead}}:{{port:web}}:/phrase.txt'),
      get('/reproxy_url_multi:{{port:web}}:{{port:web}}:/nope.txt'),
      get('/reproxy_url:ftp://example/x'),
    ]) {
      statuses.push((await same(pair, request))[0]!.statusLine);
    }
    expect(statuses).toEqual([
      'HTTP/1.0 200 OK',
      'HTTP/1.0 200 OK',
      'HTTP/1.0 200 OK',
      'HTTP/1.0 206 Partial Content',
      'HTTP/1.0 416 Request range not satisfiable',
      'HTTP/1.0 503 Service Unavailable',
      'HTTP/1.0 200 OK',
      'HTTP/1.0 503 Service Unavailable',
      'HTTP/1.0 503 Service Unavailable',
    ]);
  });

  it('X-REPROXY-EXPECTED-SIZE: a target of another size is skipped', async () => {
    const pair = await startPair(CONF, ['backend'], ['proxy', 'web', 'mgmt']);
    pair.handle((req) => ({
      status: 200,
      headers: [
        ['X-REPROXY-URL', `http://127.0.0.1:${req.uri.slice(1)}/phrase.txt`],
        ['X-REPROXY-EXPECTED-SIZE', req.headers.find(([k]) => k === 'X-Size')?.[1] ?? '0'],
      ],
      body: '',
    }));
    for (const size of [String(PHRASE.length), '3']) {
      const r = await sendBoth(pair.servers, 'proxy', get('/{{port:web}}', `X-Size: ${size}\r\n`));
      expect(r.ours, size).toEqual(r.perlbal);
    }
  });

  it('keeps the client connection alive across reproxied answers', async () => {
    const pair = await startPair(CONF, ['backend'], ['proxy', 'web', 'mgmt']);
    const ka = 'Connection: keep-alive\r\n';
    const conv = await converseBoth(pair, [
      get(`/reproxy_file:${dir}/phrase.txt`, ka),
      get('/reproxy_url:http://127.0.0.1:{{port:web}}/phrase.txt', ka),
      get('/reproxy_url204:http://127.0.0.1:{{port:web}}/phrase.txt', ka),
      get('/status', ka),
    ]);
    expect(conv.ours).toEqual(conv.perlbal);
    expect(conv.ours.closedAfter).toBe(false);
  });

  it('the reproxy cache: a hit skips the backend; 304 for the cached Last-Modified', async () => {
    const pair = await startPair(CONF, ['backend'], ['proxy', 'web', 'mgmt']);
    const uri = '/reproxy_url_cached:30:http://127.0.0.1:{{port:web}}/phrase.txt';
    const host = 'Host: cache.test\r\n';
    await same(pair, get(uri, host));
    // Perlbal writes the cached headers in hash order: compare them as a set.
    const hit = await sendBoth(pair.servers, 'proxy', get(uri, host));
    const norm = (c: Comparable): unknown => ({ ...c, headers: [...c.headers].sort() });
    expect(norm(hit.ours[0]!)).toEqual(norm(hit.perlbal[0]!));
    await same(pair, get(uri, `${host}If-Modified-Since: 199\r\n`));
    expect(pair.backend.ours.requests.length).toBe(pair.backend.perlbal.requests.length);
  });

  it('X-REPROXY-SERVICE: the original request goes to the named service; an unknown name is a 404', async () => {
    const pair = await startPair(CONF, ['backend'], ['proxy', 'web', 'mgmt']);
    pair.handle((req) => ({ status: 200, headers: [['X-REPROXY-SERVICE', req.uri.slice(1)]], body: 'unused' }));
    await same(pair, get('/web'));
    await same(pair, get('/nosuch'));
  });

  it('the reproxy cache: an entry expires after its seconds', async () => {
    const pair = await startPair(CONF, ['backend'], ['proxy', 'web', 'mgmt']);
    const uri = '/reproxy_url_cached:1:http://127.0.0.1:{{port:web}}/phrase.txt';
    const host = 'Host: expiry.test\r\n';
    await same(pair, get(uri, host));
    const hit = await sendBoth(pair.servers, 'proxy', get(uri, host));
    expect(hit.ours[0]!.body).toBe(hit.perlbal[0]!.body);
    expect(pair.backend.ours.requests.length).toBe(1);
    expect(pair.backend.perlbal.requests.length).toBe(1);
    // Past `now + 1` in whole seconds on both sides: the backend is asked again.
    await new Promise((r) => setTimeout(r, 2100));
    await same(pair, get(uri, host));
    expect(pair.backend.ours.requests.length).toBe(2);
    expectSameBackendView(pair);
  });

  it('the reproxy cache: least recently used entries go first at reproxy_cache_maxsize', async () => {
    const pair = await startPair(CONF.replace('reproxy_cache_maxsize = 10', 'reproxy_cache_maxsize = 2'), ['backend'], ['proxy', 'web', 'mgmt']);
    const uri = '/reproxy_url_cached:30:http://127.0.0.1:{{port:web}}/phrase.txt';
    const asked: Record<string, number[]> = { perlbal: [], ours: [] };
    // a, b fill it; a is used (so b is the oldest); c evicts b; b evicts a; then a is a miss.
    for (const name of ['a', 'b', 'a', 'c', 'b', 'a', 'c']) {
      const r = await sendBoth(pair.servers, 'proxy', get(uri, `Host: ${name}.test\r\n`));
      expect(r.ours[0]!.body, name).toBe(PHRASE);
      expect(r.perlbal[0]!.body, name).toBe(PHRASE);
      for (const side of SIDES) asked[side]!.push(pair.backend[side].requests.length);
    }
    expect(asked['ours']).toEqual(asked['perlbal']);
    expect(asked['ours']).toEqual([1, 2, 2, 3, 4, 5, 6]);
    expectSameBackendView(pair);
  });

  it.each(['SERVER max_reproxy_connections = 1', 'SERVER max_reproxy_connections(127.0.0.1) = 1'])(
    '%s: one request at a time reaches the target',
    async (line) => {
      const pair = await startPair(`${line}\n${CONF}`, ['backend', 'target'], ['proxy', 'web', 'mgmt']);
      const peak: Record<string, number> = {};
      for (const side of SIDES) {
        let inFlight = 0;
        peak[side] = 0;
        const slow: Handler = async () => {
          peak[side] = Math.max(peak[side]!, ++inFlight);
          await new Promise((r) => setTimeout(r, 50));
          inFlight--;
          return { status: 200, body: 'photo bytes' };
        };
        pair.backends[side]['target']!.handle(slow);
      }
      pair.handle((req) => ({
        status: 200,
        headers: [['X-REPROXY-URL', `http://127.0.0.1:${req.uri.slice(1)}/photo.jpg`]],
        body: '',
      }));
      const all = await Promise.all(Array.from({ length: 6 }, () => sendBoth(pair.servers, 'proxy', get('/{{port:target}}'), 1000)));
      for (const r of all) {
        expect(r.ours).toEqual(r.perlbal);
        expect(r.ours[0]!.body).toBe('photo bytes');
      }
      expect(peak).toEqual({ perlbal: 1, ours: 1 });
    },
  );

  it('If-Modified-Since on X-REPROXY-FILE: 304 from us, the whole file from Perlbal (a documented difference)', async () => {
    const pair = await startPair(CONF, ['backend'], ['proxy', 'web', 'mgmt']);
    const file = `/reproxy_file:${dir}/phrase.txt`;
    const ims = (t: number): string => `If-Modified-Since: ${new Date(t * 1000).toUTCString()}\r\n`;
    const current = await sendBoth(pair.servers, 'proxy', get(file, ims(MTIME)));
    expect(current.perlbal[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    expect(current.perlbal[0]!.body).toBe(PHRASE);
    expect(current.ours[0]!.statusLine).toBe('HTTP/1.0 304 Not Modified');
    expect(current.ours[0]!.body).toBe('');
    // The headers Perlbal sends, less those describing a body.
    const bodyless = current.perlbal[0]!.headers.filter(([k]) => !/^(content-length|content-type|accept-ranges)$/i.test(k));
    expect(current.ours[0]!.headers).toEqual(bodyless);
    // A date before the file's mtime: the file, as from Perlbal.
    await same(pair, get(file, ims(MTIME - 1)));
  });

  it('a chunked answer from a target: de-chunked by us, the chunk framing as body from Perlbal (a documented difference)', async () => {
    const pair = await startPair(CONF, ['backend', 'target'], ['proxy', 'web', 'mgmt']);
    const wire = '5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n';
    pair.handle(() => ({ raw: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${wire}`, then: 'close' }), 'target');
    pair.handle((req) => ({ status: 200, headers: [['X-REPROXY-URL', `http://127.0.0.1:${req.uri.slice(1)}/c`]], body: '' }));
    const r = await sendBoth(pair.servers, 'proxy', get('/{{port:target}}'));
    expect(r.perlbal[0]!.body).toBe(wire);
    expect(r.ours[0]!.body).toBe('hello, world');
    expect({ ...r.ours[0]!, body: '' }).toEqual({ ...r.perlbal[0]!, body: '' });
    expect(r.ours[0]!.closed).toBe(true);
  });
});
