/**
 * `socks` and `socks summary` with live connections, against the real Perlbal 1.80: a proxy
 * client waiting for its backend, one reproxying, one still sending its body, a keep-alive
 * web client behind a trusted proxy (observed_ip), and a proxy client draining a large answer
 * to a client that doesn't read (write_buf_size). Each line must read the same, word for word,
 * once fds, ages and ephemeral ports are set aside.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ManageClient } from '../helpers/manage-client.js';
import { RawConnection } from '../helpers/raw-http.js';
import { havePerlbal, type Server } from './harness.js';
import { SIDES, startPair, type Side } from './proxy-pair.js';

const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-socks-docroot-'));
fs.writeFileSync(path.join(docroot, 'a.txt'), 'hi\n');

const CONFIG = `
CREATE POOL backends
  POOL backends ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = backends
  SET persist_client = on
  SET enable_reproxy = on
  SET buffer_size = 64m
ENABLE proxy
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:{{port:web}}
  SET docroot = ${docroot}
  SET persist_client = on
  SET always_trusted = on
ENABLE web
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

/**
 * `socks` lines with what differs between any two runs set aside: the fd and age columns,
 * client ports and backends' local ports; `client=<fd>` names the client's URL instead.
 */
function comparableSocks(lines: string[], server: Server): string[] {
  // Perlbal can list a connection closed in the same event-loop pass as `closed`: left out.
  const rows = lines
    .slice(1, -1)
    .map((l) => /^\s*(\d+)\s+\d+s (.*)$/.exec(server.normalise(l))!)
    .filter((m) => !m[2]!.endsWith(': closed'));
  const urlOfFd = new Map(rows.map((m) => [m[1]!, /; (http:\/\/[^;\s]+)/.exec(m[2]!)?.[1] ?? '?']));
  const out = rows.map((m) =>
    m[2]!
      .replace(/open to 127\.0\.0\.1:\d+/, 'open to 127.0.0.1:PEER')
      .replace(/localport=\d+/, 'localport=N')
      .replace(/client=(\d+)/, (_, fd: string) => `client=<${urlOfFd.get(fd)}>`)
      .replace(/write_buf_size=\d+/, 'write_buf_size=N'),
  );
  expect(lines[0]).toBe('   fd    age');
  expect(lines.at(-1)).toBe('.');
  return out.sort();
}

/** Ask `socks` until `ready` holds (connections reach their states in their own time). */
async function socksWhen(m: ManageClient, ready: (text: string) => boolean): Promise<string[]> {
  for (let i = 0; ; i++) {
    const lines = await m.multi('socks');
    if (ready(lines.join('\n')) || i === 200) return lines;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function rawOpen(port: number, request: string): Promise<RawConnection> {
  const c = await RawConnection.open(port);
  onTestFinished(() => c.close());
  c.write(request);
  return c;
}

describe.runIf(havePerlbal())('socks with live connections vs Perlbal 1.80', () => {
  it('describes waiting, reproxying, uploading and keep-alive clients alike', async () => {
    const pair = await startPair(CONFIG, ['backend', 'target']);
    const seen: Record<Side, string[]> = { perlbal: [], ours: [] };
    for (const side of SIDES) {
      const s = pair.servers[side];
      const target = pair.backends[side]['target']!;
      target.handle(() => 'hang');
      pair.backends[side]['backend']!.handle((req) =>
        req.uri === '/rp'
          ? {
              status: 200,
              headers: [['X-REPROXY-URL', `http://127.0.0.1:${target.port}/x`]],
              body: '',
            }
          : 'hang',
      );
      await rawOpen(s.port('proxy'), 'GET /wait HTTP/1.0\r\nHost: q.test\r\n\r\n');
      await rawOpen(s.port('proxy'), 'GET /rp HTTP/1.0\r\nHost: r.test\r\n\r\n');
      await rawOpen(
        s.port('proxy'),
        'POST /up HTTP/1.0\r\nHost: u.test\r\nContent-Length: 100\r\n\r\nabc',
      );
      const web = await rawOpen(
        s.port('web'),
        'GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\nX-Forwarded-For: 127.1.2.3, 127.0.0.9\r\n\r\n',
      );
      await web.read();
      const m = await s.manage();
      const lines = await socksWhen(
        m,
        (t) =>
          t.includes('; reproxying') &&
          t.includes('wait_res; http://q.test/wait') &&
          t.includes('waiting_for=97'),
      );
      seen[side] = comparableSocks(lines, s)
        // The reproxy target's own connection: Perlbal leaves it `sending_req` until the answer
        // comes, ours says `wait_res` once the request is written (a BackendHTTP state, not
        // part of the client lines compared here).
        .map((l) =>
          l.replace(
            /(client=<http:\/\/r\.test\/rp>; uses=0); (?:sending_req|wait_res)$/,
            '$1; <request out>',
          ),
        );
    }
    expect(seen.ours).toEqual(seen.perlbal);
    expect(seen.ours).toContain(
      'Perlbal::ClientProxy(R): open to 127.0.0.1:PEER: localport={{port:proxy}}; reqs=1; wait_res; http://q.test/wait; backend=127.0.0.1:{{port:backend}}',
    );
    expect(seen.ours).toContain(
      'Perlbal::ClientHTTP(R): open to 127.0.0.1:PEER: localport={{port:web}}; observed_ip=127.1.2.3; reqs=1; persist_wait',
    );
  });

  it('shows a client draining a large answer it does not read, and sums its buffer', async () => {
    const pair = await startPair(CONFIG);
    const body = Buffer.alloc(16 * 1024 * 1024, 97);
    // No Content-Length: the answer ends when the backend closes, which detaches it at once.
    const raw = Buffer.concat([
      Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n'),
      body,
    ]);
    pair.handle(() => ({ raw, then: 'close' }));
    const seen: Record<Side, { socks: string[]; summary: string[] }> = {
      perlbal: { socks: [], summary: [] },
      ours: { socks: [], summary: [] },
    };
    for (const side of SIDES) {
      const s = pair.servers[side];
      const sock = net.connect(s.port('proxy'), '127.0.0.1');
      onTestFinished(() => {
        sock.destroy();
      });
      await new Promise((r) => sock.once('connect', r));
      sock.pause();
      sock.write('GET /big HTTP/1.0\r\nHost: b.test\r\n\r\n');
      const m = await s.manage();
      const lines = await socksWhen(m, (t) => t.includes('draining_res'));
      seen[side].socks = comparableSocks(lines, s);
      const size = Number(/write_buf_size=(\d+)/.exec(lines.join('\n'))?.[1]);
      // Most of the 16 MiB is still ours to write: the client reads nothing.
      expect(size, side).toBeGreaterThan(4 * 1024 * 1024);
      seen[side].summary = (await m.multi('socks summary')).map((l) =>
        l.replace(/: [\d.]+k$/, ': Nk'),
      );
      const total = Number(
        /Aggregate write buffer: ([\d.]+)k/.exec((await m.multi('socks summary')).join('\n'))?.[1],
      );
      expect(total * 1024, side).toBeGreaterThan(4 * 1024 * 1024);
    }
    expect(seen.ours).toEqual(seen.perlbal);
    expect(seen.ours.socks).toContain(
      'Perlbal::ClientProxy(RW): open to 127.0.0.1:PEER: localport={{port:proxy}}; reqs=1; draining_res; http://b.test/big; write_buf_size=N',
    );
  });
});
