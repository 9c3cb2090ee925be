/**
 * Upload progress tracking (spec 7.9, 16.3): with upload_status_listeners set, a request
 * tagged `client_up_sess=<id>` sends `UPLOAD:<sess>:<done>:<total>:<start>:<now>` datagrams
 * to every listener at most once per wall-clock second while its body arrives (none once it is
 * complete), and `/__upload_status?client_up_sess=<id>` is answered by the proxy from the
 * upload_tracker's table. End to end: a slow upload watched through `/__upload_status`.
 */
import dgram from 'node:dgram';
import { describe, expect, it, onTestFinished } from 'vitest';
import { until } from '../../helpers/open-files.js';
import { RawConnection, rawOne } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';

/** A UDP listener in the test, recording every datagram as text. */
async function udpListener(): Promise<{ port: number; packets: string[]; socket: dgram.Socket }> {
  const socket = dgram.createSocket('udp4');
  const packets: string[] = [];
  socket.on('message', (m) => packets.push(m.toString('latin1')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  onTestFinished(() => {
    socket.close();
  });
  return { port: socket.address().port, packets, socket };
}

async function sendUdp(port: number, text: string): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) =>
    s.send(text, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
  );
  s.close();
}

/** A marker sent after the fact: once it arrives, earlier datagrams to the same socket have too. */
async function flushed(l: { port: number; packets: string[] }): Promise<void> {
  const marker = `MARK:${Math.random()}`;
  await sendUdp(l.port, marker);
  expect(await until(() => l.packets.includes(marker))).toBe(true);
}

const nowSec = (): number => Math.floor(Date.now() / 1000);

/** Wait (bounded) for the next wall-clock second to begin, so two writes fall in different seconds. */
async function nextSecond(): Promise<void> {
  const s = nowSec();
  expect(await until(() => nowSec() !== s, 2000)).toBe(true);
}

async function proxy(listeners: string, extra = '') {
  const backend = await startBackend();
  const pb = await startCore(`
CREATE POOL a
POOL a ADD ${backend.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = a
  SET persist_client = on
${listeners ? `  SET upload_status_listeners = ${listeners}` : ''}
${extra}
ENABLE proxy
CREATE SERVICE tracker
  SET role = upload_tracker
  SET listen = 127.0.0.1:0
ENABLE tracker
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  return { pb, port: pb.port('proxy'), tracker: pb.port('tracker'), backend };
}

/** Poll an async probe (bounded) until it yields a value that `ok` accepts; returns the last. */
async function eventually<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  tries = 100,
): Promise<T> {
  let v = await probe();
  for (let i = 0; i < tries && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 20));
    v = await probe();
  }
  return v;
}

const uploads = (packets: string[]): string[] => packets.filter((p) => p.startsWith('UPLOAD:'));

describe('UDP progress packets', () => {
  it('one per wall-clock second while the body arrives, to every listener, none when it is complete', async () => {
    const a = await udpListener();
    const b = await udpListener();
    const { port, backend } = await proxy(`127.0.0.1:${a.port}, 127.0.0.1:${b.port}`);
    const conn = await RawConnection.open(port);
    onTestFinished(() => conn.close());
    const start = nowSec();
    conn.write(
      'POST /upload?x=1&client_up_sess=abcde12345 HTTP/1.1\r\nHost: x\r\nContent-Length: 30000\r\n\r\n',
    );
    conn.write(Buffer.alloc(10_000, 'a'));
    expect(await until(() => uploads(a.packets).length === 1)).toBe(true);
    await nextSecond();
    conn.write(Buffer.alloc(10_000, 'b'));
    expect(await until(() => uploads(a.packets).length === 2)).toBe(true);
    await nextSecond();
    conn.write(Buffer.alloc(10_000, 'c'));
    expect((await conn.read()).status).toBe(200);
    await flushed(a);
    await flushed(b);
    const got = uploads(a.packets);
    expect(uploads(b.packets)).toEqual(got);
    expect(got).toHaveLength(2);
    const fields = got.map((p) => p.split(':'));
    expect(fields.map((f) => f.slice(0, 4))).toEqual([
      ['UPLOAD', 'abcde12345', '10000', '30000'],
      ['UPLOAD', 'abcde12345', '20000', '30000'],
    ]);
    for (const f of fields) {
      // <last_request_time>:<now>, both epoch seconds of this test's run.
      expect(Number(f[4])).toBeGreaterThanOrEqual(start);
      expect(Number(f[5])).toBeGreaterThanOrEqual(Number(f[4]));
      expect(Number(f[5])).toBeLessThanOrEqual(nowSec());
    }
    expect(fields[0]![4]).toBe(fields[1]![4]);
    expect(backend.requests.at(-1)!.body.length).toBe(30_000);
  });

  it('never two in the same second, however many reads', async () => {
    const l = await udpListener();
    const { port } = await proxy(`127.0.0.1:${l.port}`, '  SET buffer_backend_connect = 0');
    const conn = await RawConnection.open(port);
    onTestFinished(() => conn.close());
    conn.write(
      'POST /up?client_up_sess=many_reads HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n',
    );
    for (let i = 0; i < 19; i++) {
      conn.write(Buffer.alloc(10_000, 'x'));
      await new Promise((r) => setTimeout(r, 30));
    }
    conn.write(Buffer.alloc(10_000, 'x'));
    expect((await conn.read()).status).toBe(200);
    await flushed(l);
    const seconds = uploads(l.packets).map((p) => p.split(':')[5]);
    expect(seconds.length).toBeGreaterThan(0);
    expect(new Set(seconds).size).toBe(seconds.length);
  });

  it('nothing for untagged requests, too-short sessions, chunked bodies, or a body that arrives whole', async () => {
    const l = await udpListener();
    const { port } = await proxy(`127.0.0.1:${l.port}`);
    /** The head, then the body in two writes a moment apart (two reads at the proxy). */
    const send = async (head: string, first: string, rest: string): Promise<void> => {
      const conn = await RawConnection.open(port);
      conn.write(head + first);
      await new Promise((r) => setTimeout(r, 20));
      conn.write(rest);
      expect((await conn.read()).status).toBe(200);
      conn.close();
    };
    await send('POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n', 'ab', 'cd');
    await send(
      'POST /up?client_up_sess=abcd HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n',
      'ab',
      'cd',
    );
    await send(
      'POST /up?client_up_sess=chunked1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      '2\r\nab\r\n',
      '2\r\ncd\r\n0\r\n\r\n',
    );
    await send(
      'POST /up?client_up_sess=whole_body HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n',
      'abcd',
      '',
    );
    await flushed(l);
    expect(uploads(l.packets)).toEqual([]);
  });
});

describe('/__upload_status', () => {
  it('answers from the upload_tracker table: exact bytes, no Server header, {} for an unknown session', async () => {
    const { port, tracker, backend } = await proxy('127.0.0.1:9');
    await sendUdp(tracker, 'UPLOAD:abcde12345:50000:100000:1795560464:1795560465');
    const uri = '/__upload_status?client_up_sess=abcde12345';
    const get = async (): Promise<string> =>
      (await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`)).body.toString();
    expect(await eventually(get, (b) => b !== '{}')).not.toBe('{}');
    const before = nowSec();
    const res = await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
    const after = nowSec();
    const m = /^\{done:50000,total:100000,starttime:1795560464,nowtime:(\d+)\}$/.exec(
      res.body.toString(),
    );
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(before);
    expect(Number(m![1])).toBeLessThanOrEqual(after);
    expect(res.raw).toBe(
      `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${res.body.length}\r\nConnection: close\r\n\r\n${res.body.toString()}`,
    );
    expect(res.closed).toBe(true);
    const unknown = await rawOne(
      port,
      'GET /__upload_status?client_up_sess=nosuchsession HTTP/1.0\r\n\r\n',
    );
    expect(unknown.raw).toBe(
      'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    );
    expect(backend.requests).toEqual([]);
  });

  it('keeps the connection alive like any response', async () => {
    const { port, backend } = await proxy('127.0.0.1:9');
    const conn = await RawConnection.open(port);
    onTestFinished(() => conn.close());
    for (let i = 0; i < 2; i++) {
      conn.write('GET /__upload_status?client_up_sess=keepalive1 HTTP/1.1\r\nHost: x\r\n\r\n');
      const res = await conn.read();
      expect(res.headers).toEqual([
        ['Content-Type', 'text/plain'],
        ['Content-Length', '2'],
        ['Connection', 'keep-alive'],
        ['Keep-Alive', 'timeout=30, max=100'],
      ]);
      expect(res.body.toString()).toBe('{}');
    }
    conn.write('GET /status HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await conn.read()).status).toBe(200);
    expect(conn.closed).toBe(false);
    expect(backend.requests.map((r) => r.requestLine)).toEqual(['GET /status HTTP/1.0']);
  });

  it('goes to the backend when the service tracks nothing, or without a valid session', async () => {
    const { port, backend } = await proxy('');
    await rawOne(port, 'GET /__upload_status?client_up_sess=abcde12345 HTTP/1.0\r\n\r\n', 2000);
    const tracked = await proxy('127.0.0.1:9');
    await rawOne(tracked.port, 'GET /__upload_status?client_up_sess=ab HTTP/1.0\r\n\r\n', 2000);
    expect(backend.requests.map((r) => r.uri)).toEqual([
      '/__upload_status?client_up_sess=abcde12345',
    ]);
    expect(tracked.backend.requests.map((r) => r.uri)).toEqual([
      '/__upload_status?client_up_sess=ab',
    ]);
  });
});

describe('end to end', () => {
  it('a slow upload (3 chunks, a second apart) shows its progress through /__upload_status', async () => {
    const { pb, port, tracker, backend } = await proxy('');
    const manage = await pb.manage();
    expect(await manage.line(`SET proxy.upload_status_listeners = 127.0.0.1:${tracker}`)).toBe(
      'OK',
    );
    const status = async (): Promise<string> =>
      (
        await rawOne(port, 'GET /__upload_status?client_up_sess=slow_upload_1 HTTP/1.0\r\n\r\n')
      ).body.toString();
    expect(await status()).toBe('{}');
    const up = await RawConnection.open(port);
    onTestFinished(() => up.close());
    up.write(
      'POST /status,tagged?client_up_sess=slow_upload_1 HTTP/1.0\r\nContent-Length: 30000\r\n\r\n',
    );
    const progress = (done: number): Promise<string> =>
      eventually(status, (b) => b.startsWith(`{done:${done},total:30000,`));
    up.write(Buffer.alloc(10_000, '1'));
    expect(await progress(10_000)).toMatch(
      /^\{done:10000,total:30000,starttime:\d+,nowtime:\d+\}$/,
    );
    await nextSecond();
    up.write(Buffer.alloc(10_000, '2'));
    expect(await progress(20_000)).toMatch(/^\{done:20000,total:30000,/);
    await nextSecond();
    up.write(Buffer.alloc(10_000, '3'));
    const res = await up.read();
    expect(res.body.toString()).toContain('length = 30000\n');
    expect(
      backend.requests
        .at(-1)!
        .body.equals(
          Buffer.concat([
            Buffer.alloc(10_000, '1'),
            Buffer.alloc(10_000, '2'),
            Buffer.alloc(10_000, '3'),
          ]),
        ),
    ).toBe(true);
    // The last packet said 20000 of 30000; no packet is sent for a complete body.
    expect(await status()).toMatch(/^\{done:20000,total:30000,starttime:\d+,nowtime:\d+\}$/);
  });
});
