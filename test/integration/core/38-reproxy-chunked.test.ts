/**
 * How an X-REPROXY-URL answer's body reaches the client (issue 4): a chunked answer (an
 * HTTP/1.1 target ignoring our HTTP/1.0 request) is de-chunked and sent close-delimited, the
 * target connection kept open or not; a target that breaks off mid-body (short Content-Length,
 * chunks cut short, broken chunk framing) resets the client, so the body is never taken for a
 * whole one, and its hop is recorded as failed.
 */
import net from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { until } from '../../helpers/open-files.js';
import { parseResponses, type ParsedResponse } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type Reply, type TestBackend } from '../../helpers/test-backend.js';

let app: TestBackend;
let pb: StartedCore;
let records: RequestRecord[];

beforeEach(async () => {
  app = await startBackend();
  pb = await startCore(`
CREATE POOL p
  POOL p ADD ${app.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET persist_client = on
  SET persist_backend = on
  SET enable_reproxy = on
ENABLE proxy
`);
  records = [];
  pb.core.on('request', (r) => records.push(r));
});

/** A reproxy target answering every request with `reply`; returns its URL. */
async function target(reply: Reply): Promise<string> {
  const t = await startBackend();
  t.handle(() => reply);
  return `http://127.0.0.1:${t.port}/photo`;
}

/** The application answers every request with X-REPROXY-URL `urls` and its own headers. */
function reproxyTo(urls: string): void {
  app.handle(() => ({
    status: 200,
    headers: [
      ['X-REPROXY-URL', urls],
      ['Content-Type', 'image/jpeg'],
    ],
    body: '',
  }));
}

interface Outcome {
  res: ParsedResponse | undefined;
  bytes: Buffer;
  /** How the connection ended: a clean close (FIN) or a reset (RST). */
  ending: 'end' | 'reset';
}

/** One keep-alive request; waits for the server to end the connection, and says how. */
function fetchToEnd(port: number, data: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(data));
    const chunks: Buffer[] = [];
    const done = (ending: Outcome['ending']): void => {
      sock.destroy();
      const bytes = Buffer.concat(chunks);
      resolve({ res: parseResponses(bytes)[0], bytes, ending });
    };
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => done('end'));
    sock.on('error', () => done('reset'));
  });
}

const GET = 'GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n';

async function recordFor(status: number): Promise<RequestRecord> {
  await until(() => records.some((r) => r.status === status));
  return records.find((r) => r.status === status)!;
}

const CHUNKED_HEAD =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n';

describe('a chunked answer from an X-REPROXY-URL target', () => {
  it.each(['keep', 'close'] as const)(
    'is de-chunked and sent close-delimited (target then: %s)',
    async (then) => {
      reproxyTo(
        await target({
          raw: `${CHUNKED_HEAD}5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n`,
          then,
        }),
      );
      const out = await fetchToEnd(pb.port('proxy'), GET);
      expect(out.ending).toBe('end');
      expect(out.res!.status).toBe(200);
      expect(out.res!.body.toString()).toBe('hello, world');
      const headers = Object.fromEntries(out.res!.headers.map(([k, v]) => [k.toLowerCase(), v]));
      expect(headers['content-length']).toBeUndefined();
      expect(headers['transfer-encoding']).toBeUndefined();
      expect(headers['connection']).toBe('close');
      // The primary's headers, as for every reproxied answer.
      expect(headers['content-type']).toBe('image/jpeg');
      const rec = await recordFor(200);
      expect(rec.reproxy).toEqual([
        { target: expect.stringMatching(/\/photo$/), kind: 'url', outcome: 'used', status: 200 },
      ]);
      expect(rec.error).toBeUndefined();
    },
  );

  it('carries a large body in many chunks intact', async () => {
    const body = Buffer.alloc(600 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = 97 + ((i * 7) % 26);
    const parts: Buffer[] = [Buffer.from(CHUNKED_HEAD)];
    for (let i = 0; i < body.length; i += 10_000) {
      const piece = body.subarray(i, i + 10_000);
      parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    reproxyTo(await target({ raw: Buffer.concat(parts), then: 'keep' }));
    const out = await fetchToEnd(pb.port('proxy'), GET);
    expect(out.ending).toBe('end');
    expect(out.res!.body.equals(body)).toBe(true);
  });

  it('HEAD gets the head only', async () => {
    reproxyTo(await target({ raw: CHUNKED_HEAD, then: 'keep' }));
    const out = await fetchToEnd(pb.port('proxy'), 'HEAD /x HTTP/1.0\r\n\r\n');
    expect(out.ending).toBe('end');
    expect(out.bytes.toString('latin1')).toMatch(/^HTTP\/1\.0 200 OK\r\n[\s\S]*\r\n\r\n$/);
  });

  it('an answer in a transfer coding other than chunked is skipped for the next URL', async () => {
    const gzip = await target({
      raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx',
      then: 'close',
    });
    const good = await target({ status: 200, body: 'plain' });
    reproxyTo(`${gzip} ${good}`);
    const out = await fetchToEnd(pb.port('proxy'), 'GET /x HTTP/1.0\r\n\r\n');
    expect(out.res!.body.toString()).toBe('plain');
    const rec = await recordFor(200);
    expect(rec.reproxy!.map((h) => [h.outcome, h.reason])).toEqual([
      ['failed', "Transfer-Encoding 'gzip' can't be decoded"],
      ['used', undefined],
    ]);
  });
});

describe('a target that breaks off mid-body', () => {
  it.each([
    [
      'chunks cut short',
      { raw: `${CHUNKED_HEAD}5\r\nhello\r\n`, then: 'close' as const },
      /before the last chunk/,
    ],
    [
      'broken chunk framing',
      { raw: `${CHUNKED_HEAD}5\r\nhello\r\nzz\r\n`, then: 'keep' as const },
      /bad chunked framing/,
    ],
    [
      'a short Content-Length body',
      { raw: 'HTTP/1.0 200 OK\r\nContent-Length: 50\r\n\r\nonly part', then: 'close' as const },
      /closed the connection/,
    ],
    // The reset comes once the bytes before it have had time to arrive (a reset discards them).
    [
      'a reset',
      {
        drip: 'HTTP/1.0 200 OK\r\nContent-Length: 50\r\n\r\nonly part',
        bytes: 1000,
        intervalMs: 100,
        then: 'reset' as const,
      },
      /connection reset/,
    ],
  ])('%s: the client is reset and the hop recorded as failed', async (_name, reply, reason) => {
    reproxyTo(await target(reply));
    const out = await fetchToEnd(pb.port('proxy'), GET);
    expect(out.ending).toBe('reset');
    await until(() => records.length > 0);
    const rec = records[0]!;
    expect(rec.reproxy).toHaveLength(1);
    expect(rec.reproxy![0]!.outcome).toBe('failed');
    expect(rec.reproxy![0]!.reason).toMatch(/^broke off mid-body: /);
    expect(rec.reproxy![0]!.reason).toMatch(reason);
    expect(rec.error?.code).toBe('PB_ERR_REPROXY_TARGET');
    expect(rec.tags).toContain('client-closed');
  });
});
