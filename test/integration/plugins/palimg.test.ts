/**
 * Palimg on a real web_server over loopback: recoloured bodies, and the deliberate fixes of
 * palimg-spec section 6 (clean 404/500 before any header, HEAD validates, If-Modified-Since
 * as a date, an ETag per spec, Range ignored, query strings, case-insensitive extensions).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePaletteSpec, recolourImage } from '../../../proxy-core/src/common/palimg/index.js';
import { startCore } from '../../helpers/start-core.js';
import {
  header,
  parseResponses,
  rawOne,
  rawRequest,
  RawConnection,
  type ParsedResponse,
} from '../../helpers/raw-http.js';
import {
  makePalimgDocroot,
  PALIMG_LASTMOD,
  type PalimgDocroot,
} from '../../helpers/palimg-docroot.js';
import {
  encodePng,
  gifPalette,
  pngPalette,
  prng,
  randomPalette,
  randomPixels,
} from '../../helpers/palimg-images.js';

const conf = (docroot: string, extra = ''): string => `
LOAD palimg
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${docroot}
  SET plugins = palimg
  SET persist_client = on
${extra}
ENABLE web
`;

async function web(extra = ''): Promise<{ d: PalimgDocroot; port: number }> {
  const d = makePalimgDocroot();
  const pb = await startCore(conf(d.docroot, extra));
  return { d, port: pb.port('web') };
}

const get = (uri: string, extra = '', method = 'GET'): string =>
  `${method} ${uri} HTTP/1.0\r\n${extra}\r\n`;

/** Exactly one response on the connection (never a 200 with an error page appended). */
async function only(port: number, request: string): Promise<ParsedResponse> {
  const r = await rawRequest(port, request);
  const all = parseResponses(r.bytes, [request.startsWith('HEAD ')]);
  expect(all, r.text.slice(0, 300)).toHaveLength(1);
  expect(r.bytes.length).toBe(
    Buffer.byteLength(all[0]!.statusLine) + 2 + headLength(all[0]!) + all[0]!.body.length,
  );
  return all[0]!;
}

function headLength(res: ParsedResponse): number {
  return res.headers.reduce((n, [k, v]) => n + k.length + 2 + v.length + 2, 2);
}

const expected = (d: PalimgDocroot, rel: string, spec: string): Buffer => {
  const r = recolourImage(
    rel.toLowerCase().endsWith('.gif') ? 'gif' : 'png',
    d.read(rel),
    parsePaletteSpec(spec)!,
  );
  if (!r.ok) throw new Error(`${rel}: ${r.failure}`);
  return Buffer.from(r.image);
};

describe('recoloured images', () => {
  it('tints a PNG: 200, image/png, the original length, only PLTE changed', async () => {
    const { d, port } = await web();
    const res = await only(port, get('/palimg/pal4.png/pt000000ffffff'));
    expect(res.statusLine).toBe('HTTP/1.0 200 OK');
    expect(res.headers.map(([k]) => k)).toEqual([
      'Date',
      'Server',
      'Last-Modified',
      'ETag',
      'Content-Type',
      'Content-Length',
      'Connection',
    ]);
    expect(header(res, 'Content-Type')).toBe('image/png');
    expect(header(res, 'Last-Modified')).toBe(PALIMG_LASTMOD);
    const src = d.read('palimg/pal4.png');
    expect(header(res, 'Content-Length')).toBe(String(src.length));
    expect([...pngPalette(res.body)]).toEqual([...pngPalette(src)].map((v) => 255 - v));
    expect(res.body.equals(expected(d, 'palimg/pal4.png', 't000000ffffff'))).toBe(true);
  });

  it('recolours GIFs of every palette size, and a nested path', async () => {
    const { d, port } = await web();
    for (const rel of [
      'pal2.gif',
      'pal4.gif',
      'pal16.gif',
      'pal64.gif',
      'pal256.gif',
      'sub/nested.gif',
    ]) {
      const res = await only(port, get(`/palimg/${rel}/pg00ff000001ffffff`));
      expect(res.status, rel).toBe(200);
      expect(header(res, 'Content-Type')).toBe('image/gif');
      expect(gifPalette(res.body).subarray(0, 6).toString('hex')).toBe('ff0000ffffff');
      expect(res.body.equals(expected(d, `palimg/${rel}`, 'g00ff000001ffffff'))).toBe(true);
    }
  });

  it('finds a PLTE past the first 2048 bytes (Perlbal answered 404 after a 200)', async () => {
    const { d, port } = await web();
    const res = await only(port, get('/palimg/late-plte.png/p0abcdef'));
    expect(res.status).toBe(200);
    expect(pngPalette(res.body).subarray(0, 3).toString('hex')).toBe('abcdef');
    expect(res.body.equals(expected(d, 'palimg/late-plte.png', '0abcdef'))).toBe(true);
  });

  it('accepts 7 explicit entries (S2 palimg_modify), refuses 8', async () => {
    const { port } = await web();
    const colours = Array.from({ length: 7 }, (_, i) => `${i}0${i}0${i}0`);
    const seven = colours.map((c, i) => `${i}${c}`).join('');
    const res = await only(port, get(`/palimg/pal16.png/p${seven}`));
    expect(res.status).toBe(200);
    expect(pngPalette(res.body).subarray(0, 21).toString('hex')).toBe(colours.join(''));
    expect((await only(port, get(`/palimg/pal16.png/p${seven}7abcdef`))).status).toBe(404);
  });

  it('serves a large image: the rest of the file follows the rewritten prefix', async () => {
    const { d, port } = await web();
    const rand = prng(99);
    const big = encodePng({
      width: 700,
      height: 700,
      palette: randomPalette(rand, 256),
      pixels: randomPixels(rand, 256, 700, 700),
    });
    expect(big.length).toBeGreaterThan(400 * 1024);
    d.write('palimg/big.png', big);
    const res = await only(port, get('/palimg/big.png/ptff8000'));
    expect(res.status).toBe(200);
    expect(res.body.equals(expected(d, 'palimg/big.png', 'tff8000'))).toBe(true);
  });
});

describe('clean 404s, decided before any header (Perlbal sent a 200, then a 404 page)', () => {
  it.each([
    ['/palimg/pal4.png/ptFF8000', 'Invalid palimg palette spec'],
    ['/palimg/pal4.png/pg00ff', 'Invalid palimg palette spec'],
    ['/palimg/pal4.png/pg10ff000010000000', 'Invalid palimg palette spec'],
    ['/palimg/pal4.png/ptff80', 'Invalid palimg palette spec'],
    ['/palimg/pal4.png/p0ff00', 'Invalid palimg palette spec'],
    ['/palimg/pal4.png/ptff8000/', 'Invalid palimg palette spec'],
    ['/palimg/truecolour.png/ptff8000', 'PNG is not a palette image (IHDR colour type is not 3)'],
    ['/palimg/noglobal.gif/ptff8000', 'GIF without a global colour table'],
    ['/palimg/short.gif/ptff8000', 'Image is truncated before the end of its colour table'],
    ['/palimg/short.png/ptff8000', 'Image is truncated before the end of its colour table'],
    ['/palimg/gif-named.png/ptff8000', 'Not a PNG image (no signature or no IHDR chunk first)'],
    ['/palimg/png-named.gif/ptff8000', 'Not a GIF image (no GIF87a/GIF89a signature)'],
    ['/palimg/empty.png/ptff8000', 'Image is truncated before the end of its colour table'],
    ['/palimg/photo.jpg/ptff8000', 'Palimg recolours only .png and .gif files'],
    ['/palimg/dir.png/ptff8000', 'Not an image file'],
    ['/palimg/missing.png/ptff8000', ''],
  ])('%s', async (uri, why) => {
    const { port } = await web();
    const res = await only(port, get(uri));
    expect(res.statusLine).toBe('HTTP/1.0 404 Not Found');
    expect(res.body.toString()).toBe(`<h1>404 - Not Found</h1>\n${why}`);
  });

  it('a failed request leaves a keep-alive connection in step', async () => {
    const { d, port } = await web();
    const conn = await RawConnection.open(port);
    try {
      const ka = 'Connection: keep-alive\r\n';
      conn.write(get('/palimg/truecolour.png/ptff8000', ka));
      expect((await conn.read()).status).toBe(404);
      conn.write(get('/palimg/pal4.png/pt000000ffffff', ka));
      const ok = await conn.read();
      expect(ok.status).toBe(200);
      expect(header(ok, 'Connection')).toBe('keep-alive');
      expect(ok.body.equals(expected(d, 'palimg/pal4.png', 't000000ffffff'))).toBe(true);
      expect(conn.closed).toBe(false);
    } finally {
      conn.close();
    }
  });
});

/**
 * A file that stats as a regular file but can't be read. chmod 000 does it, except as root;
 * then a write-only sysfs attribute (open fails even for root) is linked in.
 */
function unreadable(d: PalimgDocroot): string {
  const rel = 'palimg/io.png';
  d.write(rel, 'x');
  fs.chmodSync(d.file(rel), 0);
  try {
    fs.closeSync(fs.openSync(d.file(rel), 'r'));
  } catch {
    return rel;
  }
  fs.rmSync(d.file(rel));
  for (const bus of fs.readdirSync('/sys/bus')) {
    const target = path.join('/sys/bus', bus, 'uevent');
    try {
      fs.closeSync(fs.openSync(target, 'r'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EACCES' || !fs.statSync(target).isFile()) continue;
      fs.symlinkSync(target, d.file(rel));
      return rel;
    }
  }
  throw new Error(
    'no unreadable file can be made here (root, and no write-only /sys/bus/*/uevent)',
  );
}

describe('I/O errors', () => {
  it('a file that cannot be read is a clean 500', async () => {
    const { d, port } = await web();
    const rel = unreadable(d);
    const res = await only(port, get(`/${rel}/ptff8000`));
    expect(res.statusLine).toBe('HTTP/1.0 500 Internal Server Error');
    expect(res.body.toString()).toBe('<h1>500 - Internal Server Error</h1>\nError reading file');
  });
});

describe('HEAD, conditional requests, ETag, Range', () => {
  it('HEAD validates like GET: 200 head for a good image, 404 for a bad one', async () => {
    const { d, port } = await web();
    const ok = await only(port, get('/palimg/pal4.png/ptff8000', '', 'HEAD'));
    expect(ok.status).toBe(200);
    expect(header(ok, 'Content-Length')).toBe(String(d.read('palimg/pal4.png').length));
    expect(ok.body.length).toBe(0);
    expect((await only(port, get('/palimg/pal4.png/pZZ', '', 'HEAD'))).status).toBe(404);
    expect((await only(port, get('/palimg/truecolour.png/ptff8000', '', 'HEAD'))).status).toBe(404);
  });

  it('If-Modified-Since is compared as a date', async () => {
    const { port } = await web();
    const ims = (v: string) =>
      only(port, get('/palimg/pal4.png/ptff8000', `If-Modified-Since: ${v}\r\n`));
    const exact = await ims(PALIMG_LASTMOD);
    expect(exact.statusLine).toBe('HTTP/1.0 304 Not Modified');
    expect(exact.headers.map(([k]) => k)).toEqual([
      'Date',
      'Server',
      'Last-Modified',
      'ETag',
      'Connection',
    ]);
    expect((await ims('Fri, 02 Jan 2004 10:00:00 GMT')).status).toBe(304);
    expect((await ims('Wed, 31 Dec 2003 23:59:59 GMT')).status).toBe(200);
    expect((await ims('not a date')).status).toBe(200);
  });

  it('a conditional request for an invalid spec is still a 404 (Perlbal answered 304)', async () => {
    const { port } = await web();
    const res = await only(
      port,
      get('/palimg/pal4.png/pZZ', `If-Modified-Since: ${PALIMG_LASTMOD}\r\n`),
    );
    expect(res.status).toBe(404);
  });

  it('the ETag covers the file and the whole spec, and If-None-Match answers 304', async () => {
    const { d, port } = await web();
    const etag = async (uri: string): Promise<string> =>
      header(await only(port, get(uri)), 'ETag')!;
    const a = await etag('/palimg/pal4.png/ptff8000');
    expect(a).toMatch(/^"[0-9a-f]+-[0-9a-f]+-ptff8000"$/);
    // LiveJournal's ETag left tints out; a second tint colour must change it.
    expect(await etag('/palimg/pal4.png/ptff80000000ff')).not.toBe(a);
    expect(await etag('/palimg/pal16.png/ptff8000')).not.toBe(a);
    const inm = (v: string) =>
      only(port, get('/palimg/pal4.png/ptff8000', `If-None-Match: ${v}\r\n`));
    expect((await inm(a)).status).toBe(304);
    expect((await inm(`"x", W/${a}`)).status).toBe(304);
    expect((await inm('"other"')).status).toBe(200);
    // If-None-Match decides alone: a matching date does not rescue a different tag.
    const both = await only(
      port,
      get(
        '/palimg/pal4.png/ptff8000',
        `If-None-Match: "other"\r\nIf-Modified-Since: ${PALIMG_LASTMOD}\r\n`,
      ),
    );
    expect(both.status).toBe(200);
    d.write('palimg/pal4.png', Buffer.concat([d.read('palimg/pal4.png'), Buffer.from([0])]));
    expect(await etag('/palimg/pal4.png/ptff8000')).not.toBe(a);
  });

  it('Range is ignored: a full 200 without Accept-Ranges (Perlbal sent a broken 206)', async () => {
    const { d, port } = await web();
    const res = await only(port, get('/palimg/pal4.png/ptff8000', 'Range: bytes=0-9\r\n'));
    expect(res.status).toBe(200);
    expect(header(res, 'Accept-Ranges')).toBeUndefined();
    expect(header(res, 'Content-Range')).toBeUndefined();
    expect(res.body.equals(expected(d, 'palimg/pal4.png', 'tff8000'))).toBe(true);
    expect(
      (await only(port, get('/palimg/pal4.png/ptff8000', 'Range: bytes=9000-\r\n'))).status,
    ).toBe(200);
  });
});

describe('URLs', () => {
  it('strips a query string before reading the spec', async () => {
    const { d, port } = await web();
    const res = await only(port, get('/palimg/pal4.png/ptff8000?v=1655'));
    expect(res.status).toBe(200);
    expect(res.body.equals(expected(d, 'palimg/pal4.png', 'tff8000'))).toBe(true);
    // Without a spec the image is a plain static file, query or not.
    const plain = await only(port, get('/palimg/pal4.png?v=1'));
    expect(plain.body.equals(d.read('palimg/pal4.png'))).toBe(true);
    expect(header(plain, 'Accept-Ranges')).toBe('bytes');
  });

  it('matches .png and .gif case-insensitively', async () => {
    const { d, port } = await web();
    const png = await only(port, get('/palimg/upper.PNG/ptff8000'));
    expect(header(png, 'Content-Type')).toBe('image/png');
    expect(png.body.equals(expected(d, 'palimg/upper.PNG', 'tff8000'))).toBe(true);
    const gif = await only(port, get('/palimg/UPPER.GIF/ptff8000'));
    expect(header(gif, 'Content-Type')).toBe('image/gif');
    expect(gif.body.equals(expected(d, 'palimg/UPPER.GIF', 'tff8000'))).toBe(true);
  });

  it("a trailing %0a is not ignored (Perl's `$` allowed it)", async () => {
    const { port } = await web();
    expect((await only(port, get('/palimg/pal4.png/ptff8000%0a'))).status).toBe(404);
  });

  it('percent-encoding anywhere decodes first, as in Perlbal', async () => {
    const { d, port } = await web();
    const res = await only(port, get('/palimg/pal4%2epng/pt%66f8000'));
    expect(res.body.equals(expected(d, 'palimg/pal4.png', 'tff8000'))).toBe(true);
  });

  it('without `SET plugins = palimg` the URL is a plain (missing) static path', async () => {
    const d = makePalimgDocroot();
    const pb = await startCore(conf(d.docroot).replace('SET plugins = palimg', ''));
    const res = await rawOne(pb.port('web'), get('/palimg/pal4.png/ptff8000'));
    expect(res.status).toBe(404);
  });
});
