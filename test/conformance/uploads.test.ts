/**
 * Request bodies and upload tracking against the real Perlbal 1.80 (spec 7.9): what a backend
 * receives for a spooled chunked upload and a size-spooled POST, the `/__upload_status`
 * answer bytes, and the UDP progress packets; then the deliberate differences (413 past
 * max_chunked_request_size, where Perlbal closes without a word).
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { until } from '../helpers/open-files.js';
import { RawConnection } from '../helpers/raw-http.js';
import { startBackend } from '../helpers/test-backend.js';
import { havePerlbal, sendBoth, startBoth, type Server } from './harness.js';
import { converseBoth, expectSameBackendView, startPair, SIDES } from './proxy-pair.js';

const MGMT = `
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

function spoolDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-spool-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const uploadsConf = (dir: string, extra = ''): string => `
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_client = on
  SET connect_ahead = 0
  SET buffer_uploads_path = ${dir}
  SET buffer_uploads = on
${extra}
ENABLE proxy
${MGMT}`;

const DEBUG_ENV = 'PERLBAL_DEBUG_BUFFERED_UPLOADS';

describe.runIf(havePerlbal())('request bodies vs Perlbal 1.80: what the backend receives', () => {
  it('a buffered chunked upload: 100 Continue, then Content-Length appended, Transfer-Encoding and Expect gone', async () => {
    const dir = spoolDir();
    const pair = await startPair(uploadsConf(dir));
    const request =
      'POST /reflect_request_headers HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nX-Mine: 1\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n';
    const r = await converseBoth(pair, [request]);
    expect(r.ours).toEqual(r.perlbal);
    expect(r.perlbal.responses[0]!.statusLine).toBe('HTTP/1.1 100 Continue');
    const view = expectSameBackendView(pair);
    expect(view).toEqual([
      {
        connection: 1,
        head: 'POST /reflect_request_headers HTTP/1.0\r\nConnection: close\r\nX-Mine: 1\r\nContent-Length: 11\r\nX-Forwarded-For: 127.0.0.1\r\n\r\n',
        body: 'hello world',
      },
    ]);
  });

  it('a 0-length chunked upload reaches the backend with Content-Length: 0', async () => {
    const pair = await startPair(uploadsConf(spoolDir()));
    const r = await sendBoth(
      pair.servers,
      'proxy',
      'POST /status HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      1000,
    );
    expect(r.ours).toEqual(r.perlbal);
    expect(expectSameBackendView(pair)[0]!.head).toContain('Content-Length: 0\r\n');
  });

  describe('with PERLBAL_DEBUG_BUFFERED_UPLOADS', () => {
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env[DEBUG_ENV];
      process.env[DEBUG_ENV] = '1';
    });
    afterEach(() => {
      if (saved === undefined) delete process.env[DEBUG_ENV];
      else process.env[DEBUG_ENV] = saved;
    });

    it('a POST over the size threshold is spooled and the backend sees the reason header where Perlbal puts it', async () => {
      const pair = await startPair(
        uploadsConf(spoolDir(), '  SET buffer_upload_threshold_size = 10'),
      );
      const body = 'x'.repeat(5000);
      const r = await converseBoth(pair, [
        `POST /reflect_request_headers HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      ]);
      expect(r.ours).toEqual(r.perlbal);
      const [seen] = expectSameBackendView(pair);
      expect(seen!.head).toContain('X-PERLBAL-BUFFERED-UPLOAD-REASON: size\r\n');
      expect(seen!.body).toBe(body);
    });
  });
});

const trackerConf = `
CREATE POOL p
  POOL p ADD 127.0.0.1:{{port:backend}}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:{{port:proxy}}
  SET pool = p
  SET persist_client = on
  SET upload_status_listeners = 127.0.0.1:{{port:tracker}}, 127.0.0.1:{{port:udp}}
ENABLE proxy
CREATE SERVICE tracker
  SET role = upload_tracker
  SET listen = 127.0.0.1:{{port:tracker}}
ENABLE tracker
${MGMT}`;

async function udpSend(port: number, text: string): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) =>
    s.send(text, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
  );
  s.close();
}

async function udpListener(): Promise<{ port: number; packets: string[] }> {
  const socket = dgram.createSocket('udp4');
  const packets: string[] = [];
  socket.on('message', (m) => packets.push(m.toString('latin1')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  onTestFinished(() => {
    socket.close();
  });
  return { port: socket.address().port, packets };
}

/** Both servers with their own test backend and their own UDP listener as `udp`. */
async function startTracked() {
  const backends = { perlbal: await startBackend(), ours: await startBackend() };
  const udp = { perlbal: await udpListener(), ours: await udpListener() };
  const servers = await startBoth(trackerConf, ['proxy', 'mgmt'], {
    perlbal: { ports: { backend: backends.perlbal.port, udp: udp.perlbal.port } },
    ours: { ports: { backend: backends.ours.port, udp: udp.ours.port } },
  });
  return { servers, backends, udp };
}

const nowtime = (s: string): string => s.replace(/nowtime:\d+/, 'nowtime:NOW');

describe.runIf(havePerlbal())('upload tracking vs Perlbal 1.80', () => {
  it('/__upload_status: the same bytes for a known session (nowtime aside), an unknown one, and with keep-alive', async () => {
    const { servers } = await startTracked();
    const packet = 'UPLOAD:abcde12345:50000:100000:1795560464:1795560465';
    for (const side of SIDES) await udpSend(servers[side].port('tracker'), packet);
    const status = 'GET /__upload_status?client_up_sess=abcde12345 HTTP/1.0\r\n\r\n';
    // The datagram is handled asynchronously on both sides: wait until both know it.
    for (let i = 0; i < 50; i++) {
      const r = await sendBoth(servers, 'proxy', status);
      if (r.perlbal[0]?.body !== '{}' && r.ours[0]?.body !== '{}') break;
    }
    const known = await sendBoth(servers, 'proxy', status);
    expect(known.ours.map((c) => ({ ...c, body: nowtime(c.body) }))).toEqual(
      known.perlbal.map((c) => ({ ...c, body: nowtime(c.body) })),
    );
    expect(nowtime(known.perlbal[0]!.body)).toBe(
      '{done:50000,total:100000,starttime:1795560464,nowtime:NOW}',
    );
    const unknown = await sendBoth(
      servers,
      'proxy',
      'GET /__upload_status?client_up_sess=nosuchsession HTTP/1.0\r\n\r\n',
    );
    expect(unknown.ours).toEqual(unknown.perlbal);
    expect(unknown.perlbal[0]!.body).toBe('{}');
    const keep = await sendBoth(
      servers,
      'proxy',
      'GET /__upload_status?client_up_sess=nosuchsession HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(keep.ours).toEqual(keep.perlbal);
    expect(keep.perlbal[0]!.headers).toContainEqual(['Connection', 'keep-alive']);
  });
});

describe.runIf(havePerlbal())(
  'request bodies: where ours differs from Perlbal 1.80 on purpose',
  () => {
    it('past max_chunked_request_size: Perlbal closes without a word; ours answers 413; neither backend sees it', async () => {
      const pair = await startPair(uploadsConf(spoolDir(), '  SET max_chunked_request_size = 10'));
      const r = await sendBoth(
        pair.servers,
        'proxy',
        'POST /status HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n01234567890123456789\r\n0\r\n\r\n',
        1000,
      );
      expect(r.perlbal).toEqual([]);
      expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 413 Content Too Large');
      expect(r.ours[0]!.closed).toBe(true);
      expect(pair.backend.perlbal.requests).toEqual([]);
      expect(pair.backend.ours.requests).toEqual([]);
    });

    it('Expect: 100-continue on a Content-Length body: Perlbal sends no 100; ours does, once, before the answer', async () => {
      const pair = await startPair(uploadsConf(spoolDir()));
      const conns = await Promise.all(
        SIDES.map((side) => RawConnection.open(pair.servers[side].port('proxy'))),
      );
      for (const c of conns) onTestFinished(() => c.close());
      const [perlbal, ours] = conns as [RawConnection, RawConnection];
      const head =
        'POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n';
      perlbal.write(head);
      ours.write(head);
      expect((await ours.read()).statusLine).toBe('HTTP/1.1 100 Continue');
      perlbal.write('hello');
      ours.write('hello');
      expect((await perlbal.read()).status).toBe(200);
      expect((await ours.read()).status).toBe(200);
    });
    it('UDP progress packets: Perlbal 1.80 on this Perl sends them to port 0 (none arrive); ours sends them where configured', async () => {
      const { servers, backends, udp } = await startTracked();
      const upload = async (s: Server): Promise<void> => {
        const conn = await RawConnection.open(s.port('proxy'));
        onTestFinished(() => conn.close());
        conn.write(
          'POST /status,x?client_up_sess=abcde12345 HTTP/1.0\r\nContent-Length: 30000\r\n\r\n',
        );
        for (const fill of ['a', 'b']) {
          conn.write(Buffer.alloc(10_000, fill));
          // The next write falls in another wall-clock second, so it may send its own packet.
          const second = Math.floor(Date.now() / 1000);
          await until(() => Math.floor(Date.now() / 1000) !== second, 2000);
        }
        conn.write(Buffer.alloc(10_000, 'c'));
        expect((await conn.read()).status).toBe(200);
        // A marker behind any late packet.
        await udpSend(udp[s.kind].port, 'MARK');
        expect(await until(() => udp[s.kind].packets.includes('MARK'))).toBe(true);
      };
      await Promise.all([upload(servers.perlbal), upload(servers.ours)]);
      const fields = (p: string[]): string[][] =>
        p.filter((x) => x.startsWith('UPLOAD:')).map((x) => x.split(':').slice(0, 4));
      // Perlbal's check_type packs sockaddr_in($2, inet_aton($1)); Socket's inet_aton clobbers
      // $2 first, so every listener gets port 0 and sendto fails with EINVAL.
      expect(fields(udp.perlbal.packets)).toEqual([]);
      expect(fields(udp.ours.packets)).toEqual([
        ['UPLOAD', 'abcde12345', '10000', '30000'],
        ['UPLOAD', 'abcde12345', '20000', '30000'],
      ]);
      expect(backends.ours.requests[0]!.body.equals(backends.perlbal.requests[0]!.body)).toBe(true);
    });
  },
);
