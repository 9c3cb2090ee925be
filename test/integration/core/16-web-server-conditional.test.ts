/**
 * Range and If-Modified-Since on static files (spec 9.2-9.3, t/15 and the web_server part of
 * t/40-ranges), including the deliberate fixes: RFC 9110 suffix ranges, a proper
 * Content-Range for empty files, and IMS dates compared as dates.
 */
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { header, rawOne, RawConnection } from '../../helpers/raw-http.js';
import { FIXED_LASTMOD, FIXED_MTIME, makeDocroot, webConf } from '../../fixtures/docroot/build.js';
import { time2str } from '../../../proxy-core/src/node/http/http-date.js';

async function web(extra: string[] = []) {
  const d = makeDocroot();
  const pb = await startCore(webConf(d.docroot, extra));
  return { d, pb, port: pb.port('web') };
}

const get = (uri: string, extra = ''): string => `GET ${uri} HTTP/1.0\r\n${extra}\r\n`;

describe('Range (spec 9.3, on the 20-byte range.bin)', () => {
  it.each([
    ['bytes=2-5', 206, 'bytes 2-5/20', '2345'],
    ['bytes=15-', 206, 'bytes 15-19/20', 'fghij'],
    ['bytes=5-100', 206, 'bytes 5-19/20', '56789abcdefghij'],
    ['bytes=0-0', 206, 'bytes 0-0/20', '0'],
    ['bytes=0-1,3-4', 200, undefined, '0123456789abcdefghij'],
    ['bytes=-', 200, undefined, '0123456789abcdefghij'],
    ['bytes = 1-2', 200, undefined, '0123456789abcdefghij'],
    ['bytes=-5', 206, 'bytes 15-19/20', 'fghij'],
    ['bytes=-500', 206, 'bytes 0-19/20', '0123456789abcdefghij'],
  ])('%s -> %s', async (range, status, contentRange, body) => {
    const { port } = await web();
    const res = await rawOne(port, get('/range.bin', `Range: ${range}\r\n`));
    expect(res.status).toBe(status);
    expect(header(res, 'Content-Range')).toBe(contentRange);
    expect(header(res, 'Content-Length')).toBe(String(body.length));
    expect(res.body.toString()).toBe(body);
  });

  it('206 head order', async () => {
    const { port } = await web();
    const res = await rawOne(port, get('/range.bin', 'Range: bytes=2-5\r\n'));
    expect(res.statusLine).toBe('HTTP/1.0 206 Partial Content');
    expect(res.headers.map(([k]) => k)).toEqual([
      'Date',
      'Server',
      'Last-Modified',
      'Accept-Ranges',
      'Content-Type',
      'Content-Range',
      'Content-Length',
      'Connection',
    ]);
  });

  it.each(['bytes=20-', 'bytes=25-30', 'bytes=5-1', 'bytes=-0'])(
    '%s is a 416 with Perlbal’s head',
    async (range) => {
      const { port } = await web();
      const res = await rawOne(port, get('/range.bin', `Range: ${range}\r\n`));
      expect(res.statusLine).toBe('HTTP/1.0 416 Request range not satisfiable');
      expect(res.headers.map(([k, v]) => (k === 'Date' ? [k, 'D'] : [k, v]))).toEqual([
        ['Content-Range', 'bytes */20'],
        ['Content-Length', '0'],
        ['Date', 'D'],
        ['Server', 'Perlbal'],
        ['Last-Modified', FIXED_LASTMOD],
        ['Accept-Ranges', 'bytes'],
        ['Connection', 'close'],
      ]);
      expect(res.body.length).toBe(0);
    },
  );

  it('an empty file: every range is a 416 with `bytes */0` (Perlbal wrote `*`)', async () => {
    const { port } = await web();
    for (const range of ['bytes=0-', 'bytes=-5']) {
      const res = await rawOne(port, get('/empty.txt', `Range: ${range}\r\n`));
      expect(res.status).toBe(416);
      expect(header(res, 'Content-Range')).toBe('bytes */0');
    }
  });

  it('t/40: a phrase at the start, the rest after it, past the end', async () => {
    const { port, d } = await web();
    const phrase = 'foo bar';
    d.write('ranges.txt', `${phrase} and then some more text\n`);
    const size = phrase.length + ' and then some more text\n'.length;
    expect((await rawOne(port, get('/ranges.txt', 'Range: bytes=0-6\r\n'))).body.toString()).toBe(
      'foo bar',
    );
    const rest = await rawOne(port, get('/ranges.txt', `Range: bytes=${phrase.length}-\r\n`));
    expect(rest.status).toBe(206);
    expect(rest.body.toString()).toBe(' and then some more text\n');
    expect((await rawOne(port, get('/ranges.txt', `Range: bytes=${size}-\r\n`))).status).toBe(416);
    expect((await rawOne(port, get('/ranges.txt', 'Range: bytes=5-1\r\n'))).status).toBe(416);
  });

  it('HEAD with a range sends the 206 head only; If-Range is ignored', async () => {
    const { port } = await web();
    const head = await rawOne(port, 'HEAD /range.bin HTTP/1.0\r\nRange: bytes=2-5\r\n\r\n');
    expect(head.status).toBe(206);
    expect(head.raw.endsWith('Connection: close\r\n\r\n')).toBe(true);
    const ifRange = await rawOne(
      port,
      get('/range.bin', 'Range: bytes=2-5\r\nIf-Range: "nope"\r\n'),
    );
    expect(ifRange.status).toBe(206);
  });

  it('416 and 206 keep the connection alive', async () => {
    const { port } = await web(['persist_client = on']);
    const conn = await RawConnection.open(port);
    try {
      conn.write('GET /range.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=30-\r\n\r\n');
      const a = await conn.read();
      expect(a.status).toBe(416);
      expect(header(a, 'Connection')).toBe('keep-alive');
      conn.write('GET /range.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=-3\r\n\r\n');
      expect((await conn.read()).body.toString()).toBe('hij');
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
  });
});

describe('If-Modified-Since (spec 9.2)', () => {
  it('the exact Last-Modified gives Perlbal’s 304, without Content-Length', async () => {
    const { port } = await web();
    const res = await rawOne(port, get('/hello.txt', `If-Modified-Since: ${FIXED_LASTMOD}\r\n`));
    expect(res.statusLine).toBe('HTTP/1.0 304 Not Modified');
    expect(res.headers.map(([k]) => k)).toEqual([
      'Date',
      'Server',
      'Last-Modified',
      'Accept-Ranges',
      'Connection',
    ]);
    expect(res.body.length).toBe(0);
  });

  it("IE's `; length=N`", async () => {
    const { port } = await web();
    expect(
      (await rawOne(port, get('/hello.txt', `If-Modified-Since: ${FIXED_LASTMOD}; length=12\r\n`)))
        .status,
    ).toBe(304);
    expect(
      (await rawOne(port, get('/hello.txt', `If-Modified-Since: ${FIXED_LASTMOD}; length=3\r\n`)))
        .status,
    ).toBe(200);
  });

  it('304 wins over Range', async () => {
    const { port } = await web();
    const res = await rawOne(
      port,
      get('/range.bin', `If-Modified-Since: ${FIXED_LASTMOD}\r\nRange: bytes=1-2\r\n`),
    );
    expect(res.status).toBe(304);
  });

  it('304 keeps the connection alive (t/15)', async () => {
    const { port } = await web(['persist_client = on']);
    const conn = await RawConnection.open(port);
    try {
      conn.write(
        `GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: ${FIXED_LASTMOD}\r\n\r\n`,
      );
      const a = await conn.read();
      expect(a.status).toBe(304);
      expect(header(a, 'Connection')).toBe('keep-alive');
      expect(header(a, 'Content-Length')).toBeUndefined();
      conn.write('GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await conn.read()).status).toBe(200);
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
  });

  describe('dates compared as dates (deliberate fix, RFC 9110 13.1.3)', () => {
    it.each([
      ['a later IMF-fixdate', time2str(FIXED_MTIME + 86400), 304],
      ['the RFC 850 form', 'Tuesday, 24-Nov-26 22:43:25 GMT', 304],
      ['the asctime form', 'Tue Nov 24 22:43:25 2026', 304],
      ['an earlier date', time2str(FIXED_MTIME - 1), 200],
      ['garbage', 'yesterday', 200],
      ['a date with a wrong length', `${time2str(FIXED_MTIME + 10)}; length=99`, 200],
    ])('%s', async (_name, ims, status) => {
      const { port } = await web();
      expect((await rawOne(port, get('/hello.txt', `If-Modified-Since: ${ims}\r\n`))).status).toBe(
        status,
      );
    });
  });
});
