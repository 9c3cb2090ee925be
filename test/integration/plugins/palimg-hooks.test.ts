/**
 * Palimg runs the web_server's hooks as Perlbal's plugin does: start_serve_request only
 * rewrites the URI, so a missing image reaches static_get_poststat_file_missing (LazyCDN),
 * a `?v=` newer than the image static_get_poststat_pre_send, and a recoloured body goes out
 * through start_send_file in plugin order (Stats counts it when listed before palimg).
 */
import { describe, expect, it } from 'vitest';
import { parsePaletteSpec, recolourImage } from '../../../proxy-core/src/common/palimg/index.js';
import { makePalimgDocroot, PALIMG_MTIME } from '../../helpers/palimg-docroot.js';
import { header, rawOne } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';

async function start(plugins: string, extra = '') {
  const d = makePalimgDocroot();
  const backend = await startBackend();
  backend.handle((req) => ({ status: 200, body: `origin ${req.uri}\n` }));
  const pb = await startCore(`
LOAD palimg
LOAD LazyCDN
LOAD stats
CREATE POOL origin
  POOL origin ADD ${backend.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET pool = origin
ENABLE proxy
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${d.docroot}
  SET plugins = ${plugins}
${extra}
ENABLE web
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  const get = (uri: string, method = 'GET') =>
    rawOne(pb.port('web'), `${method} ${uri} HTTP/1.0\r\n\r\n`);
  const filesSent = async (): Promise<number> => {
    const m = await pb.manage();
    const row = (await m.multi('stats')).find((l) => /^web\s+files_sent\s/.test(l));
    return Number(row?.trim().split(/\s+/).pop());
  };
  return { d, backend, get, filesSent };
}

const tinted = (bytes: Buffer): Buffer => {
  const r = recolourImage('png', bytes, parsePaletteSpec('tff8000')!);
  if (!r.ok) throw new Error(r.failure);
  return Buffer.from(r.image);
};

describe('palimg and the web_server hooks', () => {
  it('a missing image goes to LazyCDN’s fallback service with the original URI', async () => {
    const t = await start('palimg, LazyCDN', '  SET fallback_service = proxy');
    const res = await t.get('/palimg/missing.png/ptff8000');
    expect(res.body.toString()).toBe('origin /palimg/missing.png/ptff8000\n');
    const newer = await t.get(`/palimg/pal4.png/ptff8000?v=${PALIMG_MTIME + 1}`);
    expect(newer.body.toString()).toBe(`origin /palimg/pal4.png/ptff8000?v=${PALIMG_MTIME + 1}\n`);
    const here = await t.get('/palimg/pal4.png/ptff8000');
    expect(header(here, 'ETag')).toMatch(/-ptff8000"$/);
    expect(here.body.equals(tinted(t.d.read('palimg/pal4.png')))).toBe(true);
    expect(t.backend.requests.map((r) => r.uri)).toEqual([
      '/palimg/missing.png/ptff8000',
      `/palimg/pal4.png/ptff8000?v=${PALIMG_MTIME + 1}`,
    ]);
  });

  it('a bad spec on a missing image still reaches the fallback (the file is looked up first)', async () => {
    const t = await start('palimg, LazyCDN', '  SET fallback_service = proxy');
    expect((await t.get('/palimg/missing.png/pZZ')).body.toString()).toBe(
      'origin /palimg/missing.png/pZZ\n',
    );
    expect((await t.get('/palimg/pal4.png/pZZ')).status).toBe(404);
  });

  it('stats, palimg counts a recoloured image as a file sent; palimg, stats does not', async () => {
    const counted = await start('stats, palimg');
    expect((await counted.get('/palimg/pal4.png/ptff8000')).status).toBe(200);
    expect((await counted.get('/palimg/pal4.png/ptff8000', 'HEAD')).status).toBe(200);
    expect((await counted.get('/palimg/pal4.png/pZZ')).status).toBe(404);
    expect(await counted.filesSent()).toBe(1);
    const first = await start('palimg, stats');
    const res = await first.get('/palimg/pal4.png/ptff8000');
    expect(res.body.equals(tinted(first.d.read('palimg/pal4.png')))).toBe(true);
    expect((await first.get('/palimg/pal4.png')).status).toBe(200);
    expect(await first.filesSent()).toBe(1);
  });
});
