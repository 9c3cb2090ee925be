/**
 * Throttle against the real Perlbal 1.80 (its t/77 is skipped upstream). Each service has its
 * own throttle state and the test backend answers at once, so what a client sees is the
 * plugin's decision: allowed (200), delayed (held before the backend, then 200), banned (the
 * connection closed with no answer), denied while banned or over max_concurrent
 * (`403` "Forbidden."). Durations are never measured: a delayed request is seen waiting in
 * `socks` and absent from the backend, then answered. Perlbal's log lines (stdout, buffered)
 * are not compared; the integration tests check ours.
 */
import { describe, expect, it } from 'vitest';
import { RawConnection } from '../helpers/raw-http.js';
import { havePerlbal, sendBoth, type Comparable, type Server } from './harness.js';
import { backendView, startPair, SIDES, type ProxyPair, type Side } from './proxy-pair.js';

const proxy = (name: string, settings: string): string => `
CREATE SERVICE ${name}
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:${name}}}
  SET pool = p
${settings}
  SET plugins = throttle
ENABLE ${name}
`;

const CONFIG = `
SERVER aio_mode = none
LOAD throttle
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
${proxy('ban', '  SET initial_delay = 2\n  SET ban_threshold = 2')}
${proxy('concurrent', '  SET default_action = allow\n  SET max_concurrent = 1')}
${proxy('paths', '  SET initial_delay = 30\n  SET path_regex = ^/api/')}
${proxy('methods', '  SET initial_delay = 30\n  SET method_regex = ^POST$')}
${proxy('none', '  SET max_concurrent = 0')}
${proxy('logonly', '  SET initial_delay = 30\n  SET ban_threshold = 2\n  SET log_only = on')}
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

const PORTS = ['ban', 'concurrent', 'paths', 'methods', 'none', 'logonly', 'mgmt'];
const get = (uri: string, method = 'GET'): string => `${method} ${uri} HTTP/1.0\r\n\r\n`;

async function start(): Promise<ProxyPair> {
  const pair = await startPair(CONFIG, ['backend'], PORTS);
  pair.handle((req) => ({ status: 200, body: `backend ${req.uri}\n` }));
  return pair;
}

/** The same request to both; the answers must match. */
async function same(pair: ProxyPair, port: string, request: string): Promise<Comparable[]> {
  const r = await sendBoth(pair.servers, port, request);
  expect(r.ours, `${port}: ${JSON.stringify(request)}`).toEqual(r.perlbal);
  return r.perlbal;
}

/** Poll `socks` (bounded) until a client connection of this request shows up. */
async function waitInSocks(s: Server, uri: string): Promise<void> {
  const m = await s.manage();
  for (let i = 0; i < 200; i++) {
    const lines = await m.multi('socks');
    if (lines.some((l) => l.includes(`http://unknown${uri}`))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${s.kind}: ${uri} never appeared in socks`);
}

const uris = (pair: ProxyPair, side: Side): string[] =>
  backendView(pair.backend[side], pair.servers[side]).map((r) => r.head.split(' ')[1]!);

describe.runIf(havePerlbal())('Throttle vs Perlbal 1.80', () => {
  it('allows an unseen IP, delays it when it is back, bans it, then denies it', async () => {
    const pair = await start();
    expect((await same(pair, 'ban', get('/a')))[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    // Within throttle_threshold_seconds: held for initial_delay before it goes on.
    const delayed = await Promise.all(
      SIDES.map(async (side) => {
        const conn = await RawConnection.open(pair.servers[side].port('ban'));
        conn.write(get('/b'));
        await waitInSocks(pair.servers[side], '/b');
        return conn;
      }),
    );
    for (const side of SIDES) expect(uris(pair, side), side).toEqual(['/a']);
    // The second violation reaches ban_threshold: closed with no answer, then 403s.
    const banned = await same(pair, 'ban', get('/c'));
    expect(banned).toEqual([]);
    const denied = await same(pair, 'ban', get('/d'));
    expect(denied[0]!.statusLine).toBe('HTTP/1.0 403 Forbidden');
    expect(denied[0]!.body).toBe('<h1>403 - Forbidden</h1>\nForbidden.\n');
    // The delayed request is answered once its delay is over.
    const answers = await Promise.all(
      delayed.map(async (conn) => {
        try {
          return (await conn.read(10_000)).statusLine;
        } finally {
          conn.close();
        }
      }),
    );
    expect(answers).toEqual(['HTTP/1.0 200 OK', 'HTTP/1.0 200 OK']);
    for (const side of SIDES) expect(uris(pair, side), side).toEqual(['/a', '/b']);
  });

  it('denies a request over max_concurrent, and allows again once the first is done', async () => {
    const pair = await start();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    pair.handle(async (req) =>
      req.uri === '/slow'
        ? (await held, { status: 200, body: 'slow\n' })
        : { status: 200, body: `backend ${req.uri}\n` },
    );
    const slow = SIDES.map(async (side) => {
      const conn = await RawConnection.open(pair.servers[side].port('concurrent'));
      conn.write(get('/slow'));
      return conn;
    });
    for (const side of SIDES) await pair.backend[side].waitFor((b) => b.requests.length === 1);
    const over = await same(pair, 'concurrent', get('/fast'));
    expect(over[0]!.statusLine).toBe('HTTP/1.0 403 Forbidden');
    release();
    for (const conn of await Promise.all(slow)) {
      expect((await conn.read(10_000)).statusLine).toBe('HTTP/1.0 200 OK');
      conn.close();
    }
    expect((await same(pair, 'concurrent', get('/fast')))[0]!.statusLine).toBe('HTTP/1.0 200 OK');
  });

  it('max_concurrent = 0 denies everything', async () => {
    const pair = await start();
    for (const uri of ['/x', '/y'])
      expect((await same(pair, 'none', get(uri)))[0]!.statusLine).toBe('HTTP/1.0 403 Forbidden');
  });

  it('throttles only what path_regex and method_regex select', async () => {
    const pair = await start();
    // Unselected requests pass at once, however often (a throttled one would wait 30 s).
    for (let i = 0; i < 3; i++) {
      expect((await same(pair, 'paths', get('/page')))[0]!.statusLine).toBe('HTTP/1.0 200 OK');
      expect((await same(pair, 'methods', get('/x')))[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    }
    // The first selected request of an unseen IP passes too.
    expect((await same(pair, 'paths', get('/api/x')))[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    for (const side of SIDES) {
      expect(uris(pair, side), side).toEqual([
        '/page',
        '/x',
        '/page',
        '/x',
        '/page',
        '/x',
        '/api/x',
      ]);
    }
  });
});

describe.runIf(havePerlbal())('Throttle: deliberate differences', () => {
  it('log_only never delays, denies or closes (Perlbal still closes at ban_threshold)', async () => {
    const pair = await start();
    // Both let the first two through at once (log_only: no 30 s delay).
    expect((await same(pair, 'logonly', get('/a')))[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    expect((await same(pair, 'logonly', get('/b')))[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    const third = await sendBoth(pair.servers, 'logonly', get('/c'));
    expect(third.perlbal).toEqual([]);
    expect(third.ours[0]!.statusLine).toBe('HTTP/1.0 200 OK');
  });
});
