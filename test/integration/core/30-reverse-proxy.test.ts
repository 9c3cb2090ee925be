/**
 * Perlbal t/30-reverseproxy against ours: three test backends behind one reverse_proxy;
 * persist_client, backend reuse counted by `nodes`, persist_backend switched at run time,
 * parallel backends (subreq), a backend refusing keep-alive, verify_backend, and the 400 for
 * a negative Content-Length.
 */
import { describe, expect, it } from 'vitest';
import { RawConnection, type ParsedResponse } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';
import type { ManageClient } from '../../helpers/manage-client.js';

/**
 * Perlbal::Test::WebClient: `GET /<cmds> HTTP/1.0` with `Connection: keep-alive|close`,
 * reusing the socket while responses are persistent; `reqdone` counts requests on it.
 */
class WebClient {
  keepalive = false;
  reqdone = 0;
  connections = 0;
  #conn: RawConnection | null = null;
  readonly #port: number;

  constructor(port: number) {
    this.#port = port;
  }

  async request(...cmds: string[]): Promise<ParsedResponse> {
    if (!this.#conn || this.#conn.closed) {
      this.#conn = await RawConnection.open(this.#port);
      this.connections++;
      this.reqdone = 0;
    }
    const conn = this.#conn;
    conn.write(`GET /${cmds.join(',')} HTTP/1.0\r\nConnection: ${this.keepalive ? 'keep-alive' : 'close'}\r\n\r\n`);
    const res = await conn.read(10_000);
    const connection = res.headers.find(([k]) => k.toLowerCase() === 'connection')?.[1] ?? '';
    if (/\bkeep-alive\b/i.test(connection)) {
      this.reqdone++;
    } else {
      this.reqdone = 0;
      conn.close();
      this.#conn = null;
    }
    return res;
  }

  close(): void {
    this.#conn?.close();
  }
}

const field = (res: ParsedResponse, name: string): number => Number(new RegExp(`^${name} = (\\d+)$`, 'm').exec(res.body.toString())?.[1] ?? 0);

/** t/30's req_count: the sum of every node's `requests` line from `nodes`. */
async function reqCount(m: ManageClient): Promise<number> {
  let total = 0;
  for (const line of await m.multi('nodes')) total += Number(/\srequests\s(\d+)/.exec(line)?.[1] ?? 0);
  return total;
}

async function setup(): Promise<{ pb: StartedCore; backends: TestBackend[]; m: ManageClient; wc: WebClient }> {
  const backends = [await startBackend({ pidBase: 1000 }), await startBackend({ pidBase: 2000 }), await startBackend({ pidBase: 3000 })];
  const pb = await startCore(`
CREATE POOL a
CREATE SERVICE test
  SET test.role = reverse_proxy
  SET test.listen = 127.0.0.1:0
  SET test.persist_client = 1
  SET test.persist_backend = 1
  SET test.pool = a
  SET test.connect_ahead = 0
ENABLE test
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  const m = await pb.manage();
  for (const b of backends) expect(await m.line(`POOL a ADD ${b.hostport}`)).toBe('OK');
  const wc = new WebClient(pb.port('test'));
  return { pb, backends, m, wc };
}

describe('reverse proxy (t/30)', () => {
  it('persist_client, backend reuse and persist_backend switched at run time', async () => {
    const { m, wc } = await setup();
    let res = await wc.request('status');
    expect(field(res, 'pid')).toBeGreaterThan(0);
    expect(wc.reqdone).toBe(0);
    expect(await reqCount(m)).toBe(1);

    wc.keepalive = true;
    res = await wc.request('status');
    expect(field(res, 'reqnum')).toBe(2);
    expect(wc.reqdone).toBe(1);
    res = await wc.request('status');
    expect(field(res, 'reqnum')).toBe(3);
    expect(wc.reqdone).toBe(2);
    expect(await reqCount(m)).toBe(3);

    expect(await m.line('SET test.persist_backend = 0')).toBe('OK');
    // It is undefined whether existing backend connections go at once: one request flushes them.
    await wc.request('status');
    res = await wc.request('status');
    expect(field(res, 'reqnum')).toBe(1);
    expect(await reqCount(m)).toBe(5);

    expect(await m.line('SET test.persist_backend = 1')).toBe('OK');
    res = await wc.request('status');
    const pid = field(res, 'pid');
    res = await wc.request('status');
    expect(field(res, 'pid')).toBe(pid);
    expect(await reqCount(m)).toBe(7);
    // Every one of those requests went over the one kept-alive client connection.
    expect(wc.connections).toBe(2);
    wc.close();
  });

  it('uses parallel backends, and honours a backend that refuses keep-alive', async () => {
    const { pb, m, wc } = await setup();
    wc.keepalive = true;
    let res = await wc.request(`subreq:${pb.port('test')}`);
    const subpid = field(res, 'subpid');
    expect(subpid).toBeGreaterThan(0);
    expect(subpid).not.toBe(field(res, 'pid'));

    res = await wc.request('keepalive:0', 'status');
    const pid = field(res, 'pid');
    res = await wc.request('keepalive:0', 'status');
    expect(field(res, 'pid')).not.toBe(pid);
    expect(await reqCount(m)).toBe(4);
    expect(wc.connections).toBe(1);
    wc.close();
  });

  it('verify_backend: new backend connections are verified with OPTIONS first', async () => {
    const { m, wc, backends } = await setup();
    wc.keepalive = true;
    expect(await m.line('SET test.persist_backend = 0')).toBe('OK');
    let res = await wc.request('status');
    expect(field(res, 'options')).toBe(0);
    expect(await m.line('SET test.persist_backend = 1')).toBe('OK');
    expect(await m.line('SET test.verify_backend = 1')).toBe('OK');
    res = await wc.request('status');
    expect(field(res, 'options')).toBe(1);
    expect(await reqCount(m)).toBe(2);
    const options = backends.flatMap((b) => b.requests.filter((q) => q.isOptions));
    expect(options.map((q) => q.headText)).toEqual(['OPTIONS * HTTP/1.0\r\nConnection: keep-alive\r\n\r\n']);
    wc.close();
  });

  it('a negative Content-Length is a 400 and never reaches a backend', async () => {
    const { pb, backends } = await setup();
    const conn = await RawConnection.open(pb.port('test'));
    conn.write('POST /status HTTP/1.0\r\nContent-Length: -1\r\n\r\n');
    const res = await conn.read();
    expect(res.status).toBe(400);
    expect(await conn.waitClosed()).toBe(true);
    expect(backends.flatMap((b) => b.requests)).toEqual([]);
  });
});
