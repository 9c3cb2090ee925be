/**
 * FlvStreaming (Perlbal::Plugin::FlvStreaming): `/x.flv?start=N` asks the backend for
 * `range: bytes=N-` and its 206 comes back as a 200 FLV stream with the 13-byte FLV header
 * in front; other paths, `start=0`, and non-206 answers pass unchanged (the latter a
 * Perlbal bug fixed); the plugin refuses other roles.
 */
import { describe, expect, it } from 'vitest';
import { rawOne } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import {
  startBackend,
  type BackendRequest,
  type Reply,
  type TestBackend,
} from '../../helpers/test-backend.js';
import { FLV_HEADER, flvStart } from '../../../proxy-core/src/node/plugins/flv-streaming.js';

/** A file of 100 bytes served with byte ranges, like a web server would. */
const FILE = Buffer.from('F'.repeat(50) + 'S'.repeat(50));

function rangeServer(req: BackendRequest): Reply {
  if (req.uri.startsWith('/missing')) return { status: 404, body: 'no such video\n' };
  const range = req.headers.find(([k]) => k.toLowerCase() === 'range')?.[1];
  const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
  if (!m) return { status: 200, headers: [['Content-Type', 'video/x-flv']], body: FILE };
  const from = Number(m[1]);
  return {
    status: 206,
    headers: [
      ['Accept-Ranges', 'bytes'],
      ['Content-Range', `bytes ${from}-${FILE.length - 1}/${FILE.length}`],
      ['Content-Type', 'application/octet-stream'],
    ],
    body: FILE.subarray(from),
  };
}

async function start(): Promise<{ port: number; backend: TestBackend }> {
  const backend = await startBackend();
  backend.handle(rangeServer);
  const core = await startCore(`
LOAD FlvStreaming
CREATE POOL p
  POOL p ADD ${backend.hostport}
CREATE SERVICE flv
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET plugins = FlvStreaming
ENABLE flv
`);
  return { port: core.port('flv'), backend };
}

const header = (headers: Array<[string, string]>, name: string): string | undefined =>
  headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

describe('FlvStreaming', () => {
  it('streams from an offset: range to the backend, 200 with the FLV header to the client', async () => {
    const { port, backend } = await start();
    const res = await rawOne(port, 'GET /video.flv?start=50 HTTP/1.0\r\n\r\n');
    expect(backend.requests[0]!.headers).toContainEqual(['range', 'bytes=50-']);
    expect(res.statusLine).toBe('HTTP/1.0 200 OK');
    expect(header(res.headers, 'Content-Type')).toBe('video/x-flv');
    expect(header(res.headers, 'Content-Range')).toBeUndefined();
    expect(header(res.headers, 'Accept-Ranges')).toBeUndefined();
    expect(header(res.headers, 'Content-Length')).toBe(String(50 + 13));
    expect(res.body).toEqual(Buffer.concat([FLV_HEADER, Buffer.from('S'.repeat(50))]));
  });

  it('leaves other requests alone', async () => {
    const { port, backend } = await start();
    for (const uri of ['/video.flv', '/video.flv?start=0', '/video.mp4?start=5']) {
      const res = await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
      expect(res.status, uri).toBe(200);
      expect(res.body.subarray(0, 3).toString(), uri).not.toBe('FLV');
    }
    expect(
      backend.requests.every((r) => !r.headers.some(([k]) => k.toLowerCase() === 'range')),
    ).toBe(true);
  });

  it('passes a non-206 answer unchanged (Perlbal turned a 404 into a 200 FLV)', async () => {
    const { port } = await start();
    const res = await rawOne(port, 'GET /missing.flv?start=10 HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(404);
    expect(res.body.toString()).toBe('no such video\n');
  });

  it('labels the stream video/x-flv even without a backend Content-Type; no FLV bytes for HEAD', async () => {
    const backend = await startBackend();
    backend.handle((req) => ({
      status: 206,
      headers: [['Content-Range', 'bytes 5-9/10']],
      body: req.method === 'HEAD' ? '' : '56789',
    }));
    const core = await startCore(`
LOAD FlvStreaming
CREATE POOL p
  POOL p ADD ${backend.hostport}
CREATE SERVICE flv
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET plugins = FlvStreaming
ENABLE flv
`);
    const res = await rawOne(core.port('flv'), 'GET /v.flv?start=5 HTTP/1.0\r\n\r\n');
    expect(header(res.headers, 'Content-Type')).toBe('video/x-flv');
    expect(res.body).toEqual(Buffer.concat([FLV_HEADER, Buffer.from('56789')]));
    const head = await rawOne(core.port('flv'), 'HEAD /v.flv?start=5 HTTP/1.0\r\n\r\n');
    expect(head.statusLine).toBe('HTTP/1.0 200 OK');
    expect(head.raw.endsWith('\r\n\r\n')).toBe(true);
  });

  it('reads start= the way URI::QueryParam does', () => {
    expect(flvStart('/a.flv?start=5')).toBe('5');
    expect(flvStart('/a.flv?x=1;start=7&start=9')).toBe('7');
    expect(flvStart('/a.flv?start=0')).toBeNull();
    expect(flvStart('/a.flv?start=')).toBeNull();
    expect(flvStart('/a.flv')).toBeNull();
    expect(flvStart('/a.flv.txt?start=5')).toBeNull();
    expect(flvStart('http://host/a.flv?start=5')).toBe('5');
  });

  it("refuses a service that is not a reverse_proxy (config side, with Perlbal's text)", async () => {
    const err: unknown = await startCore(`
LOAD FlvStreaming
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = /tmp
  SET plugins = FlvStreaming
ENABLE web
`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PB_ERR_CONFIG_INVALID' });
    expect(JSON.stringify(err)).toContain(
      "You can't load the flvstreaming plugin on a service not of role reverse_proxy.",
    );
  });
});
