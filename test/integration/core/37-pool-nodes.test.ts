/**
 * A pool's nodes changing while the proxy runs: a `nodefile` that starts empty, is filled,
 * changed and emptied again (re-read when it changes, checked at most every 3 s, as Perlbal's
 * Pool.pm does), and `POOL REMOVE` from the management port with a request in flight.
 * No new request may go to a node that left; a request already there finishes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawOne } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

const GET = 'GET /status HTTP/1.0\r\n\r\n';

function nodefile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-nodefile-'));
  const file = path.join(dir, 'nodes.txt');
  fs.writeFileSync(file, text);
  return file;
}

async function proxyWithNodefile(file: string) {
  return startCore(`
CREATE POOL p
  SET nodefile = ${file}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_backend = on
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
}

/** Send GETs until one is answered by `pred` (bounded: the nodefile is re-read within 3-4 s). */
async function untilAnswered(port: number, pred: (status: number, body: string) => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const res = await rawOne(port, GET, 2000);
    if (pred(res.status, res.body.toString())) return res;
    if (Date.now() > end) throw new Error(`never answered as expected; last: ${res.status} ${res.body.toString()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const servedBy = (be: TestBackend) => (status: number) => status === 200 && be.requests.length > 0;

describe('nodefile', () => {
  it('empty at start: 503 naming the nodefile; served once the file lists a node', async () => {
    const be = await startBackend();
    const file = nodefile('# no nodes yet\n');
    const pb = await proxyWithNodefile(file);
    const port = pb.port('proxy');
    const first = await rawOne(port, GET, 2000);
    expect(first.status).toBe(503);
    expect(first.body.toString()).toContain(`pool 'p' has no nodes (its nodefile ${file} lists none`);
    fs.writeFileSync(file, `${be.hostport}  # the backend\n`);
    const res = await untilAnswered(port, servedBy(be));
    expect(res.body.toString()).toContain('reqnum = 1');
    const m = await pb.manage();
    expect(await m.multi('show pool p')).toContainEqual(expect.stringMatching(new RegExp(`${be.hostport}\\s+1$`)));
  });

  it('nodes changed, then emptied: new requests go to the new node only, then get 503', async () => {
    const a = await startBackend();
    const b = await startBackend();
    const file = nodefile(`${a.hostport}\n`);
    const pb = await proxyWithNodefile(file);
    const port = pb.port('proxy');
    expect((await rawOne(port, GET, 2000)).status).toBe(200);
    // A's connection is kept alive (persist_backend) and would be reused if nothing checked.
    await a.waitFor((x) => x.requests.length === 1 && x.openConnections === 1);
    fs.writeFileSync(file, `${b.hostport}\n`);
    await untilAnswered(port, servedBy(b));
    const seenByA = a.requests.length;
    for (let i = 0; i < 5; i++) expect((await rawOne(port, GET, 2000)).status).toBe(200);
    expect(a.requests.length).toBe(seenByA);
    await a.waitFor((x) => x.openConnections === 0);

    fs.writeFileSync(file, '');
    const gone = await untilAnswered(port, (status) => status === 503);
    expect(gone.body.toString()).toContain("pool 'p' has no nodes");
    const seenByB = b.requests.length;
    expect((await rawOne(port, GET, 2000)).status).toBe(503);
    expect(b.requests.length).toBe(seenByB);
  }, 30_000);
});

describe('POOL REMOVE while running', () => {
  it('the request in flight on the removed node finishes; no new request goes there', async () => {
    const a = await startBackend();
    const b = await startBackend();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    for (const be of [a, b]) {
      be.handle(async (req) => {
        if (req.uri === '/slow') await gate;
        return { status: 200, body: `${be.hostport} ${req.uri}\n`, keepAlive: true };
      });
    }
    const pb = await startCore(`
CREATE POOL p
  POOL p ADD ${a.hostport}
  POOL p ADD ${b.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_backend = on
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
    const port = pb.port('proxy');
    const slow = rawOne(port, 'GET /slow HTTP/1.0\r\n\r\n', 5000);
    const busy = await (async () => {
      const end = Date.now() + 5000;
      while (Date.now() < end) {
        const hit = [a, b].find((x) => x.requests.some((r) => r.uri === '/slow'));
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('the slow request never reached a backend');
    })();
    const other = busy === a ? b : a;
    const m = await pb.manage();
    expect(await m.line(`POOL p REMOVE ${busy.hostport}`)).toBe('OK');
    release();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(`${busy.hostport} /slow\n`);
    // Its connection went back to idle with the node gone: it must not serve anyone again.
    for (let i = 0; i < 8; i++) {
      const r = await rawOne(port, `GET /n${i} HTTP/1.0\r\n\r\n`, 2000);
      expect(r.body.toString()).toBe(`${other.hostport} /n${i}\n`);
    }
    expect(busy.requests.map((r) => r.uri)).toEqual(['/slow']);
    await busy.waitFor((x) => x.openConnections === 0);
    expect(await m.multi('show pool p')).not.toContainEqual(expect.stringContaining(busy.hostport));
  });
});
