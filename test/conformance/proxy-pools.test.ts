/**
 * Pools whose nodes change while running, against the real Perlbal 1.80: a nodefile that
 * lists nodes (the same as Perlbal), one that starts empty (Perlbal never reads it again), and
 * POOL REMOVE with an idle keep-alive connection to the removed node (Perlbal keeps using it).
 * The last two are deliberate differences (docs/compatibility.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawOne } from '../helpers/raw-http.js';
import { startBackend, type TestBackend } from '../helpers/test-backend.js';
import { havePerlbal, sendBoth, startBoth } from './harness.js';
import { SIDES, startPair, type Side } from './proxy-pair.js';

const MGMT = `
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

const GET = 'GET /status HTTP/1.0\r\nConnection: keep-alive\r\n\r\n';

/** One backend per side and a nodefile per side, named after that side's backend port. */
async function nodefilePair(initial: (be: TestBackend) => string, extra = '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-nodefile-conf-'));
  const backend = { perlbal: await startBackend(), ours: await startBackend() } as Record<Side, TestBackend>;
  const file = (side: Side): string => path.join(dir, `nodes-${backend[side].port}.txt`);
  for (const side of SIDES) fs.writeFileSync(file(side), initial(backend[side]));
  const servers = await startBoth(
    `
CREATE POOL p
  SET nodefile = ${dir}/nodes-{{port:backend}}.txt
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_backend = on
${extra}
ENABLE proxy
${MGMT}`,
    ['proxy', 'mgmt'],
    { perlbal: { ports: { backend: backend.perlbal.port } }, ours: { ports: { backend: backend.ours.port } } },
  );
  return { servers, backend, file };
}

describe.runIf(havePerlbal())('pools vs Perlbal 1.80', () => {
  it('a nodefile with a node (comments, default port rules): the same answers and the same backend view', async () => {
    const pair = await nodefilePair((be) => `# web nodes\n${be.hostport} # first\n`);
    const r = await sendBoth(pair.servers, 'proxy', GET);
    expect(r.ours).toEqual(r.perlbal);
    expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 200 OK');
    const heads = (side: Side) => pair.backend[side].requests.map((q) => q.headText);
    expect(heads('ours')).toEqual(heads('perlbal'));
  });

  it('a nodefile empty at start and filled later: Perlbal never reads it again (silence); ours serves', async () => {
    const pair = await nodefilePair(() => '', '  SET idle_timeout = 2');
    for (const side of SIDES) fs.writeFileSync(pair.file(side), `${pair.backend[side].hostport}\n`);
    // Ours re-reads it within 3-4 s (when it changed, checked at most every 3 s).
    const end = Date.now() + 10_000;
    let status = 0;
    while (status !== 200 && Date.now() < end) {
      status = (await rawOne(pair.servers.ours.port('proxy'), GET, 2000)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    const r = await sendBoth(pair.servers, 'proxy', GET, 9000);
    expect(r.perlbal).toEqual([]);
    expect(pair.backend.perlbal.connections).toBe(0);
    expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 200 OK');
  });

  it('POOL REMOVE: Perlbal keeps sending to the removed node over its idle connection; ours does not', async () => {
    const pair = await startPair(
      `
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:a}}
  POOL p ADD 127.0.0.1:{{port:b}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_backend = on
ENABLE proxy
${MGMT}`,
      ['a', 'b'],
    );
    const uris: Record<Side, Record<'removed' | 'kept', string[]>> = { perlbal: { removed: [], kept: [] }, ours: { removed: [], kept: [] } };
    for (const side of SIDES) {
      const s = pair.servers[side];
      const { a, b } = pair.backends[side];
      expect((await rawOne(s.port('proxy'), GET, 3000)).status).toBe(200);
      const removed = a!.requests.length ? a! : b!;
      const kept = removed === a ? b! : a!;
      const m = await s.manage();
      expect(await m.line(`POOL p REMOVE ${removed.hostport}`)).toBe('OK');
      for (let i = 0; i < 3; i++) expect((await rawOne(s.port('proxy'), `GET /after${i} HTTP/1.0\r\n\r\n`, 3000)).status).toBe(200);
      uris[side] = { removed: removed.requests.map((q) => q.uri), kept: kept.requests.map((q) => q.uri) };
    }
    expect(uris.perlbal).toEqual({ removed: ['/status', '/after0', '/after1', '/after2'], kept: [] });
    expect(uris.ours).toEqual({ removed: ['/status'], kept: ['/after0', '/after1', '/after2'] });
  });
});
