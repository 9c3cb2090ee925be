/**
 * Backend connections at run time (inventory 7.2): connect_ahead keeps spare connections
 * open, backend_persist_cache caps the idle ones a busy moment leaves behind, and a connect
 * that is never answered gives a 504 after 5 s (Perlbal kept the client waiting until its
 * idle timeout; docs/compatibility.md).
 */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { startHangingNode } from '../../helpers/hanging-node.js';
import { rawOne } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

async function proxy(nodes: string[], extra: string): Promise<StartedCore> {
  return startCore(`
CREATE POOL p
${nodes.map((n) => `  POOL p ADD ${n}`).join('\n')}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_backend = on
${extra}
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
}

/** Poll `show service proxy` (bounded) until its connect-ahead line reads `bored/ahead`. */
async function untilSpare(pb: StartedCore, want: string): Promise<void> {
  const m = await pb.manage();
  let line = '';
  for (let i = 0; i < 300; i++) {
    line = (await m.multi('show service proxy')).find((l) => l.startsWith(' connect-ahead:')) ?? '';
    if (line === ` connect-ahead: ${want}`) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`connect-ahead never showed ${want}; last: ${JSON.stringify(line)}`);
}

const total = (bes: TestBackend[], f: (b: TestBackend) => number): number => bes.reduce((n, b) => n + f(b), 0);

describe('connect_ahead', () => {
  it('keeps that many spare connections open, and opens another when a request takes one', async () => {
    const bes = [await startBackend(), await startBackend()];
    const pb = await proxy(
      bes.map((b) => b.hostport),
      '  SET connect_ahead = 2',
    );
    // Opened as the service is enabled (Perlbal: at the first request; docs/compatibility.md).
    await untilSpare(pb, '2/2');
    expect(total(bes, (b) => b.connections)).toBe(2);
    const before = bes.map((b) => b.connections);
    const res = await rawOne(pb.port('proxy'), 'GET /status HTTP/1.0\r\n\r\n', 2000);
    expect(res.status).toBe(200);
    // Served over a connection that was open before the request came.
    const [req] = bes.flatMap((b, i) => b.requests.map((r) => ({ r, i })));
    expect(req!.r.connection).toBeLessThanOrEqual(before[req!.i]!);
    // The spare it took is replaced; the used one comes back, and one too many is closed.
    await untilSpare(pb, '2/2');
    expect(total(bes, (b) => b.connections)).toBe(3);
    await Promise.all(bes.map((b) => b.waitFor(() => total(bes, (x) => x.openConnections) === 2)));
  });

  it('SET connect_ahead on a running service opens the spares at once (as Perlbal does)', async () => {
    const bes = [await startBackend(), await startBackend()];
    const pb = await proxy(
      bes.map((b) => b.hostport),
      '',
    );
    expect(total(bes, (b) => b.connections)).toBe(0);
    const m = await pb.manage();
    expect(await m.line('SET proxy.connect_ahead = 2')).toBe('OK');
    await untilSpare(pb, '2/2');
    expect(total(bes, (b) => b.openConnections)).toBe(2);
  });
});

describe('backend_persist_cache', () => {
  for (const cache of [1, 2]) {
    it(`keeps ${cache} idle connection(s) after three requests at once needed three`, async () => {
      const be = await startBackend();
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => (release = r));
      be.handle(async (r) => {
        if (r.uri === '/hold') await gate;
        return { status: 200, body: `${r.uri} on ${r.connection}\n`, keepAlive: true };
      });
      const pb = await proxy([be.hostport], `  SET backend_persist_cache = ${cache}`);
      const port = pb.port('proxy');
      const held = [1, 2, 3].map(() => rawOne(port, 'GET /hold HTTP/1.0\r\n\r\n', 5000));
      await be.waitFor((b) => b.requests.length === 3);
      expect(be.connections).toBe(3);
      release();
      for (const r of await Promise.all(held)) expect(r.status).toBe(200);
      await be.waitFor((b) => b.openConnections === cache);
      await untilSpare(pb, `${cache}/0`);
      // The kept connections serve what comes next; nothing new is opened.
      for (let i = 0; i < 3; i++) expect((await rawOne(port, 'GET /next HTTP/1.0\r\n\r\n', 2000)).status).toBe(200);
      expect(be.connections).toBe(3);
    });
  }
});

describe('connect timeout', () => {
  it('a connect never answered: 504 after 5 s naming the node; the record says why', async () => {
    const node = await startHangingNode();
    const pb = await proxy([node.hostport], '');
    const records: RequestRecord[] = [];
    pb.core.on('request', (r) => records.push(r));
    const res = await rawOne(pb.port('proxy'), 'GET /status HTTP/1.0\r\n\r\n', 10_000);
    expect(res.status).toBe(504);
    expect(res.statusLine).toBe('HTTP/1.0 504 Gateway Timeout');
    expect(res.body.toString()).toContain(
      `Service 'proxy' (pool p, node ${node.hostport}): could not connect to backend ${node.hostport}: the connect was not answered within 5 s`,
    );
    expect(records[0]!.error).toMatchObject({ code: 'PB_ERR_BACKEND_TIMEOUT', syscallCode: 'ETIMEDOUT' });
    expect(records[0]!.tags).toContain('backend-error:ETIMEDOUT');
  });
});
