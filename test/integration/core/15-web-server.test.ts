/**
 * The web_server role on real sockets: Perlbal t/15-webserver plus the verified transcripts
 * of spec 16.2 and section 9.1-9.2 (dispatch, decoding, MIME, keep-alive, HEAD, errors) and
 * the deliberate fix for fifos and open failures.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import {
  header,
  rawOne,
  rawRequest,
  parseResponses,
  RawConnection,
} from '../../helpers/raw-http.js';
import { FIXED_LASTMOD, makeDocroot, webConf } from '../../fixtures/docroot/build.js';

const DATE = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/;

async function web(extra: string[] = []) {
  const d = makeDocroot();
  const pb = await startCore(webConf(d.docroot, extra));
  return { d, pb, port: pb.port('web') };
}

describe('static GET (t/15, spec 9.2)', () => {
  it('serves a file with Perlbal’s exact head', async () => {
    const { port } = await web();
    const res = await rawOne(port, 'GET /hello.txt HTTP/1.0\r\n\r\n');
    expect(res.statusLine).toBe('HTTP/1.0 200 OK');
    expect(res.headers.map(([k]) => k)).toEqual([
      'Date',
      'Server',
      'Last-Modified',
      'Accept-Ranges',
      'Content-Type',
      'Content-Length',
      'Connection',
    ]);
    expect(header(res, 'Date')).toMatch(DATE);
    expect(header(res, 'Server')).toBe('Perlbal');
    expect(header(res, 'Last-Modified')).toBe(FIXED_LASTMOD);
    expect(header(res, 'Accept-Ranges')).toBe('bytes');
    expect(header(res, 'Content-Type')).toBe('text/plain');
    expect(header(res, 'Content-Length')).toBe('12');
    expect(header(res, 'Connection')).toBe('close');
    expect(res.body.toString()).toBe('hello world\n');
    expect(res.closed).toBe(true);
  });

  it.each([
    ['/hello.txt?foo=bar', 'hello world\n'],
    ['/hello.txt%3Fjunk', 'hello world\n'],
    ['/hello%2etxt', 'hello world\n'],
    ['//hello.txt', 'hello world\n'],
    ['/bar+baz.txt', 'plus\n'],
    ['/foo..123.txt', 'dots\n'],
    ['/two%20words.txt', 'spaces\n'],
    ['/caf%C3%A9.txt', 'utf8 name\n'],
    ['/link-in.txt', 'hello world\n'],
    ['/./hello.txt', 'hello world\n'],
  ])('GET %s', async (uri, body) => {
    const { port } = await web();
    const res = await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(body);
  });

  it('serves an empty file', async () => {
    const { port } = await web();
    const res = await rawOne(port, 'GET /empty.txt HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(200);
    expect(header(res, 'Content-Length')).toBe('0');
    expect(res.body.length).toBe(0);
  });

  it('404 for missing files, with Perlbal’s simple response', async () => {
    const { port } = await web();
    for (const uri of ['/nope.txt', '/hello.txt/', '/sub/nope/x']) {
      const res = await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
      expect(res.raw).toBe(
        'HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 25\r\nServer: Perlbal\r\n' +
          'Connection: close\r\n\r\n<h1>404 - Not Found</h1>\n',
      );
    }
  });

  it('403 Bogus URL for /../ (decoded first), also in the query', async () => {
    const { port } = await web();
    for (const uri of [
      '/sub/../hello.txt',
      '/%2e%2e/etc/passwd',
      '/sub/%2E%2E/hello.txt',
      '/hello.txt?x=/../',
    ]) {
      const res = await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
      expect(res.status, uri).toBe(403);
      expect(res.body.toString()).toBe('<h1>403 - Forbidden</h1>\nBogus URL');
    }
  });

  it('500 Docroot unconfigured', async () => {
    const pb = await startCore(
      'CREATE SERVICE web\n SET role = web_server\n SET listen = 127.0.0.1:0\nENABLE web\n',
    );
    const res = await rawOne(pb.port('web'), 'GET /hello.txt HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(500);
    expect(res.body.toString()).toBe('<h1>500 - Internal Server Error</h1>\nDocroot unconfigured');
  });
});

describe('MIME types (spec 9.2.8)', () => {
  it.each([
    ['/page.html', 'text/html'],
    ['/style.css', 'text/css'],
    ['/sub/dir2/x.js', 'application/x-javascript'],
    ['/UPPER.PNG', 'text/plain'],
    ['/x.tar.gz', 'text/plain'],
    ['/sub/noext', 'text/plain'],
  ])('%s is %s', async (uri, type) => {
    const { port } = await web();
    expect(header(await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`), 'Content-Type')).toBe(type);
  });

  it('follows MIME commands', async () => {
    const d = makeDocroot();
    d.write('data.json', '{}');
    const pb = await startCore(
      `MIME set json application/json\nMIME remove css\n${webConf(d.docroot)}`,
    );
    expect(
      header(await rawOne(pb.port('web'), 'GET /data.json HTTP/1.0\r\n\r\n'), 'Content-Type'),
    ).toBe('application/json');
    expect(
      header(await rawOne(pb.port('web'), 'GET /style.css HTTP/1.0\r\n\r\n'), 'Content-Type'),
    ).toBe('text/plain');
  });
});

describe('dispatch (spec 9.1)', () => {
  it.each([
    'POST /hello.txt HTTP/1.0\r\nContent-Length: 0',
    'OPTIONS * HTTP/1.0',
    'PATCH /hello.txt HTTP/1.0',
  ])('%s is a 400', async (line) => {
    const { port } = await web();
    const r = await rawRequest(port, `${line}\r\n\r\n`);
    const [res] = parseResponses(r.bytes);
    expect(res!.statusLine).toBe('HTTP/1.0 400 Bad request');
    expect(res!.body.toString()).toBe('<h1>400 - Bad request</h1>\n');
  });

  it('a lower-case method is a 400 too (llhttp refuses it before the role)', async () => {
    const { port } = await web();
    const res = await rawOne(port, 'get /hello.txt HTTP/1.0\r\n\r\n');
    expect(res.statusLine).toBe('HTTP/1.0 400 Bad request');
  });

  it('PUT and DELETE are 403 unless enabled', async () => {
    const { port, d } = await web();
    expect(
      (await rawOne(port, 'PUT /new.txt HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi')).status,
    ).toBe(403);
    expect((await rawOne(port, 'DELETE /hello.txt HTTP/1.0\r\n\r\n')).status).toBe(403);
    expect(fs.existsSync(d.file('new.txt'))).toBe(false);
    expect(fs.existsSync(d.file('hello.txt'))).toBe(true);
  });

  it('start_web_request, then start_http_request, may take over', async () => {
    const { pb, port } = await web();
    const calls: string[] = [];
    const hooks = pb.core.services.get('web')!.hooks;
    hooks.handle(
      't',
      'start_web_request',
      (c: { reqHeaders: { uri: string }; sendResponse(code: number, m: string): void }) => {
        calls.push('web');
        if (c.reqHeaders.uri === '/web') return (c.sendResponse(200, 'web hook'), true);
        return false;
      },
    );
    hooks.handle(
      't',
      'start_http_request',
      (c: { reqHeaders: { uri: string }; sendResponse(code: number, m: string): void }) => {
        calls.push('http');
        if (c.reqHeaders.uri === '/http') return (c.sendResponse(200, 'http hook'), true);
        return false;
      },
    );
    expect((await rawOne(port, 'GET /web HTTP/1.0\r\n\r\n')).body.toString()).toContain('web hook');
    expect((await rawOne(port, 'GET /http HTTP/1.0\r\n\r\n')).body.toString()).toContain(
      'http hook',
    );
    expect((await rawOne(port, 'GET /hello.txt HTTP/1.0\r\n\r\n')).status).toBe(200);
    expect(calls).toEqual(['web', 'web', 'http', 'web', 'http']);
  });
});

describe('HEAD', () => {
  it('sends the head with Content-Length and no body', async () => {
    const { port } = await web();
    const r = await rawRequest(port, 'HEAD /hello.txt HTTP/1.0\r\n\r\n');
    expect(r.text.endsWith('Connection: close\r\n\r\n')).toBe(true);
    expect(r.text).toContain('Content-Length: 12\r\n');
  });
});

describe('keep-alive (spec 6.4)', () => {
  it('HTTP/1.1 keeps the connection for several requests, GET and HEAD mixed', async () => {
    const { port } = await web(['persist_client = on']);
    const conn = await RawConnection.open(port);
    try {
      conn.write('GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n');
      const a = await conn.read();
      expect(header(a, 'Connection')).toBe('keep-alive');
      expect(header(a, 'Keep-Alive')).toBe('timeout=30, max=100');
      expect(a.headers.map(([k]) => k).slice(-2)).toEqual(['Connection', 'Keep-Alive']);
      expect(a.body.toString()).toBe('hello world\n');
      conn.write('HEAD /range.bin HTTP/1.1\r\nHost: x\r\n\r\n');
      const b = await conn.read(5000, true);
      expect(header(b, 'Content-Length')).toBe('20');
      conn.write('GET /nope HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await conn.read()).status).toBe(404);
      conn.write('GET /range.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=2-5\r\n\r\n');
      expect((await conn.read()).body.toString()).toBe('2345');
      conn.write('GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      expect(header(await conn.read(), 'Connection')).toBe('keep-alive');
      conn.write('GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const last = await conn.read();
      expect(header(last, 'Connection')).toBe('close');
      expect(await conn.waitClosed()).toBe(true);
    } finally {
      conn.close();
    }
  });

  it('pipelined requests are answered in order on one connection', async () => {
    const { port } = await web(['persist_client = on']);
    const r = await rawRequest(
      port,
      'GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /range.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const res = parseResponses(r.bytes);
    expect(res.map((x) => x.status)).toEqual([200, 200, 404]);
    expect(res[1]!.body.toString()).toBe('0123456789abcdefghij');
    expect(r.closed).toBe(true);
  });

  it('persist_client off closes even when asked to keep alive', async () => {
    const { port } = await web();
    const res = await rawOne(port, 'GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(header(res, 'Connection')).toBe('close');
    expect(header(res, 'Keep-Alive')).toBeUndefined();
    expect(res.closed).toBe(true);
  });

  it('persist_client_idle_timeout = 0 drops the Keep-Alive header', async () => {
    const { port } = await web(['persist_client = on', 'persist_client_idle_timeout = 0']);
    const res = await rawOne(port, 'GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(header(res, 'Connection')).toBe('keep-alive');
    expect(header(res, 'Keep-Alive')).toBeUndefined();
  });
});

describe('hooks of _serve_request (spec 14)', () => {
  it('start_serve_request may rewrite the URI', async () => {
    const { pb, port } = await web();
    pb.core.services
      .get('web')!
      .hooks.handle('t', 'start_serve_request', (_c: unknown, box: { value: string }) => {
        if (box.value === '/alias') box.value = '/hello.txt';
        return false;
      });
    const res = await rawOne(port, 'GET /alias HTTP/1.0\r\n\r\n');
    expect(res.body.toString()).toBe('hello world\n');
  });

  it('static_get_poststat_file_missing takes over a 404', async () => {
    const { pb, port } = await web();
    pb.core.services
      .get('web')!
      .hooks.handle(
        't',
        'static_get_poststat_file_missing',
        (c: { sendResponse(code: number, m: string): void }) => {
          c.sendResponse(200, 'made up');
          return true;
        },
      );
    expect((await rawOne(port, 'GET /nope HTTP/1.0\r\n\r\n')).body.toString()).toContain('made up');
  });

  it('static_get_poststat_pre_send gets the mtime, before 200 only', async () => {
    const { pb, port } = await web();
    const seen: number[] = [];
    pb.core.services
      .get('web')!
      .hooks.handle('t', 'static_get_poststat_pre_send', (_c: unknown, mtime: number) => {
        seen.push(mtime);
        return false;
      });
    await rawOne(port, 'GET /hello.txt HTTP/1.0\r\n\r\n');
    await rawOne(port, 'GET /range.bin HTTP/1.0\r\nRange: bytes=1-2\r\n\r\n');
    await rawOne(port, `GET /hello.txt HTTP/1.0\r\nIf-Modified-Since: ${FIXED_LASTMOD}\r\n\r\n`);
    expect(seen).toEqual([1795560205]);
  });

  it('modify_response_headers can change the head', async () => {
    const { pb, port } = await web();
    pb.core.services
      .get('web')!
      .hooks.handle(
        't',
        'modify_response_headers',
        (c: { resHeaders: { setHeader(k: string, v: string): void } }) => {
          c.resHeaders.setHeader('X-Test', 'yes');
          return false;
        },
      );
    const res = await rawOne(port, 'GET /hello.txt HTTP/1.0\r\n\r\n');
    expect(header(res, 'X-Test')).toBe('yes');
    expect(res.body.toString()).toBe('hello world\n');
  });

  it('start_send_file may send a prefix and resume (the Palimg pattern)', async () => {
    const { pb, port } = await web();
    pb.core.services
      .get('web')!
      .hooks.handle(
        't',
        'start_send_file',
        (c: { write(s: string): boolean }, t: { offset: number; resume(): void }) => {
          c.write('HELLO');
          t.offset += 5;
          setTimeout(() => t.resume(), 5);
          return true;
        },
      );
    const res = await rawOne(port, 'GET /hello.txt HTTP/1.0\r\n\r\n');
    expect(header(res, 'Content-Length')).toBe('12');
    expect(res.body.toString()).toBe('HELLO world\n');
  });
});

describe('files that cannot be sent (deliberate fix: Perlbal hung or closed silently)', () => {
  it('a fifo is a 403, not a hang', async () => {
    const { port } = await web();
    const res = await rawOne(port, 'GET /fifo HTTP/1.0\r\n\r\n', 2000);
    expect(res.status).toBe(403);
    expect(res.body.toString()).toBe('<h1>403 - Forbidden</h1>\nNot a regular file');
    expect(res.closed).toBe(true);
  });

  it('a file that vanishes between stat and open is a clean 500', async () => {
    const { pb, port, d } = await web();
    pb.core.services.get('web')!.hooks.handle('t', 'static_get_poststat_pre_send', () => {
      fs.unlinkSync(d.file('hello.txt'));
      return false;
    });
    const r = await rawRequest(port, 'GET /hello.txt HTTP/1.0\r\n\r\n');
    const res = parseResponses(r.bytes);
    expect(res).toHaveLength(1);
    expect(res[0]!.statusLine).toBe('HTTP/1.0 500 Internal Server Error');
    expect(res[0]!.body.toString()).toBe(
      '<h1>500 - Internal Server Error</h1>\nCould not open file',
    );
  });

  it('a file that shrinks between stat and read is served again, consistently', async () => {
    const { pb, port, d } = await web();
    let once = true;
    pb.core.services.get('web')!.hooks.handle('t', 'modify_response_headers', () => {
      if (once) fs.writeFileSync(d.file('hello.txt'), 'short\n');
      once = false;
      return false;
    });
    const r = await rawRequest(port, 'GET /hello.txt HTTP/1.0\r\n\r\n');
    const res = parseResponses(r.bytes);
    expect(res).toHaveLength(1);
    expect(header(res[0]!, 'Content-Length')).toBe('6');
    expect(res[0]!.body.toString()).toBe('short\n');
  });
});

describe('hot files served from memory stay in step with the disk', () => {
  it('a change of content, even of the same size, is served at once', async () => {
    const { port, d } = await web(['persist_client = on']);
    fs.writeFileSync(d.file('hot.txt'), 'version 1\n');
    fs.writeFileSync(d.file('hot-big.bin'), Buffer.alloc(100_000, 'a'));
    // Files are only kept once they have been unchanged for a second.
    await new Promise((r) => setTimeout(r, 1100));
    const conn = await RawConnection.open(port);
    try {
      const get = async (
        uri: string,
        extra = '',
      ): Promise<Awaited<ReturnType<RawConnection['read']>>> => {
        conn.write(`GET ${uri} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`);
        return conn.read();
      };
      expect((await get('/hot.txt')).body.toString()).toBe('version 1\n');
      expect((await get('/hot.txt')).body.toString()).toBe('version 1\n');
      expect((await get('/hot-big.bin')).body.equals(Buffer.alloc(100_000, 'a'))).toBe(true);
      expect((await get('/hot-big.bin', 'Range: bytes=99990-\r\n')).body.toString()).toBe(
        'aaaaaaaaaa',
      );
      fs.writeFileSync(d.file('hot.txt'), 'version 2\n');
      fs.writeFileSync(d.file('hot-big.bin'), Buffer.alloc(100_000, 'b'));
      expect((await get('/hot.txt')).body.toString()).toBe('version 2\n');
      expect((await get('/hot-big.bin')).body.equals(Buffer.alloc(100_000, 'b'))).toBe(true);
      fs.renameSync(d.file('hello.txt'), d.file('hot.txt'));
      expect((await get('/hot.txt')).body.toString()).toBe('hello world\n');
      fs.unlinkSync(d.file('hot.txt'));
      expect((await get('/hot.txt')).status).toBe(404);
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
  });
});
