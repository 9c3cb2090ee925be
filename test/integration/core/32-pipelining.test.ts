/**
 * Perlbal t/32-pipelining against ours: POST bodies of exactly Content-Length bytes, with and
 * without the extra CRLF browsers send, no request smuggled to the backend behind a body, and
 * pipelined GETs, which ours answers in order where Perlbal 1.80 sent a 400
 * (docs/compatibility.md).
 */
import { describe, expect, it } from 'vitest';
import { RawConnection, parseResponses, rawRequest } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

async function setup(): Promise<{ port: number; backend: TestBackend }> {
  const backend = await startBackend();
  const pb = await startCore(`
CREATE POOL a
  POOL a ADD ${backend.hostport}
CREATE SERVICE test
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET persist_client = 1
  SET persist_backend = 1
  SET pool = a
  SET connect_ahead = 0
ENABLE test
`);
  return { port: pb.port('test'), backend };
}

/** Send bytes on a fresh connection and read the first response (like `scalar <$sock>`). */
async function firstResponse(port: number, data: string): Promise<{ status: number; conn: RawConnection }> {
  const conn = await RawConnection.open(port);
  conn.write(data);
  const res = await conn.read(10_000);
  return { status: res.status, conn };
}

describe('pipelining (t/32)', () => {
  it('answers a POST with a body of exactly Content-Length bytes, with or without an extra CRLF', async () => {
    const { port, backend } = await setup();
    for (const tail of ['', '\r\n']) {
      const { status, conn } = await firstResponse(port, `POST /sleep:0.2,status HTTP/1.0\r\nContent-Length: 10\r\n\r\nfoo=56789a${tail}`);
      expect(status).toBe(200);
      conn.close();
    }
    expect(backend.requests.map((q) => q.body.toString())).toEqual(['foo=56789a', 'foo=56789a']);
  });

  it('a command can signal the test process (the check the next test relies on)', async () => {
    const { port, backend } = await setup();
    const { status, conn } = await firstResponse(port, 'GET /kill:1:USR1,status HTTP/1.0\r\n\r\n');
    expect(status).toBe(200);
    conn.close();
    expect(backend.signals).toEqual([{ pid: 1, sig: 'USR1' }]);
  });

  it('never lets a request ride to the backend behind a POST body, with a CRLF or nothing between', async () => {
    const { port, backend } = await setup();
    for (const sep of ['\r\n', '']) {
      // Content-Length says 10 but 11 bytes follow: the extra byte glues onto the next request.
      const data = `POST /sleep:0.2,status HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 10\r\n\r\nfoo=569789a${sep}GET /kill:1:USR1,status HTTP/1.0\r\n\r\n`;
      const { status, conn } = await firstResponse(port, data);
      expect(status).toBe(200);
      // Whatever the rest of the bytes get (ours: a 400 for the malformed request), the
      // connection ends, and by then anything forwarded would have reached the backend.
      expect(await conn.waitClosed(10_000)).toBe(true);
      conn.close();
    }
    expect(backend.signals).toEqual([]);
    expect(backend.requests.map((q) => q.requestLine)).toEqual(['POST /sleep:0.2,status HTTP/1.0', 'POST /sleep:0.2,status HTTP/1.0']);
  });

  it('a single GET is fine', async () => {
    const { port } = await setup();
    const { status, conn } = await firstResponse(port, 'GET /status HTTP/1.0\r\n\r\n');
    expect(status).toBe(200);
    conn.close();
  });

  it('pipelined GETs are answered in order, each forwarded once (Perlbal 1.80: a 400)', async () => {
    const { port, backend } = await setup();
    const r = await rawRequest(port, 'GET /status HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /status HTTP/1.0\r\n\r\n', 2000);
    const responses = parseResponses(r.bytes);
    expect(responses.map((x) => x.status)).toEqual([200, 200]);
    expect(responses.map((x) => /^reqnum = (\d+)$/m.exec(x.body.toString())?.[1])).toEqual(['1', '2']);
    expect(r.closed).toBe(true);
    expect(backend.requests).toHaveLength(2);
    expect(backend.connections).toBe(1);
  });
});
