/**
 * MaxContentLength, XFFExtras and FlvStreaming against the real Perlbal 1.80: the same
 * requests through both, each in front of its own test backend; what the backends received
 * and what the clients got back (Date aside) must match, and so must `plugins` and
 * `dumpconfig`. Deliberate differences (docs/compatibility.md) are asserted separately.
 */
import { describe, expect, it } from 'vitest';
import { havePerlbal, sendBoth, type Comparable } from './harness.js';
import { sameDumpconfig, samePluginsListing } from './plugin-management.js';
import { expectSameBackendView, startPair, type ProxyPair } from './proxy-pair.js';

const MGMT = `
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

const proxyConf = (loads: string, extra: string): string => `
${loads}
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_client = on
  SET connect_ahead = 0
${extra}
ENABLE proxy
${MGMT}`;

async function sameClientView(pair: ProxyPair, request: string): Promise<Comparable[]> {
  const r = await sendBoth(pair.servers, 'proxy', request);
  expect(r.ours, JSON.stringify(request)).toEqual(r.perlbal);
  expect(r.perlbal.length, JSON.stringify(request)).toBeGreaterThan(0);
  return r.perlbal;
}

describe.runIf(havePerlbal())('MaxContentLength vs Perlbal 1.80', () => {
  const conf = proxyConf(
    'LOAD MaxContentLength',
    '  SET max_content_length = 10\n  SET plugins = MaxContentLength',
  );

  it('answers 413 over the limit and passes requests at it', async () => {
    const pair = await startPair(conf);
    const [refused] = await sameClientView(
      pair,
      'POST /status HTTP/1.0\r\nContent-Length: 11\r\n\r\n01234567890',
    );
    expect(refused!.statusLine).toBe('HTTP/1.0 413 ');
    await sameClientView(pair, 'POST /status HTTP/1.0\r\nContent-Length: 10\r\n\r\n0123456789');
    await sameClientView(pair, 'GET /status HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expectSameBackendView(pair);
  });

  it('shows the plugin in `plugins` and the tunable in `dumpconfig`', async () => {
    const pair = await startPair(conf);
    expect(await samePluginsListing(pair.servers)).toContain('proxy MaxContentLength');
    const dump = await sameDumpconfig(pair.servers);
    expect(dump.join('\n')).toContain('  SET max_content_length = 10');
  });
});

describe.runIf(havePerlbal())('XFFExtras vs Perlbal 1.80 (t/78)', () => {
  const conf = proxyConf(
    'LOAD XFFExtras',
    '  SET plugins = XFFExtras\n  SET send_backend_port = yes\n  SET send_backend_proto = yes',
  );

  it('sends X-Forwarded-Port and X-Forwarded-Proto to the backend', async () => {
    const pair = await startPair(conf);
    await sameClientView(pair, 'GET /reflect_request_headers HTTP/1.0\r\nHost: h.test\r\n\r\n');
    const [seen] = expectSameBackendView(pair);
    expect(seen!.head).toContain('X-Forwarded-Port: {{port:proxy}}\r\nX-Forwarded-Proto: http\r\n');
  });

  it('is listed by `plugins` and its tunables by `dumpconfig`', async () => {
    const pair = await startPair(conf);
    expect(await samePluginsListing(pair.servers)).toContain('proxy XFFExtras');
    const dump = (await sameDumpconfig(pair.servers)).join('\n');
    expect(dump).toContain('SET send_backend_port = on');
  });
});

describe.runIf(havePerlbal())('FlvStreaming vs Perlbal 1.80', () => {
  const conf = proxyConf('LOAD FlvStreaming', '  SET plugins = FlvStreaming');
  const file = 'F'.repeat(20) + 'S'.repeat(20);

  /** A backend answering byte ranges like a web server (206 with Content-Range). */
  function rangeBackend(pair: ProxyPair): void {
    pair.handle((req) => {
      if (req.uri.startsWith('/missing')) return { status: 404, body: 'no such video\n' };
      const range = req.headers.find(([k]) => k.toLowerCase() === 'range')?.[1];
      const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
      if (!m) return { status: 200, headers: [['Content-Type', 'video/x-flv']], body: file };
      const from = Number(m[1]);
      return {
        status: 206,
        headers: [
          ['Accept-Ranges', 'bytes'],
          ['Content-Range', `bytes ${from}-${file.length - 1}/${file.length}`],
          ['Content-Type', 'application/octet-stream'],
        ],
        body: file.slice(from),
      };
    });
  }

  it('asks for a range and answers 200 with the FLV header', async () => {
    const pair = await startPair(conf);
    rangeBackend(pair);
    const [res] = await sameClientView(pair, 'GET /v.flv?start=20 HTTP/1.0\r\n\r\n');
    expect(res!.statusLine).toBe('HTTP/1.0 200 OK');
    expect(res!.body).toBe(`FLV\x01\x01\x00\x00\x00\x09\x00\x00\x00\x09${'S'.repeat(20)}`);
    await sameClientView(pair, 'GET /v.flv HTTP/1.0\r\n\r\n');
    await sameClientView(pair, 'GET /v.flv?start=0 HTTP/1.0\r\n\r\n');
    const seen = expectSameBackendView(pair);
    expect(seen[0]!.head).toContain('range: bytes=20-\r\n');
  });

  it('differs on purpose: a non-206 answer passes unchanged', async () => {
    const pair = await startPair(conf);
    rangeBackend(pair);
    const r = await sendBoth(pair.servers, 'proxy', 'GET /missing.flv?start=5 HTTP/1.0\r\n\r\n');
    expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    expect(r.perlbal[0]!.body.startsWith('FLV')).toBe(true);
    expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 404 Not Found');
    expect(r.ours[0]!.body).toBe('no such video\n');
  });
});
