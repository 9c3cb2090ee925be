/**
 * The reverse_proxy role against the real Perlbal 1.80: the same client requests through
 * both, each in front of its own test backend, then the bytes each backend received and what
 * each client got back (Date aside) compared. Deliberate differences (docs/compatibility.md)
 * are asserted in their own describe, stating Perlbal's behaviour and ours.
 */
import { describe, expect, it } from 'vitest';
import { havePerlbal, sendBoth, type Comparable } from './harness.js';
import { backendView, converseBoth, expectSameBackendView, nodeStats, startPair, type ProxyPair } from './proxy-pair.js';

const MGMT = `
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

/** One pool on the `backend` test backend and a keep-alive proxy; `extra` lines go in the service. */
const proxyConf = (extra = '', after = ''): string => `
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_client = on
  SET persist_backend = on
  SET connect_ahead = 0
${extra}
ENABLE proxy
${after}
${MGMT}`;

const req = (line: string, headers = ''): string => `${line}\r\n${headers}\r\n`;

async function sameClientView(pair: ProxyPair, request: string): Promise<Comparable[]> {
  const r = await sendBoth(pair.servers, 'proxy', request);
  expect(r.ours, JSON.stringify(request)).toEqual(r.perlbal);
  expect(r.perlbal.length, JSON.stringify(request)).toBeGreaterThan(0);
  return r.perlbal;
}

describe.runIf(havePerlbal())('reverse_proxy vs Perlbal 1.80: what the backend receives', () => {
  it('rewrites headers: XFF replaced, X-Host and X-Forwarded-Host removed, capabilities, HEADER rules', async () => {
    const pair = await startPair(
      proxyConf('  SET enable_reproxy = on', 'HEADER proxy insert X-Added-Header: SomeValue\nHEADER proxy remove User-Agent\n'),
    );
    const request = req(
      'GET /reflect_request_headers HTTP/1.0',
      'User-Agent: foo\r\nX-Forwarded-For: 9.9.9.9\r\nX-Host: evil\r\nX-Forwarded-Host: evil2\r\nHost: h.test\r\n',
    );
    const [res] = await sameClientView(pair, request);
    // Section 16.3 of the inventory: the verified backend view.
    expect(expectSameBackendView(pair)).toEqual([
      {
        connection: 1,
        head: 'GET /reflect_request_headers HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nHost: h.test\r\nConnection: keep-alive\r\nX-Proxy-Capabilities: reproxy-file\r\nx-added-header: somevalue\r\n\r\n',
        body: '',
      },
    ]);
    expect(res!.statusLine).toBe('HTTP/1.0 200 OK');
  });

  it('trusted peers: XFF appended, X-Host kept; blind_proxy touches nothing', async () => {
    const request = req(
      'GET /reflect_request_headers HTTP/1.0',
      'X-Forwarded-For: 9.9.9.9,  8.8.8.8\r\nX-Host: xh\r\nX-Forwarded-Host: xfh\r\nHost: h.test\r\n',
    );
    const trusted = await startPair(proxyConf('  SET always_trusted = on'));
    await sameClientView(trusted, request);
    expect(expectSameBackendView(trusted)[0]!.head).toContain('X-Forwarded-For: 9.9.9.9, 8.8.8.8, 127.0.0.1\r\nX-Host: xh\r\nX-Forwarded-Host: xfh\r\n');
    const blind = await startPair(proxyConf('  SET always_trusted = on\n  SET blind_proxy = on'));
    await sameClientView(blind, request);
    expect(expectSameBackendView(blind)[0]!.head).toContain('X-Forwarded-For: 9.9.9.9,  8.8.8.8\r\nX-Host: xh\r\n');
    const untrustedBlind = await startPair(proxyConf('  SET blind_proxy = on'));
    await sameClientView(untrustedBlind, request);
    expect(expectSameBackendView(untrustedBlind)[0]!.head).not.toContain('X-Host');
  });

  it('Connection: keep-alive or close by persist_backend, replacing the client header in place', async () => {
    for (const persist of ['on', 'off']) {
      const pair = await startPair(proxyConf(`  SET persist_backend = ${persist}`));
      await sameClientView(pair, req('GET /status HTTP/1.0', 'Connection: Keep-Alive\r\nAccept: */*\r\n'));
      await sameClientView(pair, req('GET /reflect_request_headers HTTP/1.1', 'Host: x\r\nTE: trailers\r\nUpgrade: foo\r\nProxy-Connection: keep-alive\r\n'));
      const view = expectSameBackendView(pair);
      const word = persist === 'on' ? 'keep-alive' : 'close';
      expect(view[0]!.head).toBe(`GET /status HTTP/1.0\r\nConnection: ${word}\r\nAccept: */*\r\nX-Forwarded-For: 127.0.0.1\r\n\r\n`);
      // Hop-by-hop headers other than Connection are forwarded unchanged (inventory 7.6).
      expect(view[1]!.head).toContain('TE: trailers\r\nUpgrade: foo\r\nProxy-Connection: keep-alive\r\n');
    }
  });

  it('absolute URIs, HEAD, OPTIONS, duplicate headers and POST bodies', async () => {
    const pair = await startPair(proxyConf());
    await sameClientView(pair, req('GET http://Abs.Example.com:99/reflect_request_headers?x=1 HTTP/1.0', 'Host: other\r\n'));
    await sameClientView(pair, req('OPTIONS /status HTTP/1.0'));
    await sameClientView(pair, req('GET /reflect_request_headers HTTP/1.0', 'x-dup: 1\r\nCookie: a=1\r\nX-Dup: 2\r\nCookie: b=2\r\n'));
    await sameClientView(pair, req('POST /status HTTP/1.0', 'Content-Type: text/plain\r\nContent-Length: 5\r\n') + 'hello');
    await sameClientView(pair, req('PUT /status HTTP/1.1', 'Host: x\r\nConnection: close\r\nContent-Length: 3\r\n') + 'abc');
    // Last: the test backend sends a body even to HEAD, which costs that backend connection.
    await sameClientView(pair, req('HEAD /status HTTP/1.0'));
    const view = expectSameBackendView(pair);
    expect(view[0]!.head).toMatch(/^GET \/reflect_request_headers\?x=1 HTTP\/1\.0\r\nHost: abs\.example\.com\r\n/);
    expect(view.map((v) => v.body)).toEqual(['', '', '', 'hello', 'abc', '']);
  });

  it('a large POST body arrives whole (buffer_backend_connect on and off)', async () => {
    const body = 'x'.repeat(300_000);
    for (const buffer of ['0', '250000']) {
      const pair = await startPair(proxyConf(`  SET buffer_backend_connect = ${buffer}`));
      const r = await sendBoth(pair.servers, 'proxy', req('POST /status HTTP/1.0', `Content-Length: ${body.length}\r\n`) + body, 1000);
      expect(r.ours).toEqual(r.perlbal);
      expect(r.perlbal[0]!.body).toContain(`length = ${body.length}`);
      const view = expectSameBackendView(pair);
      expect(view[0]!.body.length).toBe(body.length);
    }
  });

  it('verify_backend sends exactly OPTIONS <path> HTTP/1.0 with Connection: keep-alive, once per connection', async () => {
    const pair = await startPair(proxyConf('  SET verify_backend = on\n  SET verify_backend_path = /health'));
    const conv = await converseBoth(pair, [req('GET /status HTTP/1.0', 'Connection: keep-alive\r\n'), req('GET /status HTTP/1.0', 'Connection: keep-alive\r\n')]);
    expect(conv.ours).toEqual(conv.perlbal);
    const view = expectSameBackendView(pair);
    expect(view.map((v) => v.head.split('\r\n')[0])).toEqual(['OPTIONS /health HTTP/1.0', 'GET /status HTTP/1.0', 'GET /status HTTP/1.0']);
    expect(view[0]!.head).toBe('OPTIONS /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(conv.perlbal.responses.map((r) => r.body)).toEqual([
      'pid = 1\nreqnum = 2\nmethod = GET\nlength = 0\nbuffered = \noptions = 1\n',
      'pid = 1\nreqnum = 3\nmethod = GET\nlength = 0\nbuffered = \noptions = 1\n',
    ]);
    expect(await nodeStats(pair.servers.ours)).toEqual(await nodeStats(pair.servers.perlbal));
  });

  it('error retries: a 500 to a GET is retried on new, re-verified connections; the last 500 is passed on', async () => {
    const pair = await startPair(proxyConf('  SET verify_backend = on\n  SET enable_error_retries = on\n  SET error_retry_schedule = 0,0'));
    pair.handle((r) => (r.uri === '/e500' ? { status: 500, reason: 'Internal Server Error', body: 'boom\n' } : undefined));
    const r = await sameClientView(pair, req('GET /e500 HTTP/1.0'));
    expect(r[0]!.statusLine).toBe('HTTP/1.0 500 Internal Server Error');
    const view = expectSameBackendView(pair);
    expect(view.map((v) => `${v.connection} ${v.head.split('\r\n')[0]}`)).toEqual([
      '1 OPTIONS * HTTP/1.0',
      '1 GET /e500 HTTP/1.0',
      '2 OPTIONS * HTTP/1.0',
      '2 GET /e500 HTTP/1.0',
      '3 OPTIONS * HTTP/1.0',
      '3 GET /e500 HTTP/1.0',
    ]);
    // A POST is never retried.
    await sameClientView(pair, req('POST /e500 HTTP/1.0', 'Content-Length: 1\r\n') + 'x');
    expectSameBackendView(pair);
    expect(await nodeStats(pair.servers.ours)).toEqual(await nodeStats(pair.servers.perlbal));
  });

  it('max_backend_uses = 2 serves three requests per backend connection', async () => {
    const pair = await startPair(proxyConf('  SET max_backend_uses = 2'));
    const ka = req('GET /status HTTP/1.1', 'Host: x\r\n');
    const conv = await converseBoth(pair, [ka, ka, ka, ka, ka]);
    expect(conv.ours).toEqual(conv.perlbal);
    expect(conv.perlbal.closedAfter).toBe(false);
    const view = expectSameBackendView(pair);
    expect(view.map((v) => v.connection)).toEqual([1, 1, 1, 2, 2]);
    const stats = await nodeStats(pair.servers.perlbal);
    expect(stats).toEqual(expect.arrayContaining(['127.0.0.1:{{port:backend}} requests 5', '127.0.0.1:{{port:backend}} connects 2']));
    expect(await nodeStats(pair.servers.ours)).toEqual(stats);
  });

  it('honours a backend that will not keep alive, and reuses one that does even when asked to close', async () => {
    const pair = await startPair(proxyConf());
    const conv = await converseBoth(pair, [
      req('GET /keepalive:0,status HTTP/1.0', 'Connection: keep-alive\r\n'),
      req('GET /keepalive:0,status HTTP/1.0', 'Connection: keep-alive\r\n'),
    ]);
    expect(conv.ours).toEqual(conv.perlbal);
    expect(expectSameBackendView(pair).map((v) => v.connection)).toEqual([1, 2]);
    // persist_backend only changes the header Perlbal sends (inventory 7.2).
    const off = await startPair(proxyConf('  SET persist_backend = off'));
    off.handle(() => ({ status: 200, body: 'kept\n', keepAlive: true }));
    const conv2 = await converseBoth(off, [req('GET /a HTTP/1.0', 'Connection: keep-alive\r\n'), req('GET /b HTTP/1.0', 'Connection: keep-alive\r\n')]);
    expect(conv2.ours).toEqual(conv2.perlbal);
    expect(expectSameBackendView(off).map((v) => v.connection)).toEqual([1, 1]);
  });
});

describe.runIf(havePerlbal())('reverse_proxy vs Perlbal 1.80: what the client gets', () => {
  it('keep-alive on both sides: one client connection, one backend connection, HTTP/1.0 answers', async () => {
    const pair = await startPair(proxyConf());
    const conv = await converseBoth(pair, [
      req('GET /status HTTP/1.1', 'Host: x\r\n'),
      req('GET /status HTTP/1.0', 'Connection: keep-alive\r\n'),
      req('POST /status HTTP/1.1', 'Host: x\r\nContent-Length: 2\r\n') + 'hi',
      req('GET /status HTTP/1.1', 'Host: x\r\nConnection: close\r\n'),
    ]);
    expect(conv.ours).toEqual(conv.perlbal);
    const [first] = conv.perlbal.responses;
    expect(first).toEqual({
      statusLine: 'HTTP/1.0 200 OK',
      headers: [
        ['Connection', 'keep-alive'],
        ['Content-Length', '67'],
        ['Content-Type', 'text/plain'],
        ['Keep-Alive', 'timeout=30, max=100'],
      ],
      body: 'pid = 1\nreqnum = 1\nmethod = GET\nlength = 0\nbuffered = \noptions = 0\n',
      closed: false,
    });
    expect(conv.perlbal.closedAfter).toBe(true);
    for (const side of ['perlbal', 'ours'] as const) expect(pair.backend[side].connections).toBe(1);
    expect(expectSameBackendView(pair).map((v) => v.connection)).toEqual([1, 1, 1, 1]);
  });

  it('HEAD: no body to the client, though the test backend sends one (the backend connection is then dropped)', async () => {
    const pair = await startPair(proxyConf());
    const [res] = await sameClientView(pair, req('HEAD /status HTTP/1.1', 'Host: x\r\n'));
    expect(res!.headers).toContainEqual(['Content-Length', '68']);
    expect(res!.body).toBe('');
    expectSameBackendView(pair);
  });

  it('persist_client off: Connection: close to the client, the backend connection still reused', async () => {
    const pair = await startPair(proxyConf('  SET persist_client = off'));
    for (let i = 0; i < 2; i++) {
      const [res] = await sameClientView(pair, req('GET /status HTTP/1.1', 'Host: x\r\n'));
      expect(res!.closed).toBe(true);
    }
    expect(expectSameBackendView(pair).map((v) => v.connection)).toEqual([1, 1]);
  });

  it('passes backend responses through: reason text, Set-Cookie, Keep-Alive replaced, chunked, no length, 204, 304', async () => {
    const pair = await startPair(proxyConf());
    pair.handle((r) => {
      switch (r.uri) {
        case '/fine':
          return { raw: 'HTTP/1.1 200 Fine\r\nContent-Length: 2\r\nKeep-Alive: timeout=5\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nok', then: 'keep' };
        case '/chunked':
          return { raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', then: 'close' };
        case '/nolength':
          return { raw: 'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\nuntil close', then: 'close' };
        case '/emptyreason':
          // An empty reason phrase: Perlbal's own text takes its place.
          return { raw: 'HTTP/1.1 404 \r\nContent-Length: 2\r\n\r\nno', then: 'close' };
        case '/created':
          return { raw: 'HTTP/1.0 201 Created\r\nContent-Length: 0\r\nLocation: /x\r\n\r\n', then: 'close' };
        case '/nocontent':
          return { raw: 'HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n', then: 'keep' };
        case '/notmod':
          return { raw: 'HTTP/1.0 304 Not Modified\r\nETag: "x"\r\nConnection: keep-alive\r\n\r\n', then: 'keep' };
        default:
          return undefined;
      }
    });
    for (const uri of ['/fine', '/chunked', '/nolength', '/emptyreason', '/created', '/nocontent', '/notmod']) {
      await sameClientView(pair, req(`GET ${uri} HTTP/1.1`, 'Host: x\r\n'));
    }
    const [fine] = await sameClientView(pair, req('GET /fine HTTP/1.1', 'Host: x\r\n'));
    expect(fine!.statusLine).toBe('HTTP/1.0 200 Fine');
    expect(fine!.headers).toEqual([
      ['Content-Length', '2'],
      ['Keep-Alive', 'timeout=30, max=100'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['Connection', 'keep-alive'],
    ]);
    expectSameBackendView(pair);
  });

  it('a negative Content-Length is a 400', async () => {
    const pair = await startPair(proxyConf());
    const r = await sendBoth(pair.servers, 'proxy', req('POST /status HTTP/1.0', 'Content-Length: -1\r\n'));
    expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 400 Bad request');
    expect(r.perlbal[0]!.body).toBe("<h1>400 - Bad request</h1>\nInvalid request: Content-Length < 0");
    expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 400 Bad request');
    expect(pair.backend.perlbal.requests).toHaveLength(0);
    expect(pair.backend.ours.requests).toHaveLength(0);
  });

  it('a POST followed by an extra CRLF and a second request on a keep-alive connection: both answered', async () => {
    const pair = await startPair(proxyConf());
    await sameClientView(pair, req('POST /status HTTP/1.0', 'Connection: keep-alive\r\nContent-Length: 3\r\n') + 'abc\r\n' + req('GET /status HTTP/1.0'));
    expect(expectSameBackendView(pair).map((v) => v.body)).toEqual(['abc', '']);
  });
});

describe.runIf(havePerlbal())('reverse_proxy behind a Vhosts selector vs Perlbal 1.80', () => {
  const selectorConf = (selectorExtra = ''): string => `
LOAD vhosts
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE web_proxy
  SET role = reverse_proxy
  SET pool = p
  SET persist_backend = on
  SET enable_reproxy = on
ENABLE web_proxy
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:{{port:proxy}}
  SET plugins = vhosts
  SET persist_client = on
${selectorExtra}
  VHOST *.lj.test = web_proxy
ENABLE ss
HEADER ss insert X-Via-Selector: ss
${MGMT}`;

  it('the backend sees the same request, HEADER rules of the selector included; keep-alive is the selector\'s', async () => {
    const pair = await startPair(selectorConf());
    const conv = await converseBoth(pair, [
      req('GET /reflect_request_headers HTTP/1.1', 'Host: www.lj.test\r\nUser-Agent: t\r\n'),
      req('POST /status HTTP/1.1', 'Host: foo.lj.test\r\nContent-Length: 3\r\n') + 'abc',
      req('GET /status HTTP/1.1', 'Host: www.lj.test\r\nConnection: close\r\n'),
    ]);
    expect(conv.ours).toEqual(conv.perlbal);
    expect(conv.perlbal.closedAfter).toBe(true);
    const view = expectSameBackendView(pair);
    expect(view.map((v) => v.connection)).toEqual([1, 1, 1]);
    expect(view[0]!.head).toContain('x-via-selector: ss');
  });
});

describe.runIf(havePerlbal())('reverse_proxy: where ours differs from Perlbal 1.80 on purpose', () => {
  it('pipelined GETs: Perlbal loses the first answer and sends a 400; ours answers both in order', async () => {
    const pair = await startPair(proxyConf());
    const two = req('GET /status HTTP/1.1', 'Host: x\r\n') + req('GET /status HTTP/1.1', 'Host: x\r\n');
    const r = await sendBoth(pair.servers, 'proxy', two);
    expect(r.perlbal.map((x) => x.statusLine)).toEqual(['HTTP/1.0 400 Bad request']);
    expect(r.perlbal[0]!.body).toBe("<h1>400 - Bad request</h1>\nCan't pipeline to HTTP/1.0");
    expect(r.perlbal[0]!.closed).toBe(true);
    expect(r.ours.map((x) => x.statusLine)).toEqual(['HTTP/1.0 200 OK', 'HTTP/1.0 200 OK']);
    expect(r.ours.map((x) => x.body.split('\n')[1])).toEqual(['reqnum = 1', 'reqnum = 2']);
    expect(pair.backend.ours.requests.map((q) => q.requestLine)).toEqual(['GET /status HTTP/1.0', 'GET /status HTTP/1.0']);
  });

  it('bytes after a POST body (t/32): both answer the POST; Perlbal forwards a glued-on `aGET` as a request, ours refuses it', async () => {
    const pair = await startPair(proxyConf());
    for (const sep of ['\r\n', '']) {
      const data = req('POST /status HTTP/1.0', 'Connection: keep-alive\r\nContent-Length: 10\r\n') + `foo=569789a${sep}` + req('GET /kill:1:USR1,status HTTP/1.0');
      const r = await sendBoth(pair.servers, 'proxy', data, 1000);
      expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 200 OK');
      expect(r.ours[0]?.statusLine, JSON.stringify(sep)).toBe('HTTP/1.0 200 OK');
    }
    const line = (v: { head: string; body: string }): string => `${v.head.split('\r\n')[0]} ${v.body}`;
    // Perlbal's methods are any \w+: `aGET` reaches the backend (whose own parser then refuses it).
    expect(backendView(pair.backend.perlbal, pair.servers.perlbal).map(line)).toEqual([
      'POST /status HTTP/1.0 foo=569789',
      'POST /status HTTP/1.0 foo=569789',
      'aGET /kill:1:USR1,status HTTP/1.0 ',
    ]);
    expect(backendView(pair.backend.ours, pair.servers.ours).map(line)).toEqual(['POST /status HTTP/1.0 foo=569789', 'POST /status HTTP/1.0 foo=569789']);
    expect(pair.backend.perlbal.signals).toEqual([]);
    expect(pair.backend.ours.signals).toEqual([]);
  });

  it('a dead backend: Perlbal closes silently at idle_timeout; ours answers 502 or 504 at once', async () => {
    const conf = proxyConf('  SET idle_timeout = 2').replace('{{port:backend}}', '{{port:dead}}');
    const pair = await startPair(conf);
    const r = await sendBoth(pair.servers, 'proxy', req('GET /status HTTP/1.0'), 9000);
    expect(r.perlbal).toEqual([]);
    expect(r.ours).toHaveLength(1);
    expect(r.ours[0]!.statusLine).toMatch(/^HTTP\/1\.0 50[24] /);
  });

  it('a backend that closes without answering, or sends a garbage status line: silence versus 502', async () => {
    const pair = await startPair(proxyConf('  SET idle_timeout = 2'));
    pair.handle((r) => (r.uri === '/close' ? 'close' : { raw: 'HTTP/1.1 abc Fine\r\nContent-Length: 2\r\n\r\nok', then: 'close' }));
    for (const uri of ['/close', '/garbage']) {
      const r = await sendBoth(pair.servers, 'proxy', req(`GET ${uri} HTTP/1.0`), 9000);
      expect(r.perlbal, uri).toEqual([]);
      expect(r.ours[0]?.statusLine, uri).toMatch(/^HTTP\/1\.0 502\b/);
    }
  });

  // Ours accepts it; the reason is then Perlbal's own text, as for an empty reason phrase.
  it('a status line without a reason phrase: Perlbal cannot parse it (silence); ours passes it on with its own reason', async () => {
    const pair = await startPair(proxyConf('  SET idle_timeout = 2'));
    pair.handle(() => ({ raw: 'HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok', then: 'close' }));
    const r = await sendBoth(pair.servers, 'proxy', req('GET /noreason HTTP/1.0'), 9000);
    expect(r.perlbal).toEqual([]);
    expect(r.ours[0]?.statusLine).toBe('HTTP/1.0 200 OK');
    expect(r.ours[0]?.body).toBe('ok');
  });

  it('a backend response with both Transfer-Encoding and Content-Length: Perlbal drops the length and relays the chunks; ours refuses it with 502', async () => {
    const pair = await startPair(proxyConf());
    pair.handle(() => ({ raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n5\r\nhello\r\n0\r\n\r\n', then: 'close' }));
    const r = await sendBoth(pair.servers, 'proxy', req('GET /te-and-cl HTTP/1.1', 'Host: x\r\n'));
    expect(r.perlbal).toEqual([
      { statusLine: 'HTTP/1.0 200 OK', headers: [['Transfer-Encoding', 'chunked'], ['Connection', 'close']], body: '5\r\nhello\r\n0\r\n\r\n', closed: true },
    ]);
    expect(r.ours[0]?.statusLine).toBe('HTTP/1.0 502 Bad Gateway');
  });

  it('a chunked request body without buffer_uploads: Perlbal refuses with 400, ours de-chunks it for the backend', async () => {
    const pair = await startPair(proxyConf());
    const chunked = req('POST /status HTTP/1.1', 'Host: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n') + '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n';
    const r = await sendBoth(pair.servers, 'proxy', chunked);
    expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 400 Bad request');
    expect(r.perlbal[0]!.body).toBe("<h1>400 - Bad request</h1>\nCan't pipeline to HTTP/1.0");
    expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    const [seen] = pair.backend.ours.requests;
    expect(seen!.body.toString()).toBe('hello world');
    expect(seen!.headers).toContainEqual(['Content-Length', '11']);
    expect(seen!.headers.map(([k]) => k.toLowerCase())).not.toContain('transfer-encoding');
  });

  it('malformed requests: Perlbal closes without a word, ours answers 400; the backend sees neither', async () => {
    const pair = await startPair(proxyConf());
    for (const bad of [req('GET /status HTTP/1.1'), 'GET /status\r\n\r\n', req('GET /status HTTP/1.0', 'NoColonHere\r\n'), req('GET /status HTTP/1.0', 'X-A: 1\r\n  folded\r\n')]) {
      const r = await sendBoth(pair.servers, 'proxy', bad);
      if (!bad.includes('folded')) expect(r.perlbal, JSON.stringify(bad)).toEqual([]);
      expect(r.ours[0]?.statusLine, JSON.stringify(bad)).toBe('HTTP/1.0 400 Bad request');
    }
    expect(pair.backend.ours.requests).toHaveLength(0);
  });

  it('header values: Perlbal forwards trailing whitespace, ours trims it (llhttp)', async () => {
    const pair = await startPair(proxyConf());
    await sendBoth(pair.servers, 'proxy', req('GET /status HTTP/1.0', 'X-Pad: padded  \r\n'));
    expect(pair.backend.perlbal.requests[0]!.headers).toContainEqual(['X-Pad', 'padded  ']);
    expect(pair.backend.ours.requests[0]!.headers).toContainEqual(['X-Pad', 'padded']);
  });
});
