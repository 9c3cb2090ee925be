/**
 * Contract cases for the palimg preview methods (listPalimgImages, readPalimgImage), run
 * inside describeContract for every transport. The fixture's web_server is switched to run
 * palimg through applyConfig, with generated images under its docroot; the bytes read over
 * the transport, recoloured with the shared pure transform, must equal what the server sends.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CoreClient } from '../../../proxy-core/src/common/api/index.js';
import { parsePaletteSpec, recolourImage } from '../../../proxy-core/src/common/palimg/index.js';
import type { ApiFixture } from '../../helpers/api-fixture.js';
import {
  encodeGif,
  encodePng,
  prng,
  randomPalette,
  randomPixels,
} from '../../helpers/palimg-images.js';
import { rejectsWith } from './contract.js';

function fetchBytes(url: string, host?: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, ...(host ? { headers: { Host: host } } : {}) }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      })
      .on('error', reject);
  });
}

export function describePalimgContract(get: () => { api: CoreClient; fx: ApiFixture }): void {
  describe('palimg preview', () => {
    let gif: Buffer;
    let png: Buffer;

    beforeEach(async () => {
      const { api, fx } = get();
      const rand = prng(7);
      gif = encodeGif({
        width: 4,
        height: 2,
        palette: randomPalette(rand, 8),
        pixels: randomPixels(rand, 8, 4, 2),
      });
      png = encodePng({
        width: 3,
        height: 3,
        palette: randomPalette(rand, 5),
        pixels: randomPixels(rand, 5, 3, 3),
      });
      const dir = path.join(fx.dir, 'docroot', 'palimg');
      fs.mkdirSync(path.join(dir, 'strip'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'strip', 'bg.gif'), gif);
      fs.writeFileSync(path.join(dir, 'solid.png'), png);
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
      fs.writeFileSync(path.join(fx.dir, 'secret.png'), png);
      const text = `LOAD palimg\n${fx.text.replace(
        'SET docroot = docroot\n',
        'SET docroot = docroot\n  SET plugins = palimg\n',
      )}`;
      await api.applyConfig(text);
    });

    it('lists the images of palimg web_servers, with the origin they are served from', async () => {
      const { api, fx } = get();
      const origin = `http://127.0.0.1:${fx.core.portOf('web')}`;
      expect(await api.listPalimgImages()).toEqual([
        { service: 'web', path: '/palimg/solid.png', origin, size: png.length },
        { service: 'web', path: '/palimg/strip/bg.gif', origin, size: gif.length },
      ]);
    });

    it('reads an image whose preview equals what the server sends for the same spec', async () => {
      const { api, fx } = get();
      const data = await api.readPalimgImage('web', '/palimg/strip/bg.gif');
      expect(data).toEqual({
        service: 'web',
        path: '/palimg/strip/bg.gif',
        base64: gif.toString('base64'),
      });
      const change = parsePaletteSpec('g01ff000006336699')!;
      const preview = recolourImage('gif', Buffer.from(data.base64, 'base64'), change);
      if (!preview.ok) throw new Error(preview.failure);
      const served = await fetchBytes(
        `http://127.0.0.1:${fx.core.portOf('web')}/palimg/strip/bg.gif/pg01ff000006336699`,
      );
      expect(served.status).toBe(200);
      expect(Buffer.from(preview.image).equals(served.body)).toBe(true);
    });

    it('refuses paths outside the palimg folder, other files and other services', async () => {
      const { api } = get();
      const bad = 'PB_ERR_API_INVALID_ARGUMENT';
      await rejectsWith(api.readPalimgImage('web', '/palimg/../../secret.png'), bad);
      await rejectsWith(api.readPalimgImage('web', '/palimg/a\\..\\b.png'), bad);
      await rejectsWith(api.readPalimgImage('web', '/index.html'), bad);
      await rejectsWith(api.readPalimgImage('web', '/palimg/notes.txt'), bad);
      await rejectsWith(api.readPalimgImage('web', 7 as unknown as string), bad);
      await rejectsWith(api.readPalimgImage('web', '/palimg/none.gif'), 'PB_ERR_API_NOT_FOUND');
      await rejectsWith(api.readPalimgImage('proxy', '/palimg/solid.png'), 'PB_ERR_API_NOT_FOUND');
    });

    it('gives a web_server reached only through a selector VHOST the selector URL (LiveJournal layout)', async () => {
      const { api, fx } = get();
      // web_stat as in LiveJournal's perlbal.conf: no listener of its own, behind `ss`.
      const text = `LOAD palimg\nLOAD vhosts\n${fx.text.replace(
        '  SET listen = 127.0.0.1:0\n  SET docroot = docroot\n',
        '  SET docroot = docroot\n  SET plugins = palimg\n',
      )}
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  VHOST *.lj.localhost = proxy
  VHOST stat.lj.localhost = web
ENABLE ss
`;
      await api.applyConfig(text);
      const port = fx.core.portOf('ss');
      expect(fx.core.portOf('web')).toBeUndefined();
      const images = await api.listPalimgImages();
      expect(images.map((i) => i.origin)).toEqual([
        `http://stat.lj.localhost:${port}`,
        `http://stat.lj.localhost:${port}`,
      ]);
      // That URL, asked of the selector with its Host, is the image.
      const url = new URL(`${images[0]!.origin}${images[0]!.path}`);
      const served = await fetchBytes(`http://127.0.0.1:${url.port}${url.pathname}`, url.host);
      expect(served.status).toBe(200);
      expect(served.body.equals(png)).toBe(true);

      // A wildcard rule: the bare name, unless a more specific rule sends it elsewhere.
      await api.applyConfig(
        text.replace('VHOST stat.lj.localhost = web', 'VHOST *.stat.lj.localhost = web'),
      );
      expect((await api.listPalimgImages())[0]!.origin).toBe(`http://stat.lj.localhost:${port}`);
      // Only a catch-all: the selector's own address.
      await api.applyConfig(
        text
          .replace('  VHOST *.lj.localhost = proxy\n', '')
          .replace('VHOST stat.lj.localhost = web', 'VHOST * = web'),
      );
      expect((await api.listPalimgImages())[0]!.origin).toBe(`http://127.0.0.1:${port}`);
      // No route at all: not reachable, so no origin.
      await api.applyConfig(text.replace('  VHOST stat.lj.localhost = web\n', ''));
      expect((await api.listPalimgImages())[0]!.origin).toBeNull();
    });
  });
}
