/**
 * Palimg paths: nothing outside the docroot is reachable through a palimg URL, with the
 * web_server's rules (any `..` segment, encoded or not, NUL bytes, backslashes, malformed
 * escapes are a 403 `Bogus URL`; symlinks followed unless restrict_symlinks is on).
 * Perlbal only refused `/../`, and its NUL trick served a PNG through the GIF code.
 */
import { describe, expect, it } from 'vitest';
import { parsePaletteSpec, recolourImage } from '../../../proxy-core/src/common/palimg/index.js';
import { startCore } from '../../helpers/start-core.js';
import { parseResponses, rawRequest } from '../../helpers/raw-http.js';
import { makePalimgDocroot, SECRET, type PalimgDocroot } from '../../helpers/palimg-docroot.js';

const conf = (docroot: string, extra = ''): string => `
LOAD palimg
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${docroot}
  SET plugins = palimg
${extra}
ENABLE web
`;

async function web(extra = ''): Promise<{ d: PalimgDocroot; port: number }> {
  const d = makePalimgDocroot();
  const pb = await startCore(conf(d.docroot, extra));
  return { d, port: pb.port('web') };
}

async function fetch1(
  port: number,
  uri: string,
): Promise<{ status: number; body: Buffer; text: string }> {
  const r = await rawRequest(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
  const all = parseResponses(r.bytes);
  expect(all).toHaveLength(1);
  return { status: all[0]!.status, body: all[0]!.body, text: r.text };
}

describe('traversal', () => {
  it.each([
    '/palimg/../secret.png/ptff8000',
    '/palimg/../../secret.png/ptff8000',
    '/palimg/%2e%2e/secret.png/ptff8000',
    '/palimg/%2E%2E/%2e%2e/secret.png/ptff8000',
    '/palimg/..%2f..%2fsecret.png/ptff8000',
    '/palimg/sub/..%2f..%2f..%2foutside%2fimage.png/ptff8000',
    '/palimg/..%5c..%5csecret.png/ptff8000',
    '/palimg/sub\\..\\..\\secret.png/ptff8000',
    '/palimg/pal4.png%00.gif/ptff8000',
    '/palimg/pal4.png%00/../../secret.png/ptff8000',
    '/palimg/pal%zz4.png/ptff8000',
    '/palimg/%c0%ae%c0%ae/secret.png/ptff8000',
  ])('%s is a 403 Bogus URL', async (uri) => {
    const { port } = await web();
    const res = await fetch1(port, uri);
    expect(res.status).toBe(403);
    expect(res.body.toString()).toBe('<h1>403 - Forbidden</h1>\nBogus URL');
    expect(res.text).not.toContain(SECRET.trim());
  });

  it('dots inside a name are fine', async () => {
    const { d, port } = await web();
    d.write('palimg/a..b.png', d.read('palimg/pal4.png'));
    expect((await fetch1(port, '/palimg/a..b.png/ptff8000')).status).toBe(200);
  });
});

describe('symlinks, as the web_server treats them', () => {
  const expected = (d: PalimgDocroot): Buffer => {
    const r = recolourImage('png', d.read('palimg/pal4.png'), parsePaletteSpec('tff8000')!);
    if (!r.ok) throw new Error(r.failure);
    return Buffer.from(r.image);
  };

  it('are followed by default (development checkouts use them)', async () => {
    const { d, port } = await web();
    expect((await fetch1(port, '/palimg/link-in.png/ptff8000')).body.equals(expected(d))).toBe(
      true,
    );
    expect((await fetch1(port, '/palimg/link-out.png/ptff8000')).body.equals(expected(d))).toBe(
      true,
    );
  });

  it('with restrict_symlinks on, one leading outside the docroot is a 403', async () => {
    const { d, port } = await web('  SET restrict_symlinks = on');
    expect((await fetch1(port, '/palimg/link-in.png/ptff8000')).body.equals(expected(d))).toBe(
      true,
    );
    const out = await fetch1(port, '/palimg/link-out.png/ptff8000');
    expect(out.status).toBe(403);
    expect(out.body.toString()).toBe('<h1>403 - Forbidden</h1>\nSymlink leads outside the docroot');
  });
});
