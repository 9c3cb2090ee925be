/**
 * If-Modified-Since on X-REPROXY-FILE (issue 4; Perlbal 1.80 ignores it, docs/compatibility.md):
 * 304 when the date is not older than the file's mtime, nor than the backend's Last-Modified
 * when it sent one; the web_server's rules otherwise (an exact Last-Modified echo, IE's
 * `; length=N`). Only a 200 answer for a regular file qualifies; a 304 beats a Range, keeps the
 * connection alive and carries the backend's headers without the body's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { until } from '../../helpers/open-files.js';
import { header, rawOne, RawConnection } from '../../helpers/raw-http.js';
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { startBackend, type HeaderList, type TestBackend } from '../../helpers/test-backend.js';

const BODY = 'a reproxied photo\n';
/** The file's mtime: 2024-03-01T12:00:00Z. */
const MTIME = Date.UTC(2024, 2, 1, 12) / 1000;
const date = (s: number): string => new Date(s * 1000).toUTCString();

let app: TestBackend;
let pb: StartedCore;
let file: string;
let records: RequestRecord[];

beforeEach(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-reproxy-ims-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  file = path.join(dir, 'photo.jpg');
  fs.writeFileSync(file, BODY);
  fs.utimesSync(file, MTIME, MTIME);
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

/** The backend answers `status` with X-REPROXY-FILE and `extra` headers. */
function backendSends(extra: HeaderList = [], status = 200): void {
  app.handle(() => ({
    status,
    headers: [
      ['X-REPROXY-FILE', file],
      ['Content-Type', 'image/jpeg'],
      ['X-Backend-Extra', 'yes'],
      ...extra,
    ],
    body: '',
  }));
}

/** A GET with If-Modified-Since; the connection closes after it unless `extra` keeps it. */
const get = (ims: string, extra = ''): string =>
  `GET /photo HTTP/1.0\r\nIf-Modified-Since: ${ims}\r\n${extra}\r\n`;
const KA = 'Connection: keep-alive\r\n';

async function statusFor(ims: string, extra = ''): Promise<number> {
  return (await rawOne(pb.port('proxy'), get(ims, extra))).status;
}

describe('If-Modified-Since on X-REPROXY-FILE, no Last-Modified from the backend: the file mtime', () => {
  it('304 at or after the mtime; 200 with the file before it or for a date that is not one', async () => {
    backendSends();
    expect(await statusFor(date(MTIME))).toBe(304);
    expect(await statusFor(date(MTIME + 3600))).toBe(304);
    expect(await statusFor('Friday, 01-Mar-24 12:00:00 GMT')).toBe(304);
    const older = await rawOne(pb.port('proxy'), get(date(MTIME - 1)));
    expect([older.status, older.body.toString()]).toEqual([200, BODY]);
    expect(await statusFor('yesterday')).toBe(200);
    // IE's length suffix: a different length means the file changed.
    expect(await statusFor(`${date(MTIME)}; length=${BODY.length}`)).toBe(304);
    expect(await statusFor(`${date(MTIME)}; length=3`)).toBe(200);
  });

  it('the 304 keeps the backend headers but not the body ones, and keeps the connection', async () => {
    backendSends([
      ['Cache-Control', 'max-age=60'],
      ['ETag', '"p1"'],
    ]);
    const c = await RawConnection.open(pb.port('proxy'));
    c.write(get(date(MTIME), KA));
    const r = await c.read();
    expect(r.statusLine).toBe('HTTP/1.0 304 Not Modified');
    const names = r.headers.map(([k]) => k);
    expect(names).not.toContain('Content-Length');
    expect(names).not.toContain('Content-Type');
    expect(names).not.toContain('Accept-Ranges');
    expect(names).not.toContain('X-REPROXY-FILE');
    expect(header(r, 'X-Backend-Extra')).toBe('yes');
    expect(header(r, 'Cache-Control')).toBe('max-age=60');
    expect(header(r, 'ETag')).toBe('"p1"');
    expect(header(r, 'Connection')).toBe('keep-alive');
    expect(r.body.length).toBe(0);
    c.write(get(date(MTIME - 60), KA));
    const again = await c.read();
    expect([again.status, again.body.toString()]).toEqual([200, BODY]);
    expect(c.closed).toBe(false);
    c.close();
    await until(() => records.length === 2);
    expect(records[0]!.reproxy).toEqual([
      { target: `file:${file}`, kind: 'file', outcome: 'used', status: 304 },
    ]);
    expect(records[0]!.tags).toContain('not-modified');
  });

  it('a 304 beats a Range; HEAD gets it too', async () => {
    backendSends();
    expect(await statusFor(date(MTIME), 'Range: bytes=0-3\r\n')).toBe(304);
    const head = await rawOne(
      pb.port('proxy'),
      `HEAD /photo HTTP/1.0\r\nIf-Modified-Since: ${date(MTIME)}\r\n\r\n`,
    );
    expect(head.status).toBe(304);
  });

  it('only for a 200 answer: a backend error page served from a file is sent whole', async () => {
    backendSends([], 404);
    const r = await rawOne(pb.port('proxy'), get(date(MTIME + 60)));
    expect([r.status, r.body.toString()]).toEqual([404, BODY]);
  });
});

describe("with the backend's Last-Modified: the newer of it and the mtime", () => {
  it('a Last-Modified newer than the file: 304 only from that date on', async () => {
    const lm = MTIME + 86400;
    backendSends([['Last-Modified', date(lm)]]);
    expect(await statusFor(date(lm))).toBe(304);
    expect(await statusFor(date(MTIME))).toBe(200);
  });

  it('a Last-Modified older than the file (it changed since): the echo gets the new file', async () => {
    const lm = MTIME - 86400;
    backendSends([['Last-Modified', date(lm)]]);
    const r = await rawOne(pb.port('proxy'), get(date(lm)));
    expect([r.status, r.body.toString()]).toEqual([200, BODY]);
    expect(header(r, 'Last-Modified')).toBe(date(lm));
    expect(await statusFor(date(MTIME))).toBe(304);
  });
});
