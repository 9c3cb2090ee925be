/**
 * AutoRemoveLeadingDir and LazyCDN against the real Perlbal 1.80: the same requests to a
 * web_server on both (one shared, read-only docroot ending in `/stc`), LazyCDN's fallback a
 * reverse_proxy in front of each side's own test backend. Deliberate differences
 * (docs/compatibility.md) are asserted in their own describe.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { havePerlbal, sendBoth, type Comparable } from './harness.js';
import { converse, expectSameBackendView, startPair, type ProxyPair } from './proxy-pair.js';
import { sameDumpconfig, samePluginsListing } from './plugin-management.js';

const MTIME = 1_000_000_000;

function stcDocroot(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-stc-'));
  onTestFinished(() => fs.rmSync(base, { recursive: true, force: true }));
  const stc = path.join(base, 'htdocs', 'stc');
  for (const [name, body] of [
    ['img/a.txt', 'image a\n'],
    ['b.css', 'b{}\n'],
    ['c.css', 'c{}\n'],
    ['stc-old.css', 'old\n'],
  ]) {
    fs.mkdirSync(path.dirname(path.join(stc, name!)), { recursive: true });
    fs.writeFileSync(path.join(stc, name!), body!);
    fs.utimesSync(path.join(stc, name!), MTIME, MTIME);
  }
  return stc;
}

const conf = (docroot: string): string => `
SERVER aio_mode = none
LOAD AutoRemoveLeadingDir
LOAD LazyCDN
CREATE POOL origin
  POOL origin ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET pool = origin
  SET persist_client = on
  SET connect_ahead = 0
ENABLE proxy
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:{{port:web}}
  SET docroot = ${docroot}
  SET persist_client = on
  SET enable_concatenate_get = on
  SET fallback_service = proxy
  SET plugins = AutoRemoveLeadingDir, LazyCDN
ENABLE web
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

const get = (uri: string): string => `GET ${uri} HTTP/1.0\r\n\r\n`;

async function same(pair: ProxyPair, request: string): Promise<Comparable> {
  const r = await sendBoth(pair.servers, 'web', request);
  expect(r.ours, JSON.stringify(request)).toEqual(r.perlbal);
  expect(r.perlbal).toHaveLength(1);
  return r.perlbal[0]!;
}

async function start(): Promise<ProxyPair> {
  const pair = await startPair(conf(stcDocroot()), ['backend'], ['web', 'mgmt']);
  pair.handle((req) => ({ status: 200, body: `origin ${req.uri}\n` }));
  return pair;
}

describe.runIf(havePerlbal())('AutoRemoveLeadingDir and LazyCDN vs Perlbal 1.80', () => {
  it('serves /stc/... from the docroot, lists included', async () => {
    const pair = await start();
    expect((await same(pair, get('/stc/img/a.txt'))).body).toBe('image a\n');
    expect((await same(pair, get('/img/a.txt'))).body).toBe('image a\n');
    expect((await same(pair, get('/stc/??b.css,c.css'))).body).toBe('b{}\nc{}\n');
  });

  it('hands missing and outdated files to the fallback service', async () => {
    const pair = await start();
    expect((await same(pair, get('/stc/missing.css?x=1'))).body).toBe(
      'origin /stc/missing.css?x=1\n',
    );
    expect((await same(pair, get(`/b.css?v=${MTIME + 1}`))).body).toBe(
      `origin /b.css?v=${MTIME + 1}\n`,
    );
    expect((await same(pair, get(`/b.css?v=${MTIME}`))).body).toBe('b{}\n');
    expect((await same(pair, get('/??b.css,gone.css'))).body).toBe('origin /??b.css,gone.css\n');
    expect((await same(pair, get(`/??b.css,c.css?v=${MTIME + 9}`))).body).toBe(
      `origin /??b.css,c.css?v=${MTIME + 9}\n`,
    );
    expectSameBackendView(pair);
  });

  it('lists both plugins in `plugins` and the tunables in `dumpconfig`', async () => {
    const pair = await start();
    expect(await samePluginsListing(pair.servers)).toContain('web AutoRemoveLeadingDir LazyCDN');
    expect((await sameDumpconfig(pair.servers)).join('\n')).toContain(
      'SET fallback_service = proxy',
    );
  });
});

describe.runIf(havePerlbal())('AutoRemoveLeadingDir and LazyCDN: deliberate differences', () => {
  it('removes the leading directory only as a whole segment', async () => {
    const pair = await start();
    const r = await sendBoth(pair.servers, 'web', get('/stc-old.css'));
    expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 403 Forbidden');
    expect(r.perlbal[0]!.body).toContain('Bogus URL');
    expect(r.ours[0]!.body).toBe('old\n');
  });

  it('brings a kept-alive connection back to the web server after a hand-off', async () => {
    const pair = await start();
    const requests = ['/missing.css', '/b.css'].map(
      (u) => `GET ${u} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`,
    );
    const perlbal = await converse(pair.servers.perlbal, requests, 'web');
    const ours = await converse(pair.servers.ours, requests, 'web');
    // Perlbal: the connection now belongs to the proxy, so /b.css goes to the origin too.
    expect(perlbal.responses.map((r) => r.body)).toEqual([
      'origin /missing.css\n',
      'origin /b.css\n',
    ]);
    expect(ours.responses.map((r) => r.body)).toEqual(['origin /missing.css\n', 'b{}\n']);
  });
});
