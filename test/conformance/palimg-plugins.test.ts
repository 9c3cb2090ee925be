/**
 * Palimg with other web_server plugins, against the real Perlbal 1.80. Perlbal's Palimg only
 * rewrites the URI in start_serve_request and lets the web_server go on, so the web_server's
 * later hooks run for palimg requests too: LazyCDN's missing-file and pre-send hand-offs,
 * and Stats' `files_sent` (start_send_file, in plugin order: `stats, palimg` counts a
 * recoloured image, `palimg, stats` doesn't, since Palimg takes the file over first).
 * Recoloured bodies are compared byte for byte; their heads differ on purpose (ETag, no
 * Accept-Ranges: docs/palimg.md).
 */
import { describe, expect, it } from 'vitest';
import { makePalimgDocroot, PALIMG_LASTMOD, PALIMG_MTIME } from '../helpers/palimg-docroot.js';
import { parseResponses, rawRequest, type ParsedResponse } from '../helpers/raw-http.js';
import { havePerlbal, manageBoth, sendBoth, type Server } from './harness.js';
import { expectSameBackendView, startPair, type ProxyPair } from './proxy-pair.js';

const conf = (docroot: string): string => `
SERVER aio_mode = none
LOAD palimg
LOAD LazyCDN
LOAD stats
CREATE POOL origin
  POOL origin ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET pool = origin
  SET connect_ahead = 0
ENABLE proxy
CREATE SERVICE lazy
  SET role = web_server
  SET listen = 127.0.0.1:{{port:lazy}}
  SET docroot = ${docroot}
  SET fallback_service = proxy
  SET plugins = palimg, LazyCDN
ENABLE lazy
CREATE SERVICE counted
  SET role = web_server
  SET listen = 127.0.0.1:{{port:counted}}
  SET docroot = ${docroot}
  SET plugins = stats, palimg
ENABLE counted
CREATE SERVICE palfirst
  SET role = web_server
  SET listen = 127.0.0.1:{{port:palfirst}}
  SET docroot = ${docroot}
  SET plugins = palimg, stats
ENABLE palfirst
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

async function start(): Promise<ProxyPair> {
  // One docroot, read by both.
  const d = makePalimgDocroot();
  const pair = await startPair(
    conf(d.docroot),
    ['backend'],
    ['lazy', 'counted', 'palfirst', 'mgmt'],
  );
  pair.handle((req) => ({ status: 200, body: `origin ${req.uri}\n` }));
  return pair;
}

const get = (uri: string, extra = '', method = 'GET'): string =>
  `${method} ${uri} HTTP/1.0\r\n${extra}\r\n`;

async function one(s: Server, port: string, request: string): Promise<ParsedResponse> {
  const r = await rawRequest(s.port(port), request);
  const all = parseResponses(r.bytes, [request.startsWith('HEAD ')]);
  expect(all, `${s.kind}: ${request}`).toHaveLength(1);
  return all[0]!;
}

/** Status and body bytes the same on both; returns Perlbal's response. */
async function sameImage(pair: ProxyPair, port: string, request: string): Promise<ParsedResponse> {
  const [p, o] = await Promise.all([
    one(pair.servers.perlbal, port, request),
    one(pair.servers.ours, port, request),
  ]);
  expect(o.statusLine, request).toBe(p.statusLine);
  expect(o.body.equals(p.body), `${request}: body bytes`).toBe(true);
  return p;
}

describe.runIf(havePerlbal())('palimg with LazyCDN and Stats vs Perlbal 1.80', () => {
  it('palimg, LazyCDN: a missing image goes to the fallback service, a present one is recoloured', async () => {
    const pair = await start();
    const missing = await sendBoth(pair.servers, 'lazy', get('/palimg/missing.png/ptff8000'));
    expect(missing.ours).toEqual(missing.perlbal);
    expect(missing.perlbal[0]!.body).toBe('origin /palimg/missing.png/ptff8000\n');
    // A version newer than the file (the query of the original request): the origin too.
    const newer = `/palimg/pal4.png/ptff8000?v=${PALIMG_MTIME + 60}`;
    const handed = await sendBoth(pair.servers, 'lazy', get(newer));
    expect(handed.ours).toEqual(handed.perlbal);
    expect(handed.perlbal[0]!.body).toBe(`origin ${newer}\n`);
    expectSameBackendView(pair);
    const present = await sameImage(pair, 'lazy', get('/palimg/pal4.png/ptff8000'));
    expect(present.status).toBe(200);
    expect(pair.backend.ours.requests).toHaveLength(2);
  });

  it('stats, palimg counts recoloured images in files_sent; palimg, stats does not', async () => {
    const pair = await start();
    for (const port of ['counted', 'palfirst']) {
      await sameImage(pair, port, get('/palimg/pal4.png/ptff8000'));
      await sameImage(pair, port, get('/palimg/pal16.gif/pg00ff000001ffffff'));
      await sameImage(pair, port, get('/palimg/pal4.png'));
      // Neither a HEAD, a 304 nor a 404 sends a file.
      const head = await sendBoth(pair.servers, port, get('/palimg/pal4.png/ptff8000', '', 'HEAD'));
      expect(head.ours[0]!.statusLine).toBe(head.perlbal[0]!.statusLine);
      const ims = `If-Modified-Since: ${PALIMG_LASTMOD}\r\n`;
      const nm = await sendBoth(pair.servers, port, get('/palimg/pal4.png/ptff8000', ims));
      expect(nm.perlbal[0]!.statusLine).toBe('HTTP/1.0 304 Not Modified');
      expect(nm.ours[0]!.statusLine).toBe('HTTP/1.0 304 Not Modified');
      const gone = await sendBoth(pair.servers, port, get('/palimg/missing.png/ptff8000'));
      expect(gone.ours).toEqual(gone.perlbal);
    }
    const sessions = {
      perlbal: await pair.servers.perlbal.manage(),
      ours: await pair.servers.ours.manage(),
    };
    const stats = await manageBoth(sessions, pair.servers, 'stats');
    expect([...stats.ours].sort()).toEqual([...stats.perlbal].sort());
    const row = (svc: string, n: number): string =>
      `${svc.padEnd(15)} ${'files_sent'.padEnd(25)} ${String(n).padStart(12)}`;
    expect(stats.perlbal).toContain(row('counted', 3));
    expect(stats.perlbal).toContain(row('palfirst', 1));
  });
});
