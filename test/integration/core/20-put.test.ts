/**
 * PUT and DELETE (spec 9.6-9.7, Perlbal t/20-put): uploads, directory creation and modes,
 * min_put_directory, the enable_* toggles, Content-MD5 (201 / mismatch / enable_md5 off),
 * and the deliberate fixes (no docroot, 100 Continue, temp files removed on abort).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { header, rawOne, RawConnection } from '../../helpers/raw-http.js';
import { listTree, makeDocroot, webConf } from '../../fixtures/docroot/build.js';
import { openFilesUnder, until } from '../../helpers/open-files.js';

const MGMT =
  'CREATE SERVICE mgmt\n SET role = management\n SET listen = 127.0.0.1:0\nENABLE mgmt\n';

async function web(extra: string[] = ['enable_put = on', 'enable_delete = on'], mgmt = false) {
  const d = makeDocroot();
  const pb = await startCore(webConf(d.docroot, extra) + (mgmt ? MGMT : ''));
  return { d, pb, port: pb.port('web') };
}

const put = (uri: string, body: string | Buffer, extra = ''): Buffer =>
  Buffer.concat([
    Buffer.from(
      `PUT ${uri} HTTP/1.0\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n`,
    ),
    Buffer.from(body),
  ]);
const md5 = (s: string | Buffer): string => crypto.createHash('md5').update(s).digest('base64');
const umask = process.umask();



describe('PUT (t/20)', () => {
  it('writes the file and answers 200', async () => {
    const { port, d } = await web();
    const res = await rawOne(port, put('/new.txt', 'hello'));
    expect(res.raw).toBe(
      'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 18\r\nServer: Perlbal\r\nConnection: close\r\n\r\n<h1>200 - OK</h1>\n',
    );
    expect(fs.readFileSync(d.file('new.txt'), 'utf8')).toBe('hello');
    expect(fs.statSync(d.file('new.txt')).mode & 0o777).toBe(0o644 & ~umask);
  });

  it('creates missing directories (0755) and truncates existing files', async () => {
    const { port, d } = await web();
    expect((await rawOne(port, put('/new/dir/deeper/file.txt', 'deep'))).status).toBe(200);
    expect(fs.readFileSync(d.file('new/dir/deeper/file.txt'), 'utf8')).toBe('deep');
    expect(fs.statSync(d.file('new/dir')).mode & 0o777).toBe(0o755 & ~umask);
    expect((await rawOne(port, put('/new/dir/deeper/file.txt', 'x'))).status).toBe(200);
    expect(fs.readFileSync(d.file('new/dir/deeper/file.txt'), 'utf8')).toBe('x');
  });

  it('a PUT without Content-Length makes an empty file', async () => {
    const { port, d } = await web();
    expect((await rawOne(port, 'PUT /zero.txt HTTP/1.0\r\n\r\n')).status).toBe(200);
    expect(fs.readFileSync(d.file('zero.txt')).length).toBe(0);
  });

  it.each(['/', '/a%20b.txt', '/a/../hello.txt', '/x?y=1', '/dir/', '/..foo', '/caf%C3%A9'])(
    '%s is an invalid filename',
    async (uri) => {
      const { port, d } = await web();
      const before = listTree(d.base);
      const res = await rawOne(port, put(uri, 'data'));
      expect(res.status).toBe(400);
      expect(res.body.toString()).toBe('<h1>400 - Bad request</h1>\nInvalid filename');
      expect(listTree(d.base)).toEqual(before);
    },
  );

  it('max_put_size', async () => {
    const { port, d } = await web(['enable_put = on', 'max_put_size = 4']);
    const res = await rawOne(port, put('/big.txt', 'hello'));
    expect(res.body.toString()).toBe('<h1>400 - Bad request</h1>\nContent-length of 5 is invalid.');
    expect(fs.existsSync(d.file('big.txt'))).toBe(false);
    expect((await rawOne(port, put('/ok.txt', 'four'))).status).toBe(200);
  });

  it('failures to open or create are 500s', async () => {
    const { port, d } = await web();
    const underFile = await rawOne(port, put('/hello.txt/x/y.txt', 'x'));
    expect(underFile.body.toString()).toBe('<h1>500 - Internal Server Error</h1>\nInternal error');
    const onDir = await rawOne(port, put('/sub', 'x'));
    expect(onDir.body.toString()).toBe('<h1>500 - Internal Server Error</h1>\nInternal error');
    fs.symlinkSync(`${d.outside}/missing-dir`, d.file('dangling'));
    const dangling = await rawOne(port, put('/dangling/x.txt', 'x'));
    expect(dangling.body.toString()).toBe(
      '<h1>500 - Internal Server Error</h1>\nUnable to create directory',
    );
  });

  it('a fifo is refused, not waited on', async () => {
    const { port } = await web();
    const res = await rawOne(port, put('/fifo', 'x'), 2000);
    expect(res.status).toBe(500);
  });

  it('the connection stays alive after a PUT whose body was read', async () => {
    const { port, d } = await web(['enable_put = on', 'persist_client = on']);
    const conn = await RawConnection.open(port);
    try {
      conn.write('PUT /ka.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc');
      const a = await conn.read();
      expect(a.status).toBe(200);
      expect(header(a, 'Connection')).toBe('keep-alive');
      conn.write('GET /ka.txt HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await conn.read()).body.toString()).toBe('abc');
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
    expect(fs.readFileSync(d.file('ka.txt'), 'utf8')).toBe('abc');
  });

  it('streams a large body to disk intact', async () => {
    const { port, d } = await web();
    const body = crypto.randomBytes(8 * 1024 * 1024 + 13);
    const res = await rawOne(port, put('/large.bin', body), 3000);
    expect(res.status).toBe(200);
    expect(fs.readFileSync(d.file('large.bin')).equals(body)).toBe(true);
    expect(openFilesUnder(d.docroot)).toEqual([]);
  });

  it('a client that disconnects mid-body leaves the partial file and no open descriptor', async () => {
    const { port, d } = await web();
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write('PUT /partial.txt HTTP/1.0\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(5000));
    expect(
      await until(
        () =>
          fs.existsSync(d.file('partial.txt')) && fs.statSync(d.file('partial.txt')).size === 5000,
      ),
    ).toBe(true);
    sock.destroy();
    expect(await until(() => openFilesUnder(d.docroot).length === 0)).toBe(true);
  });

  it('Expect: 100-continue gets its 100 once the PUT is accepted (deliberate fix)', async () => {
    const { port, d } = await web();
    const conn = await RawConnection.open(port);
    try {
      conn.write(
        'PUT /cont.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n',
      );
      const cont = await conn.read();
      expect(cont.statusLine).toBe('HTTP/1.1 100 Continue');
      conn.write('data');
      expect((await conn.read()).status).toBe(200);
    } finally {
      conn.close();
    }
    expect(fs.readFileSync(d.file('cont.txt'), 'utf8')).toBe('data');
    const refused = await rawOne(
      port,
      'PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n',
    );
    expect(refused.statusLine).toBe('HTTP/1.0 400 Bad request');
  });

  it('500 when the docroot is unconfigured (Perlbal wrote below /)', async () => {
    const pb = await startCore(
      'CREATE SERVICE web\n SET role = web_server\n SET listen = 127.0.0.1:0\n SET enable_put = on\n SET enable_delete = on\nENABLE web\n',
    );
    const name = `pb-put-${process.pid}-${Date.now()}.txt`;
    const res = await rawOne(pb.port('web'), put(`/tmp/${name}`, 'x'));
    expect(res.body.toString()).toBe('<h1>500 - Internal Server Error</h1>\nDocroot unconfigured');
    expect(fs.existsSync(`/tmp/${name}`)).toBe(false);
    expect((await rawOne(pb.port('web'), 'DELETE /tmp/nothing HTTP/1.0\r\n\r\n')).status).toBe(500);
  });

  it('handle_put and put_writeout hooks', async () => {
    const { pb, port, d } = await web();
    const hooks = pb.core.services.get('web')!.hooks;
    const written: string[] = [];
    hooks.handle(
      't',
      'handle_put',
      (c: { reqHeaders: { uri: string }; sendResponse(code: number, m: string): void }) => {
        if (c.reqHeaders.uri !== '/mine.txt') return false;
        c.sendResponse(403, 'handled by hook');
        return true;
      },
    );
    hooks.handle('t', 'put_writeout', (_c: unknown, data: Buffer) => {
      written.push(data.toString());
      return false;
    });
    expect((await rawOne(port, put('/mine.txt', 'x'))).body.toString()).toContain(
      'handled by hook',
    );
    expect((await rawOne(port, put('/yours.txt', 'abc'))).status).toBe(200);
    expect(written.join('')).toBe('abc');
    expect(fs.existsSync(d.file('mine.txt'))).toBe(false);
  });
});

describe('min_put_directory (t/20)', () => {
  it('needs N directory levels that already exist; zero-byte PUTs too', async () => {
    const { port, d } = await web(['enable_put = on', 'min_put_directory = 2']);
    const shallow = await rawOne(port, put('/a/file.txt', 'x'));
    expect(shallow.body.toString()).toBe(
      '<h1>400 - Bad request</h1>\nDoes not meet minimum directory requirement',
    );
    const missing = await rawOne(port, put('/a/b/file.txt', 'x'));
    expect(missing.body.toString()).toBe('<h1>404 - Not Found</h1>\nBase directory does not exist');
    fs.mkdirSync(d.file('a/b'), { recursive: true });
    expect((await rawOne(port, put('/a/b/file.txt', ''))).status).toBe(200);
    expect((await rawOne(port, put('/a/b/c/d/file.txt', 'deep'))).status).toBe(200);
    expect(fs.readFileSync(d.file('a/b/c/d/file.txt'), 'utf8')).toBe('deep');
  });
});

describe('Content-MD5 (t/20)', () => {
  it('a matching digest gives 201 and no temp file', async () => {
    const { port, d } = await web();
    const res = await rawOne(
      port,
      put('/md5.txt', 'checked', `Content-MD5: ${md5('checked')}\r\n`),
    );
    expect(res.statusLine).toBe('HTTP/1.0 201 ');
    expect(res.body.toString()).toBe('<h1>201</h1>\n');
    expect(fs.readFileSync(d.file('md5.txt'), 'utf8')).toBe('checked');
    expect(listTree(d.docroot).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('the digest may come without = padding', async () => {
    const { port } = await web();
    const res = await rawOne(
      port,
      put('/md5.txt', 'checked', `Content-MD5: ${md5('checked').replace(/=+$/, '')}\r\n`),
    );
    expect(res.statusLine).toBe('HTTP/1.0 201 ');
  });

  it('a mismatch is a 400 naming both digests, and leaves nothing', async () => {
    const { port, d } = await web();
    const res = await rawOne(port, put('/md5.txt', 'checked', `Content-MD5: ${md5('other')}\r\n`));
    expect(res.body.toString()).toBe(
      `<h1>400 - Bad request</h1>\nContent-MD5 mismatch, expected: ${md5('other').replace(/=+$/, '')} actual: ${md5('checked').replace(/=+$/, '')}`,
    );
    expect(fs.existsSync(d.file('md5.txt'))).toBe(false);
    expect(listTree(d.docroot).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('enable_md5 = off ignores the header', async () => {
    const { port, d } = await web(['enable_put = on', 'enable_md5 = off']);
    const res = await rawOne(port, put('/md5.txt', 'checked', `Content-MD5: ${md5('other')}\r\n`));
    expect(res.status).toBe(200);
    expect(fs.readFileSync(d.file('md5.txt'), 'utf8')).toBe('checked');
  });

  it('an aborted MD5 upload leaves no temp file (Perlbal left it)', async () => {
    const { port, d } = await web();
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      `PUT /md5.txt HTTP/1.0\r\nContent-Length: 100\r\nContent-MD5: ${md5('x')}\r\n\r\nabc`,
    );
    expect(await until(() => listTree(d.docroot).some((f) => f.endsWith('.tmp')))).toBe(true);
    sock.destroy();
    expect(await until(() => !listTree(d.docroot).some((f) => f.endsWith('.tmp')))).toBe(true);
    expect(fs.existsSync(d.file('md5.txt'))).toBe(false);
  });
});

describe('DELETE (t/20, spec 9.7)', () => {
  it('204, then 404 for the same file', async () => {
    const { port, d } = await web();
    const res = await rawOne(port, 'DELETE /hello.txt HTTP/1.0\r\n\r\n');
    expect(res.raw).toBe('HTTP/1.0 204 No Content\r\nServer: Perlbal\r\nConnection: close\r\n\r\n');
    expect(fs.existsSync(d.file('hello.txt'))).toBe(false);
    expect((await rawOne(port, 'DELETE /hello.txt HTTP/1.0\r\n\r\n')).status).toBe(404);
  });

  it('errno text for other failures', async () => {
    const { port } = await web();
    expect((await rawOne(port, 'DELETE /sub HTTP/1.0\r\n\r\n')).body.toString()).toBe(
      '<h1>400 - Bad request</h1>\nIs a directory',
    );
    expect((await rawOne(port, 'DELETE /hello.txt/x HTTP/1.0\r\n\r\n')).body.toString()).toBe(
      '<h1>400 - Bad request</h1>\nNot a directory',
    );
  });

  it.each(['/', '/a/../hello.txt', '/hello%2etxt', '/sub/', '/hello.txt?x'])(
    '%s is an invalid filename',
    async (uri) => {
      const { port } = await web();
      expect((await rawOne(port, `DELETE ${uri} HTTP/1.0\r\n\r\n`)).body.toString()).toBe(
        '<h1>400 - Bad request</h1>\nInvalid filename',
      );
    },
  );

  it('deleting a symlink removes the link, not its target', async () => {
    const { port, d } = await web();
    expect((await rawOne(port, 'DELETE /link-out.txt HTTP/1.0\r\n\r\n')).status).toBe(204);
    expect(fs.existsSync(`${d.outside}/secret.txt`)).toBe(true);
  });
});

describe('enable_put / enable_delete toggles (t/20)', () => {
  it('follow SET at run time', async () => {
    const { pb, port, d } = await web(['enable_put = on', 'enable_delete = on'], true);
    const m = await pb.manage();
    expect((await rawOne(port, put('/t.txt', 'x'))).status).toBe(200);
    await m.line('SET web.enable_put = 0');
    expect((await rawOne(port, put('/t2.txt', 'x'))).status).toBe(403);
    await m.line('SET web.enable_delete = 0');
    expect((await rawOne(port, 'DELETE /t.txt HTTP/1.0\r\n\r\n')).status).toBe(403);
    await m.line('SET web.enable_delete = 1');
    expect((await rawOne(port, 'DELETE /t.txt HTTP/1.0\r\n\r\n')).status).toBe(204);
    expect(fs.existsSync(d.file('t2.txt'))).toBe(false);
  });
});
