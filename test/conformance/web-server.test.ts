/**
 * The web_server role against the real Perlbal 1.80: the same raw requests to both, the same
 * status line, headers (Date aside) and body back. Where we differ on purpose
 * (docs/compatibility.md) the test states Perlbal's answer and ours explicitly.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  havePerlbal,
  sendBoth,
  startOurs,
  startPerlbal,
  type Comparable,
  type Server,
} from './harness.js';
import { FIXED_LASTMOD, makeDocroot, type Docroot } from '../fixtures/docroot/build.js';
import { rawRequest } from '../helpers/raw-http.js';

const template = (docroot: string, extra = ''): string => `
SERVER aio_mode = none
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:{{port:web}}
  SET docroot = ${docroot}
  SET dirindexing = 1
  SET persist_client = on
  SET enable_concatenate_get = 1
  SET enable_put = 1
  SET enable_delete = 1
${extra}
ENABLE web
`;

type Both = { perlbal: Server; ours: Server };

async function start(extra = ''): Promise<{ servers: Both; d: Docroot; d2: Docroot }> {
  // Separate but identical docroots, so writes by one server can't affect the other.
  const d = makeDocroot();
  const d2 = makeDocroot();
  const [perlbal, ours] = await Promise.all([
    startPerlbal(template(d.docroot, extra), ['web']),
    startOurs(template(d2.docroot, extra)),
  ]);
  return { servers: { perlbal, ours }, d, d2 };
}

const req = (line: string, headers = ''): string => `${line}\r\n${headers}\r\n`;

describe.runIf(havePerlbal())('web_server vs Perlbal 1.80', () => {
  let servers: Both;
  let d: Docroot;
  let d2: Docroot;

  beforeEach(async () => {
    ({ servers, d, d2 } = await start());
  });

  const both = (
    request: string,
    idleMs = 400,
  ): Promise<{ perlbal: Comparable[]; ours: Comparable[] }> =>
    sendBoth(servers, 'web', request, idleMs);

  const same = async (request: string): Promise<Comparable[]> => {
    const r = await both(request);
    expect(r.ours, JSON.stringify(request)).toEqual(r.perlbal);
    expect(r.ours.length, JSON.stringify(request)).toBeGreaterThan(0);
    return r.ours;
  };

  it('static GET and HEAD, query strings, decoding, MIME, errors', async () => {
    for (const uri of [
      '/hello.txt',
      '/hello.txt?foo=bar',
      '/hello.txt%3Fjunk',
      '/hello%2etxt',
      '//hello.txt',
      '/bar+baz.txt',
      '/foo..123.txt',
      '/two%20words.txt',
      '/caf%C3%A9.txt',
      '/empty.txt',
      '/page.html',
      '/style.css',
      '/UPPER.PNG',
      '/x.tar.gz',
      '/sub/noext',
      '/sub/dir2/x.js',
      '/link-in.txt',
      '/nope.txt',
      '/hello.txt/',
      '/sub/../hello.txt',
      '/%2e%2e/etc/passwd',
      '/hello.txt?x=/../',
    ]) {
      await same(req(`GET ${uri} HTTP/1.0`));
      await same(req(`HEAD ${uri} HTTP/1.0`));
    }
  });

  it('dispatch: other methods are 400, PUT/DELETE as configured', async () => {
    await same(req('POST /hello.txt HTTP/1.0', 'Content-Length: 0\r\n'));
    await same(req('OPTIONS * HTTP/1.0'));
    await same(req('PATCH /hello.txt HTTP/1.0'));
  });

  it('keep-alive: HTTP/1.1, HTTP/1.0 + keep-alive, close, pipelining', async () => {
    await same(req('GET /hello.txt HTTP/1.1', 'Host: x\r\n'));
    await same(req('GET /hello.txt HTTP/1.0', 'Connection: keep-alive\r\n'));
    await same(req('GET /hello.txt HTTP/1.1', 'Host: x\r\nConnection: close\r\n'));
    await same(
      'GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /range.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n',
    );
  });

  it('ranges Perlbal and we agree on', async () => {
    for (const range of [
      'bytes=2-5',
      'bytes=15-',
      'bytes=5-100',
      'bytes=0-0',
      'bytes=20-',
      'bytes=5-1',
      'bytes=0-1,3-4',
      'bytes=-',
      'bytes=-0',
      'bytes = 1-2',
    ]) {
      await same(req('GET /range.bin HTTP/1.0', `Range: ${range}\r\n`));
    }
    await same(req('GET /range.bin HTTP/1.1', 'Host: x\r\nRange: bytes=30-\r\n'));
  });

  it('If-Modified-Since as Perlbal compares it', async () => {
    await same(req('GET /hello.txt HTTP/1.0', `If-Modified-Since: ${FIXED_LASTMOD}\r\n`));
    await same(
      req('GET /hello.txt HTTP/1.1', `Host: x\r\nIf-Modified-Since: ${FIXED_LASTMOD}\r\n`),
    );
    await same(
      req('GET /hello.txt HTTP/1.0', `If-Modified-Since: ${FIXED_LASTMOD}; length=12\r\n`),
    );
    await same(req('GET /hello.txt HTTP/1.0', `If-Modified-Since: ${FIXED_LASTMOD}; length=3\r\n`));
    await same(
      req('GET /hello.txt HTTP/1.0', 'If-Modified-Since: Tue, 24 Nov 2020 22:43:25 GMT\r\n'),
    );
    await same(
      req('GET /range.bin HTTP/1.0', `If-Modified-Since: ${FIXED_LASTMOD}\r\nRange: bytes=1-2\r\n`),
    );
  });

  it('directories: index files, listing disabled, listings of plain names', async () => {
    await same(req('GET /sub HTTP/1.0'));
    await same(req('GET /sub/ HTTP/1.0'));
    await same(req('GET /sub/?v=1 HTTP/1.0'));
    await same(req('GET /list/zdir/ HTTP/1.0'));
    await same(req('GET /list/zdir HTTP/1.1', 'Host: x\r\n'));
  });

  it('directory listing disabled', async () => {
    ({ servers } = await start('  SET dirindexing = 0\n  SET index_files = nope.html'));
    await same(req('GET /noindex/ HTTP/1.0'));
    await same(req('GET /sub/ HTTP/1.0'));
  });

  it('concatenation', async () => {
    for (const uri of [
      '/sub/??a.css,b.css,dir2/x.js',
      '/sub/??a.css,a.css',
      '/sub/??bar/b.txt',
      '/sub/??a.css?v=123',
      '/sub/??a.css,b.css,',
      '/sub/??noext,b.css',
      '/sub??a.css',
      '/sub/??',
      '/nope/??a.css',
      '/sub/??a.css,nope.css',
      '/sub/??a.css,,b.css',
      '/sub/??../hello.txt',
      '/sub/??dir2/../a.css',
    ]) {
      await same(req(`GET ${uri} HTTP/1.0`));
    }
    await same(req('HEAD /sub/??a.css,b.css HTTP/1.0'));
    await same(
      req('GET /sub/??a.css,b.css HTTP/1.1', `Host: x\r\nIf-Modified-Since: ${FIXED_LASTMOD}\r\n`),
    );
    await same(req(`GET /sub/??${Array.from({ length: 101 }, () => 'a.css').join(',')} HTTP/1.0`));
  });

  it('PUT and DELETE', async () => {
    const md5 = (s: string): string => crypto.createHash('md5').update(s).digest('base64');
    await same(req('PUT /new/dir/file.txt HTTP/1.0', 'Content-Length: 5\r\n') + 'hello');
    expect(fs.readFileSync(d.file('new/dir/file.txt'), 'utf8')).toBe('hello');
    expect(fs.readFileSync(d2.file('new/dir/file.txt'), 'utf8')).toBe('hello');
    await same(
      req('PUT /md5.txt HTTP/1.0', `Content-Length: 7\r\nContent-MD5: ${md5('checked')}\r\n`) +
        'checked',
    );
    await same(
      req('PUT /md5.txt HTTP/1.0', `Content-Length: 7\r\nContent-MD5: ${md5('other')}\r\n`) +
        'checked',
    );
    await same(req('PUT / HTTP/1.0', 'Content-Length: 1\r\n') + 'x');
    await same(req('PUT /a%20b HTTP/1.0', 'Content-Length: 1\r\n') + 'x');
    await same(req('PUT /zero.txt HTTP/1.0'));
    await same(req('PUT /hello.txt/x/y.txt HTTP/1.0', 'Content-Length: 1\r\n') + 'x');
    await same(req('PUT /sub HTTP/1.0', 'Content-Length: 1\r\n') + 'x');
    await same(
      `PUT /chunked.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
    );
    expect(fs.readFileSync(d2.file('chunked.txt'), 'utf8')).toBe('hello');
    await same(req('DELETE /hello.txt HTTP/1.0'));
    await same(req('DELETE /hello.txt HTTP/1.0'));
    await same(req('DELETE /sub HTTP/1.0'));
    await same(req('DELETE /hello.txt/x HTTP/1.0'));
    await same(req('DELETE /a/../b HTTP/1.0'));
  });

  it('PUT limits and min_put_directory', async () => {
    ({ servers, d, d2 } = await start('  SET max_put_size = 4\n  SET min_put_directory = 1'));
    await same(req('PUT /top/file.txt HTTP/1.0', 'Content-Length: 5\r\n') + 'hello');
    await same(req('PUT /file.txt HTTP/1.0', 'Content-Length: 1\r\n') + 'x');
    await same(req('PUT /nodir/file.txt HTTP/1.0', 'Content-Length: 1\r\n') + 'x');
    await same(req('PUT /sub/file.txt HTTP/1.0', 'Content-Length: 1\r\n') + 'x');
  });

  describe('documented differences', () => {
    it('suffix ranges are the last N bytes', async () => {
      const r = await both(req('GET /range.bin HTTP/1.0', 'Range: bytes=-5\r\n'));
      expect(r.perlbal[0]!.body).toBe('012345');
      expect(r.ours[0]!.body).toBe('fghij');
      expect(r.ours[0]!.headers).toContainEqual(['Content-Range', 'bytes 15-19/20']);
    });

    it('empty files: a proper 416', async () => {
      const a = await both(req('GET /empty.txt HTTP/1.0', 'Range: bytes=0-\r\n'));
      expect(a.perlbal[0]!.headers[0]).toEqual(['Content-Range', '*']);
      expect(a.ours[0]!.headers[0]).toEqual(['Content-Range', 'bytes */0']);
      const b = await both(req('GET /empty.txt HTTP/1.0', 'Range: bytes=-5\r\n'));
      expect(b.perlbal[0]!.headers).toContainEqual(['Content-Range', 'bytes 0--1/0']);
      expect(b.ours[0]!.statusLine).toBe('HTTP/1.0 416 Request range not satisfiable');
    });

    it('a trailing /.. is refused instead of listing the parent', async () => {
      const r = await both(req('GET /sub/.. HTTP/1.0'));
      expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 200 OK');
      expect(r.perlbal[0]!.body).toContain("href='/sub/../hello.txt'");
      expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 403 Forbidden');
    });

    it('malformed escapes and non-UTF-8 bytes are refused', async () => {
      for (const uri of ['/%zz/hello.txt', '/%c0%ae%c0%ae/hello.txt']) {
        const r = await both(req(`GET ${uri} HTTP/1.0`));
        expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 404 Not Found');
        expect(r.ours[0]!.body).toBe('<h1>403 - Forbidden</h1>\nBogus URL');
      }
    });

    it('listings escape names, encode hrefs, and send no body for HEAD', async () => {
      const get = await both(req('GET /list/ HTTP/1.0'));
      expect(get.perlbal[0]!.body).toContain("<a href='/list/two words.html'>two words.html</a>");
      expect(get.ours[0]!.body).toContain("<a href='/list/two%20words.html'>two words.html</a>");
      expect(get.ours[0]!.body.replace('%20', ' ')).toBe(get.perlbal[0]!.body);
      const [pb, ours] = await Promise.all(
        [servers.perlbal, servers.ours].map((s) =>
          rawRequest(s.port('web'), req('HEAD /list/ HTTP/1.0')),
        ),
      );
      expect(pb!.text.endsWith('</body></html>')).toBe(true);
      expect(ours!.text.endsWith('Connection: close\r\n\r\n')).toBe(true);
    });

    it('a fifo is a 403 instead of no answer', async () => {
      const r = await both(req('GET /fifo HTTP/1.0'), 600);
      expect(r.perlbal).toEqual([]);
      expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 403 Forbidden');
    });

    it('If-Modified-Since dates in other formats are compared as dates', async () => {
      const r = await both(
        req('GET /hello.txt HTTP/1.0', 'If-Modified-Since: Tuesday, 24-Nov-26 22:43:25 GMT\r\n'),
      );
      expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 200 OK');
      expect(r.ours[0]!.statusLine).toBe('HTTP/1.0 304 Not Modified');
    });

    it('an index file in a directory whose name has a % is found', async () => {
      d.write('pct%41dir/index.html', 'pct\n');
      d2.write('pct%41dir/index.html', 'pct\n');
      const r = await both(req('GET /pct%2541dir/ HTTP/1.0'));
      expect(r.perlbal[0]!.statusLine).toBe('HTTP/1.0 404 Not Found');
      expect(r.ours[0]!.body).toBe('pct\n');
    });

    it('a Content-Length PUT with Expect: 100-continue gets its 100 before the body', async () => {
      const waitForContinue = async (s: Server): Promise<string> => {
        const sock = net.connect(s.port('web'), '127.0.0.1');
        let got = '';
        sock.setEncoding('latin1');
        sock.on('data', (c: string) => (got += c));
        await new Promise((r) => sock.once('connect', r));
        sock.write(
          req('PUT /cont.txt HTTP/1.1', 'Host: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n'),
        );
        await new Promise((r) => setTimeout(r, 500));
        const before = got;
        sock.write('hi');
        await new Promise((r) => setTimeout(r, 500));
        sock.destroy();
        return `${before}|${got.slice(before.length).split('\r\n')[0]}`;
      };
      const [pb, ours] = await Promise.all([
        waitForContinue(servers.perlbal),
        waitForContinue(servers.ours),
      ]);
      expect(pb).toBe('|HTTP/1.0 200 OK');
      expect(ours).toBe('HTTP/1.1 100 Continue\r\n\r\n|HTTP/1.0 200 OK');
    });
  });
});
