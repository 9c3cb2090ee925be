/**
 * Directory requests (spec 9.4, t/15): index_files in order, "Directory listing disabled",
 * the dirindexing listing (escaped, and without a body for HEAD: deliberate fixes), no
 * trailing-slash redirect.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { header, rawOne, rawRequest, RawConnection } from '../../helpers/raw-http.js';
import { FIXED_LASTMOD, makeDocroot, webConf } from '../../fixtures/docroot/build.js';

async function web(extra: string[] = []) {
  const d = makeDocroot();
  const pb = await startCore(webConf(d.docroot, extra));
  return { d, pb, port: pb.port('web') };
}

const LISTING =
  "<html><body><b><a href='/list/./'>.</a></b><br />\n" +
  "<b><a href='/list/../'>..</a></b><br />\n" +
  "<a href='/list/UPPER.PNG'>UPPER.PNG</a><br />\n" +
  "<a href='/list/one.txt'>one.txt</a><br />\n" +
  "<a href='/list/two%20words.html'>two words.html</a><br />\n" +
  "<b><a href='/list/zdir/'>zdir</a></b><br />\n" +
  '</body></html>';

describe('index files', () => {
  it.each(['/sub', '/sub/', '/sub//', '/sub/?v=1'])(
    '%s serves sub/index.html (no redirect)',
    async (uri) => {
      const { port } = await web();
      const res = await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
      expect(res.status).toBe(200);
      expect(res.headers.map(([k]) => k)).toEqual([
        'Date',
        'Server',
        'Last-Modified',
        'Accept-Ranges',
        'Content-Type',
        'Content-Length',
        'Connection',
      ]);
      expect(header(res, 'Content-Type')).toBe('text/html');
      expect(header(res, 'Content-Length')).toBe('19');
      expect(res.body.toString()).toBe('<html>index</html>\n');
    },
  );

  it('tries index_files in order and serves the first regular file', async () => {
    const { port, d } = await web(['index_files = index.html, second.htm, third.html']);
    fs.mkdirSync(d.file('idx/index.html'));
    const res = await rawOne(port, 'GET /idx/ HTTP/1.0\r\n\r\n');
    expect(res.body.toString()).toBe('<p>second</p>\n');
    expect(header(res, 'Content-Type')).toBe('text/html');
  });

  it('falls back to "Directory listing disabled" when none exists', async () => {
    const { port } = await web(['index_files = nope.html, also-nope.html']);
    const res = await rawOne(port, 'GET /noindex/ HTTP/1.0\r\n\r\n');
    expect(res.raw).toBe(
      'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 44\r\nServer: Perlbal\r\nConnection: close\r\n\r\n' +
        '<h1>200 - OK</h1>\nDirectory listing disabled',
    );
  });

  it('serves the index of a directory whose name has a % (Perlbal decoded it twice: 404)', async () => {
    const { port, d } = await web();
    d.write('pct%41dir/index.html', 'pct\n');
    const res = await rawOne(port, 'GET /pct%2541dir/ HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('pct\n');
  });

  it('never answers 304 or 206 for a directory', async () => {
    const { port } = await web(['dirindexing = on']);
    const res = await rawOne(
      port,
      `GET /list/ HTTP/1.0\r\nIf-Modified-Since: ${FIXED_LASTMOD}\r\nRange: bytes=0-3\r\n\r\n`,
    );
    expect(res.status).toBe(200);
  });
});

describe('dirindexing listing', () => {
  it.each(['/list/', '/list', '/list///', '/list/?x=1'])(
    '%s lists the directory like Perlbal',
    async (uri) => {
      const { port } = await web(['dirindexing = on']);
      const res = await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
      expect(res.statusLine).toBe('HTTP/1.0 200 OK');
      expect(res.headers.map(([k]) => k)).toEqual([
        'Date',
        'Server',
        'Last-Modified',
        'Content-Type',
        'Content-Length',
        'Connection',
      ]);
      expect(header(res, 'Last-Modified')).toBe(FIXED_LASTMOD);
      expect(header(res, 'Content-Type')).toBe('text/html');
      expect(header(res, 'Content-Length')).toBe(String(LISTING.length));
      expect(res.body.toString()).toBe(LISTING);
    },
  );

  it('escapes names (deliberate fix: Perlbal pasted them raw)', async () => {
    const { port, d } = await web(['dirindexing = on']);
    d.write("esc/<script>alert('x')<", 'x');
    d.write('esc/a&b.txt', 'x');
    const res = await rawOne(port, 'GET /esc/ HTTP/1.0\r\n\r\n');
    const body = res.body.toString();
    expect(body).not.toContain('<script>');
    expect(body).toContain(
      "<a href='/esc/%3Cscript%3Ealert%28%27x%27%29%3C'>&lt;script&gt;alert(&#39;x&#39;)&lt;</a>",
    );
    expect(body).toContain("<a href='/esc/a%26b.txt'>a&amp;b.txt</a>");
    expect(header(res, 'Content-Length')).toBe(String(res.body.length));
  });

  it('HEAD gets the head only (deliberate fix: Perlbal sent the body) and keep-alive holds', async () => {
    const { port } = await web(['dirindexing = on', 'persist_client = on']);
    const conn = await RawConnection.open(port);
    try {
      conn.write('HEAD /list/ HTTP/1.1\r\nHost: x\r\n\r\n');
      const head = await conn.read(5000, true);
      expect(header(head, 'Content-Length')).toBe(String(LISTING.length));
      expect(header(head, 'Connection')).toBe('keep-alive');
      conn.write('GET /list/ HTTP/1.1\r\nHost: x\r\n\r\n');
      const get = await conn.read();
      expect(get.body.toString()).toBe(LISTING);
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
    const r = await rawRequest(port, 'HEAD /list/ HTTP/1.0\r\n\r\n');
    expect(r.text.endsWith('Connection: close\r\n\r\n')).toBe(true);
  });

  it('a directory that cannot be read lists nothing (Perlbal)', async () => {
    const { pb, port, d } = await web(['dirindexing = on']);
    fs.mkdirSync(d.file('gone'));
    // Removed between stat and opendir: the same as an unreadable one (root reads anything).
    pb.core.services.get('web')!.hooks.handle('t', 'static_get_poststat_pre_send', () => {
      fs.rmdirSync(d.file('gone'));
      return false;
    });
    const res = await rawOne(port, 'GET /gone/ HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('<html><body></body></html>');
  });
});
