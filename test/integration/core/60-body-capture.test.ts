/**
 * Body capture for the request inspector, on real sockets: with core.recordBodyBytes set,
 * each record comes with the first bytes of the request body the client sent and of the
 * response body it got (after the head; a relayed chunked body with its framing), cut at the
 * cap with the full size kept; nothing is captured when the cap is 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import type { RecordBodies } from '../../../proxy-core/src/node/record/body-tap.js';
import { rawOne, rawRequest, RawConnection } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

let be: TestBackend;
let target: TestBackend;
let pb: StartedCore;
let dir: string;
let seen: Array<{ record: RequestRecord; bodies: RecordBodies | undefined }>;

const CAP = 1024;

beforeEach(async () => {
  be = await startBackend();
  target = await startBackend();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bodies-'));
  fs.writeFileSync(path.join(dir, 'small.txt'), 'hello, file\n');
  fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(300 * 1024, 7));
  pb = await startCore(`
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${dir}
  SET enable_put = on
  SET persist_client = on
ENABLE web
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_client = on
  SET enable_reproxy = on
ENABLE proxy
`);
  pb.core.recordBodyBytes = CAP;
  seen = [];
  pb.core.on('request', (record, bodies) => seen.push({ record, bodies }));
  return () => fs.rmSync(dir, { recursive: true, force: true });
});

async function settled(n: number): Promise<typeof seen> {
  for (let i = 0; i < 100 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  expect(seen.length).toBe(n);
  return seen;
}

const text = (b: { bytes: Buffer } | undefined): string | undefined => b?.bytes.toString('latin1');

describe('reverse_proxy', () => {
  it('captures the request body sent and the response body the client got', async () => {
    be.handle((req) => ({
      status: 200,
      headers: [['Content-Type', 'application/json']],
      body: JSON.stringify({ echo: req.body.toString() }),
    }));
    const body = '{"name":"frank"}';
    const res = await rawOne(
      pb.port('proxy'),
      `POST /api HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(res.status).toBe(200);
    const [{ bodies }] = await settled(1);
    expect(text(bodies?.request)).toBe(body);
    expect(bodies?.request?.size).toBe(body.length);
    expect(text(bodies?.response)).toBe(res.body.toString('latin1'));
    expect(text(bodies?.response)).toBe('{"echo":"{\\"name\\":\\"frank\\"}"}');
  });

  it('cuts bodies at the cap and keeps their full size', async () => {
    const big = 'x'.repeat(5000);
    be.handle(() => ({ status: 200, body: 'y'.repeat(3000) }));
    await rawOne(
      pb.port('proxy'),
      `PUT /up HTTP/1.0\r\nContent-Length: ${big.length}\r\n\r\n${big}`,
    );
    const [{ bodies }] = await settled(1);
    expect(bodies?.request?.bytes.length).toBe(CAP);
    expect(bodies?.request?.size).toBe(5000);
    expect(bodies?.response?.bytes.length).toBe(CAP);
    expect(bodies?.response?.size).toBe(3000);
    expect(text(bodies?.response)).toBe('y'.repeat(CAP));
  });

  it('keeps a chunked upload de-chunked, and a chunked response with its framing', async () => {
    be.handle(() => ({
      raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    }));
    await rawRequest(
      pb.port('proxy'),
      'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      500,
    );
    const [{ bodies }] = await settled(1);
    expect(text(bodies?.request)).toBe('abcde');
    expect(text(bodies?.response)).toBe('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
  });

  it('skips a 100 Continue before the response head', async () => {
    be.handle(() => ({ status: 201, body: 'made' }));
    const r = await rawRequest(
      pb.port('proxy'),
      'POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nbody\r\n0\r\n\r\n',
      500,
    );
    expect(r.text).toMatch(/^HTTP\/1\.\d 100 Continue\r\n\r\nHTTP\/1\.0 201/);
    expect(r.text).toContain('made');
    const [{ bodies }] = await settled(1);
    expect(text(bodies?.request)).toBe('body');
    expect(text(bodies?.response)).toBe('made');
  });

  it('captures what a reproxied client got: the target body, not the backend answer', async () => {
    target.handle(() => ({ status: 200, body: 'from the target' }));
    be.handle(() => ({
      status: 200,
      headers: [['X-REPROXY-URL', `http://${target.hostport}/t`]],
      body: '',
    }));
    const res = await rawOne(pb.port('proxy'), 'GET /r HTTP/1.0\r\n\r\n');
    expect(res.body.toString()).toBe('from the target');
    const [{ bodies }] = await settled(1);
    expect(text(bodies?.response)).toBe('from the target');
    expect(bodies?.request).toBeUndefined();
  });

  it('gives each pipelined request its own bodies', async () => {
    be.handle((req) => ({ status: 200, body: `got ${req.body.toString()}`, keepAlive: true }));
    const c = await RawConnection.open(pb.port('proxy'));
    c.write(
      'POST /1 HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\none' +
        'POST /2 HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\ntwo',
    );
    await c.read();
    await c.read();
    c.close();
    const got = await settled(2);
    expect(
      got.map((g) => [g.record.uri, text(g.bodies?.request), text(g.bodies?.response)]),
    ).toEqual([
      ['/1', 'one', 'got one'],
      ['/2', 'two', 'got two'],
    ]);
  });

  it('captures nothing when the cap is 0', async () => {
    pb.core.recordBodyBytes = 0;
    be.handle(() => ({ status: 200, body: 'ok' }));
    await rawOne(pb.port('proxy'), 'POST /x HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi');
    const [{ record, bodies }] = await settled(1);
    expect(record.status).toBe(200);
    expect(bodies).toBeUndefined();
  });
});

describe('web_server', () => {
  it('captures a file as sent, and the first bytes of a large one', async () => {
    const c = await RawConnection.open(pb.port('web'));
    c.write('GET /small.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect((await c.read()).body.toString()).toBe('hello, file\n');
    c.write('GET /big.bin HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect((await c.read()).body.length).toBe(300 * 1024);
    c.write('HEAD /small.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    c.close();
    const got = await settled(3);
    expect(text(got[0]!.bodies?.response)).toBe('hello, file\n');
    expect(got[1]!.bodies?.response?.size).toBe(300 * 1024);
    expect(got[1]!.bodies?.response?.bytes).toEqual(Buffer.alloc(CAP, 7));
    expect(got[2]!.bodies).toBeUndefined();
  });

  it('captures a PUT body and the error page of a 404', async () => {
    await rawOne(pb.port('web'), 'PUT /new.txt HTTP/1.0\r\nContent-Length: 5\r\n\r\nfresh');
    const res = await rawOne(pb.port('web'), 'GET /nope HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(404);
    const got = await settled(2);
    expect(text(got[0]!.bodies?.request)).toBe('fresh');
    expect(text(got[1]!.bodies?.response)).toBe(res.body.toString('latin1'));
  });
});
