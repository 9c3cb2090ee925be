/**
 * Concatenated GET `/<dir>/??f1,f2[?v=1]` (spec 9.5, Perlbal t/17-webserver-concat): the
 * error answers, the header order, MIME and Last-Modified rules, IMS, plus multi-file
 * bodies larger than one read and the extra filename checks.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { header, rawOne, RawConnection } from '../../helpers/raw-http.js';
import { FIXED_LASTMOD, FIXED_MTIME, makeDocroot, webConf } from '../../fixtures/docroot/build.js';
import { time2str } from '../../../proxy-core/src/node/http/http-date.js';

async function web(extra: string[] = ['enable_concatenate_get = on']) {
  const d = makeDocroot();
  const pb = await startCore(webConf(d.docroot, extra));
  return { d, pb, port: pb.port('web') };
}

const get = (uri: string, extra = ''): string => `GET ${uri} HTTP/1.0\r\n${extra}\r\n`;

describe('concatenated GET (t/17)', () => {
  it('serves files back to back with Perlbal’s concat head', async () => {
    const { port } = await web();
    const res = await rawOne(port, get('/sub/??a.css,b.css,dir2/x.js'));
    expect(res.statusLine).toBe('HTTP/1.0 200 OK');
    expect(res.headers.map(([k]) => k)).toEqual([
      'Content-Length',
      'Date',
      'Server',
      'Last-Modified',
      'Content-Type',
      'Connection',
    ]);
    expect(header(res, 'Content-Length')).toBe('12');
    expect(header(res, 'Content-Type')).toBe('text/css');
    expect(header(res, 'Last-Modified')).toBe(FIXED_LASTMOD);
    expect(res.body.toString()).toBe('aaaa\nbbbb\nx\n');
  });

  it.each([
    ['/sub/??a.css,a.css', 'aaaa\naaaa\n'],
    ['/sub/??bar/b.txt', 'bar b\n'],
    ['/sub/??a.css?v=123', 'aaaa\n'],
    ['/sub/??a.css,b.css,', 'aaaa\nbbbb\n'],
    ['/sub/%3F%3Fa.css', 'aaaa\n'],
  ])('%s', async (uri, body) => {
    const { port } = await web();
    const res = await rawOne(port, get(uri));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(body);
  });

  it.each([
    ['/sub??a.css', 500, 'Base directory (before ??) must end in slash.'],
    ['/sub/??', 500, 'Base directory (before ??) must end in slash.'],
    ['/nope/??a.css', 404, 'Base directory not a directory'],
    ['/hello.txt/??a.css', 404, 'Base directory not a directory'],
    ['/sub/??a.css,nope.css', 404, 'One or more file does not exist'],
    ['/sub/??a.css,,b.css', 404, 'One or more file does not exist'],
    ['/sub/??dir2', 404, 'One or more file does not exist'],
    ['/sub/??../hello.txt', 403, 'Bogus filenames'],
    ['/sub/??a.css,dir2/../a.css', 403, 'Bogus URL'],
    ['/sub/??a.css,..', 403, 'Bogus filenames'],
    ['/sub/??dir2/..', 403, 'Bogus filenames'],
  ])('%s -> %s %s', async (uri, status, msg) => {
    const { port } = await web();
    const res = await rawOne(port, get(uri));
    expect(res.status).toBe(status);
    expect(res.body.toString().endsWith(`</h1>\n${msg}`)).toBe(true);
  });

  it('is off unless enable_concatenate_get', async () => {
    const { port } = await web([]);
    const res = await rawOne(port, get('/sub/??a.css,b.css'));
    expect(res.status).toBe(403);
    expect(res.body.toString()).toBe(
      "<h1>403 - Forbidden</h1>\nMultiple file serving isn't enabled",
    );
  });

  it('refuses more than 100 files', async () => {
    const { port } = await web();
    const list = Array.from({ length: 101 }, () => 'a.css').join(',');
    expect((await rawOne(port, get(`/sub/??${list}`))).body.toString()).toContain(
      'Too many files requested',
    );
    const ok = await rawOne(
      port,
      get(`/sub/??${Array.from({ length: 100 }, () => 'a.css').join(',')}`),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.length).toBe(500);
  });

  it('takes the MIME type of the first known extension, and the newest mtime', async () => {
    const { port, d } = await web();
    fs.utimesSync(d.file('sub/b.css'), FIXED_MTIME + 60, FIXED_MTIME + 60);
    const res = await rawOne(port, get('/sub/??noext,b.css,dir2/x.js'));
    expect(header(res, 'Content-Type')).toBe('text/css');
    expect(header(res, 'Last-Modified')).toBe(time2str(FIXED_MTIME + 60));
    expect(header(await rawOne(port, get('/sub/??noext,noext')), 'Content-Type')).toBe(
      'text/plain',
    );
  });

  it('IMS gives a 304 without Content-Length, on a kept-alive connection', async () => {
    const { port } = await web(['enable_concatenate_get = on', 'persist_client = on']);
    const conn = await RawConnection.open(port);
    try {
      conn.write(
        `GET /sub/??a.css,b.css HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: ${FIXED_LASTMOD}\r\n\r\n`,
      );
      const a = await conn.read();
      expect(a.statusLine).toBe('HTTP/1.0 304 Not Modified');
      expect(a.headers.map(([k]) => k)).toEqual([
        'Date',
        'Server',
        'Last-Modified',
        'Content-Type',
        'Connection',
        'Keep-Alive',
      ]);
      conn.write('GET /sub/??a.css,b.css HTTP/1.1\r\nHost: x\r\n\r\n');
      const b = await conn.read();
      expect(b.headers.map(([k]) => k)).toEqual([
        'Content-Length',
        'Date',
        'Server',
        'Last-Modified',
        'Content-Type',
        'Connection',
        'Keep-Alive',
      ]);
      expect(b.body.toString()).toBe('aaaa\nbbbb\n');
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
  });

  it('HEAD sends the head only; Range is ignored', async () => {
    const { port } = await web();
    const head = await rawOne(port, 'HEAD /sub/??a.css,b.css HTTP/1.0\r\n\r\n');
    expect(header(head, 'Content-Length')).toBe('10');
    expect(head.raw.endsWith('Connection: close\r\n\r\n')).toBe(true);
    const ranged = await rawOne(port, get('/sub/??a.css,b.css', 'Range: bytes=0-1\r\n'));
    expect(ranged.status).toBe(200);
    expect(ranged.body.toString()).toBe('aaaa\nbbbb\n');
  });

  it('streams bodies larger than one read across several files', async () => {
    const { port, d } = await web();
    const parts = [700_000, 1, 0, 300_000, 1_200_000].map((n) => crypto.randomBytes(n));
    parts.forEach((p, i) => d.write(`big/p${i}.bin`, p));
    const res = await rawOne(
      port,
      get(`/big/??${parts.map((_, i) => `p${i}.bin`).join(',')}`),
      2000,
    );
    const want = Buffer.concat(parts);
    expect(header(res, 'Content-Length')).toBe(String(want.length));
    expect(res.body.equals(want)).toBe(true);
  });

  it('concat hooks: file missing and pre-send (with the newest mtime)', async () => {
    const { pb, port } = await web();
    const hooks = pb.core.services.get('web')!.hooks;
    const mtimes: number[] = [];
    hooks.handle(
      't',
      'concat_get_poststat_file_missing',
      (c: { sendResponse(code: number, m: string): void }) => {
        c.sendResponse(200, 'fallback');
        return true;
      },
    );
    hooks.handle('t', 'concat_get_poststat_pre_send', (_c: unknown, mtime: number) => {
      mtimes.push(mtime);
      return false;
    });
    expect((await rawOne(port, get('/sub/??nope.css'))).body.toString()).toContain('fallback');
    expect((await rawOne(port, get('/sub/??a.css'))).status).toBe(200);
    expect(mtimes).toEqual([FIXED_MTIME]);
  });

  it('500 Docroot unconfigured', async () => {
    const pb = await startCore(
      'CREATE SERVICE web\n SET role = web_server\n SET listen = 127.0.0.1:0\n SET enable_concatenate_get = on\nENABLE web\n',
    );
    const res = await rawOne(pb.port('web'), get('/sub/??a.css'));
    expect(res.body.toString()).toBe('<h1>500 - Internal Server Error</h1>\nDocroot unconfigured');
  });
});
