/**
 * Nothing outside the docroot may be read or written (deliberate fix 2): a corpus of
 * traversal tricks (encoded, double-encoded, backslash, NUL, overlong UTF-8, trailing `/..`)
 * against GET, `??`, PUT and DELETE, and symlinks leading out with restrict_symlinks on
 * (refused) and off (followed, as Perlbal and nginx do).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { rawOne, rawRequest, parseResponses } from '../../helpers/raw-http.js';
import { listTree, makeDocroot, SECRET, webConf } from '../../fixtures/docroot/build.js';

const ALL = [
  'enable_put = on',
  'enable_delete = on',
  'enable_concatenate_get = on',
  'dirindexing = on',
];

async function web(extra: string[] = ALL) {
  const d = makeDocroot();
  const pb = await startCore(webConf(d.docroot, extra));
  const outsideBefore = listTree(d.outside);
  const baseBefore = fs.readdirSync(d.base).sort();
  /** Nothing next to the docroot changed. */
  const untouched = (): void => {
    expect(listTree(d.outside)).toEqual(outsideBefore);
    expect(fs.readdirSync(d.base).sort()).toEqual(baseBefore);
    expect(fs.readFileSync(`${d.outside}/secret.txt`, 'utf8')).toBe(SECRET);
    expect(fs.readFileSync(`${d.base}/secret.txt`, 'utf8')).toBe(SECRET);
  };
  return { d, pb, port: pb.port('web'), untouched };
}

/** Send one request and return all it got back (a 400 from the parser counts too). */
async function ask(port: number, req: string): Promise<{ status: number; text: string }> {
  const r = await rawRequest(port, req, 300);
  const [res] = parseResponses(r.bytes);
  return { status: res?.status ?? 0, text: r.text };
}

const GET_403 = [
  '/../secret.txt',
  '/%2e%2e/secret.txt',
  '/%2E%2E/secret.txt',
  '/.%2e/secret.txt',
  '/%2e./outside/secret.txt',
  '/sub/../../secret.txt',
  '/..%2fsecret.txt',
  '/sub/..%2f..%2fsecret.txt',
  '/..%5csecret.txt',
  '/sub/..%5c..%5csecret.txt',
  '/%00/../secret.txt',
  '/hello.txt%00.png',
  '/sub/%00',
  '/%c0%ae%c0%ae/secret.txt',
  '/%c0%ae%c0%ae%c0%afsecret.txt',
  '/%c0%af..%c0%afsecret.txt',
  '/%e0%80%ae%e0%80%ae/secret.txt',
  '/%f0%80%80%ae%f0%80%80%ae/secret.txt',
  '/sub/..',
  '/sub/%2e%2e',
  '/sub/..?x=1',
  '/..',
  '/%2e%2e',
  '/%zz/../secret.txt',
  '/hello%2.txt',
  '/%ff/x',
];

describe('GET traversal corpus', () => {
  it.each(GET_403)('%s -> 403 Bogus URL', async (uri) => {
    const { port, untouched } = await web();
    const res = await ask(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Bogus URL');
    expect(res.text).not.toContain('TOP SECRET');
    untouched();
  });

  it.each([
    '/%252e%252e/secret.txt',
    '/sub/%252e%252e/%252e%252e/secret.txt',
    'http://evil/../secret.txt',
    '../secret.txt',
    '/sub/..\\..\\secret.txt',
    '/\\..\\secret.txt',
  ])('%s never reads the secret', async (uri) => {
    const { port, untouched } = await web();
    const res = await ask(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
    expect([400, 403, 404]).toContain(res.status);
    expect(res.text).not.toContain('TOP SECRET');
    untouched();
  });

  it('HEAD and index lookups use the same checks', async () => {
    const { port } = await web();
    expect((await ask(port, 'HEAD /%2e%2e/secret.txt HTTP/1.0\r\n\r\n')).status).toBe(403);
    expect((await ask(port, 'GET /sub/.. HTTP/1.0\r\n\r\n')).status).toBe(403);
  });
});

describe('?? traversal corpus', () => {
  it.each([
    ['/sub/??../../secret.txt', 'Bogus URL'],
    ['/sub/??..%2f..%2fsecret.txt', 'Bogus URL'],
    ['/sub/??../hello.txt', 'Bogus filenames'],
    ['/sub/??a.css,..%2fhello.txt', 'Bogus filenames'],
    ['/??../secret.txt', 'Bogus filenames'],
    ['/sub/??a.css,..', 'Bogus filenames'],
    ['/sub/??dir2/..', 'Bogus filenames'],
    ['/sub/??..%5c..%5csecret.txt', 'Bogus filenames'],
    ['/sub/??a.css%00', 'Bogus filenames'],
    ['/sub/??dir2/../../../secret.txt', 'Bogus URL'],
    ['/%2e%2e/??secret.txt', 'Bogus URL'],
    ['/sub/%2e%2e/??secret.txt', 'Bogus URL'],
    ['/%c0%ae%c0%ae/??secret.txt', 'Bogus URL'],
    ['/sub/%zz/??a.css', 'Bogus URL'],
  ])('%s -> 403 %s', async (uri, msg) => {
    const { port, untouched } = await web();
    const res = await ask(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
    expect(res.status).toBe(403);
    expect(res.text).toContain(msg);
    expect(res.text).not.toContain('TOP SECRET');
    untouched();
  });
});

describe('PUT and DELETE traversal corpus (raw URIs)', () => {
  it.each([
    '/../evil.txt',
    '/%2e%2e/evil.txt',
    '/sub/../../evil.txt',
    '/..%2fevil.txt',
    '/a/..',
    '/..',
    '/%00evil',
  ])('PUT %s is refused', async (uri) => {
    const { port, untouched, d } = await web();
    const before = listTree(d.docroot);
    const res = await ask(port, `PUT ${uri} HTTP/1.0\r\nContent-Length: 4\r\n\r\nevil`);
    expect(res.status).toBe(400);
    expect(listTree(d.docroot)).toEqual(before);
    untouched();
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/sub/../../secret.txt',
    '/..%2fsecret.txt',
    '/sub/..',
  ])('DELETE %s is refused', async (uri) => {
    const { port, untouched } = await web();
    const res = await ask(port, `DELETE ${uri} HTTP/1.0\r\n\r\n`);
    expect(res.status).toBe(400);
    untouched();
  });
});

describe('symlinks leading out of the docroot', () => {
  describe('restrict_symlinks = on: refused', () => {
    const on = [...ALL, 'restrict_symlinks = on'];

    it('GET through a file link, a directory link, and as an index file', async () => {
      const { port, untouched, d } = await web(on);
      for (const uri of ['/link-out.txt', '/outdir/secret.txt', '/outdir/']) {
        const res = await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
        expect(res.status, uri).toBe(403);
        expect(res.body.toString()).toBe(
          '<h1>403 - Forbidden</h1>\nSymlink leads outside the docroot',
        );
      }
      fs.mkdirSync(d.file('idxout'));
      fs.symlinkSync(`${d.outside}/secret.txt`, d.file('idxout/index.html'));
      const idx = await rawOne(port, 'GET /idxout/ HTTP/1.0\r\n\r\n');
      expect(idx.body.toString()).not.toContain('TOP SECRET');
      untouched();
    });

    it('links inside the docroot still work', async () => {
      const { port } = await web(on);
      expect((await rawOne(port, 'GET /link-in.txt HTTP/1.0\r\n\r\n')).body.toString()).toBe(
        'hello world\n',
      );
    });

    it('??, PUT and DELETE', async () => {
      const { port, untouched } = await web(on);
      expect((await rawOne(port, 'GET /outdir/??secret.txt HTTP/1.0\r\n\r\n')).status).toBe(403);
      expect((await rawOne(port, 'GET /??hello.txt,link-out.txt HTTP/1.0\r\n\r\n')).status).toBe(
        403,
      );
      expect(
        (await rawOne(port, 'PUT /outdir/evil.txt HTTP/1.0\r\nContent-Length: 4\r\n\r\nevil'))
          .status,
      ).toBe(403);
      expect(
        (await rawOne(port, 'PUT /outdir/new/evil.txt HTTP/1.0\r\nContent-Length: 4\r\n\r\nevil'))
          .status,
      ).toBe(403);
      expect(
        (await rawOne(port, 'PUT /link-out.txt HTTP/1.0\r\nContent-Length: 4\r\n\r\nevil')).status,
      ).toBe(403);
      expect((await rawOne(port, 'DELETE /outdir/secret.txt HTTP/1.0\r\n\r\n')).status).toBe(403);
      untouched();
    });
  });

  describe('restrict_symlinks off (default): followed, like Perlbal and nginx', () => {
    it('GET and ?? read through links', async () => {
      const { port } = await web();
      expect((await rawOne(port, 'GET /link-out.txt HTTP/1.0\r\n\r\n')).body.toString()).toBe(
        SECRET,
      );
      expect((await rawOne(port, 'GET /outdir/secret.txt HTTP/1.0\r\n\r\n')).body.toString()).toBe(
        SECRET,
      );
      expect(
        (await rawOne(port, 'GET /outdir/??secret.txt HTTP/1.0\r\n\r\n')).body.toString(),
      ).toBe(SECRET);
    });

    it('PUT writes through a directory link', async () => {
      const { port, d } = await web();
      expect(
        (await rawOne(port, 'PUT /outdir/new.txt HTTP/1.0\r\nContent-Length: 3\r\n\r\nnew')).status,
      ).toBe(200);
      expect(fs.readFileSync(`${d.outside}/new.txt`, 'utf8')).toBe('new');
    });
  });
});
