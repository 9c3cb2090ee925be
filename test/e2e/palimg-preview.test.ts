/**
 * The palimg palette preview in a real browser: `perlbal-desktop --config X --ui` with a
 * palimg web_server whose docroot holds generated images, and Debian's Chromium on the UI.
 * For a tint, a gradient and explicit entries made with the colour pickers, the bytes the
 * page computed equal the bytes the server sends for the URL the page shows, and so do the
 * pixels once decoded; a spec or image the server refuses is explained. Screenshots go to
 * test-results/screenshots/palette-*.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeGif,
  encodePng,
  prng,
  randomPalette,
  randomPixels,
} from '../helpers/palimg-images.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'proxy-core/bin/perlbal-desktop.js');
const SHOTS = path.join(ROOT, 'test-results/screenshots');

const CONFIG = `LOAD palimg
CREATE SERVICE stat
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = docroot
  SET plugins = palimg
ENABLE stat
`;

interface Started {
  child: ChildProcess;
  url: string;
}

/** Start the CLI and read the UI URL from its banner (as browser-ui.test.ts does). */
function startCli(config: string): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--config', config, '--ui'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`no banner; stdout=${out} stderr=${err}`)),
      20_000,
    );
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code}; stdout=${out} stderr=${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('Running.\n')) return;
      clearTimeout(timer);
      const url = /UI \(browser mode\): (\S+)/.exec(out)?.[1];
      if (!url) return reject(new Error(`no UI URL in: ${out}`));
      resolve({ child, url });
    });
  });
}

function fetchBytes(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      })
      .on('error', reject);
  });
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `palette-${name}.png`), fullPage: true });

describe('the palimg palette preview in Chromium', () => {
  let dir: string;
  let cli: Started;
  let browser: Browser;
  let page: Page;
  /** A page without the app's CSP, for decoding the server's bytes. */
  let blank: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-palette-'));
    const pal = path.join(dir, 'docroot', 'palimg');
    fs.mkdirSync(path.join(pal, 'controlstrip'), { recursive: true });
    const rand = prng(11);
    // A 16-colour GIF and an 8-colour PNG with transparency, 12x12 pixels each.
    fs.writeFileSync(
      path.join(pal, 'controlstrip', 'bg.gif'),
      encodeGif({
        width: 12,
        height: 12,
        palette: randomPalette(rand, 16),
        pixels: randomPixels(rand, 16, 12, 12),
      }),
    );
    fs.writeFileSync(
      path.join(pal, 'solid.png'),
      encodePng({
        width: 12,
        height: 12,
        palette: randomPalette(rand, 8),
        pixels: randomPixels(rand, 8, 12, 12),
        alpha: [0, 128, 255, 255, 255, 255, 255, 255],
      }),
    );
    // Colour type 2 (truecolour): the server refuses it, and so must the preview.
    fs.writeFileSync(
      path.join(pal, 'truecolour.png'),
      encodePng({
        width: 2,
        height: 2,
        palette: randomPalette(rand, 2),
        pixels: [0, 1, 1, 0],
        colourType: 2,
      }),
    );
    const config = path.join(dir, 'perlbal.conf');
    fs.writeFileSync(config, CONFIG);
    cli = await startCli(config);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    blank = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    cli?.child.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  // In-page code as text: the test's tsconfig has no DOM types, and these run in Chromium.
  /** Draws an image (an ImageBitmap or a decoded <img>) on a canvas; its RGBA bytes. */
  const RGBA = `(img, w, h) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return Array.from(ctx.getImageData(0, 0, w, h).data);
  }`;

  /** RGBA pixels of an image file, decoded by Chromium in a page without a CSP. */
  async function decode(bytes: Buffer, kind: string): Promise<number[]> {
    const b64 = bytes.toString('base64');
    return blank.evaluate(`(async () => {
      const data = Uint8Array.from(atob('${b64}'), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([data], { type: 'image/${kind}' }));
      return (${RGBA})(bmp, bmp.width, bmp.height);
    })()`);
  }

  /** RGBA pixels of the recoloured <img> as the app page shows it, read through a canvas. */
  async function shownPixels(): Promise<number[]> {
    return page.evaluate(`(async () => {
      const img = document.querySelector('img[alt=Recoloured]');
      await img.decode();
      return (${RGBA})(img, img.naturalWidth, img.naturalHeight);
    })()`);
  }

  /**
   * The URL the page shows, fetched from the running proxy: its bytes equal the bytes the
   * page computed, and its decoded pixels equal the pixels the page shows.
   */
  async function expectServerAgrees(kind: string, urlPart: string): Promise<Buffer> {
    const urlEl = page.locator('[data-palimg-url]');
    await expect.poll(() => urlEl.textContent()).toContain(urlPart);
    const url = (await urlEl.textContent())!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/palimg\//);
    const served = await fetchBytes(url);
    expect(served.status).toBe(200);
    const img = page.locator('img[alt=Recoloured]');
    await expect.poll(() => img.getAttribute('data-bytes')).toBe(served.body.toString('base64'));
    expect(await shownPixels()).toEqual(await decode(served.body, kind));
    return served.body;
  }

  it('lists the palimg images and shows the first with its numbered palette', async () => {
    await page.goto(cli.url);
    await page.getByRole('button', { name: 'Palette' }).click();
    const select = page.getByRole('combobox', { name: 'Palimg image' });
    await expect
      .poll(() => select.locator('option').allTextContents())
      .toEqual([
        'stat · /palimg/controlstrip/bg.gif',
        'stat · /palimg/solid.png',
        'stat · /palimg/truecolour.png',
      ]);
    const swatches = page.getByRole('list', { name: 'Original palette' }).locator('li');
    await expect.poll(() => swatches.count()).toBe(16);
    expect(await swatches.nth(15).locator('.num').textContent()).toBe('15');
    await page.locator('img[alt=Recoloured]').waitFor();
    await shot(page, '01-default-tint');
  });

  it('tints with the colour pickers, and the server sends the very same image', async () => {
    await page.getByLabel('Tint bright colour').fill('#ff8000');
    await page.getByRole('checkbox', { name: 'Dark colour' }).check();
    await page.getByLabel('Tint dark colour').fill('#102030');
    const body = await expectServerAgrees('gif', '/palimg/controlstrip/bg.gif/ptff8000102030');
    // The recoloured swatches are the server image's colour table.
    const colours = await page
      .getByRole('list', { name: 'Recoloured palette' })
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-colour')));
    const table = body.subarray(13, 13 + 48).toString('hex');
    expect(colours.map((c) => c!.slice(1)).join('')).toBe(table);
    await shot(page, '02-tint');
  });

  it('draws a gradient on the PNG, transparency and all', async () => {
    await page.getByRole('combobox', { name: 'Palimg image' }).selectOption({ index: 1 });
    await expect
      .poll(() => page.getByRole('list', { name: 'Original palette' }).locator('li').count())
      .toBe(8);
    await page.getByRole('radio', { name: 'Gradient' }).check();
    await page.getByLabel('Gradient from index').fill('1');
    await page.getByLabel('Gradient from colour').fill('#000000');
    await page.getByLabel('Gradient to index').fill('6');
    await page.getByLabel('Gradient to colour').fill('#3366cc');
    await expectServerAgrees('png', '/palimg/solid.png/pg01000000063366cc');
    await shot(page, '03-gradient');
  });

  it('sets explicit entries, up to seven', async () => {
    await page.getByRole('radio', { name: 'Explicit entries' }).check();
    await page.getByLabel('Entry 1 colour').fill('#ffffff');
    await page.getByRole('button', { name: 'Add entry' }).click();
    await page.getByLabel('Entry 2 index').fill('3');
    await page.getByLabel('Entry 2 colour').fill('#00ff00');
    await expectServerAgrees('png', '/palimg/solid.png/p0ffffff300ff00');
    // New entries take the lowest unused indexes, in black; index 7 is the PNG's last.
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Add entry' }).click();
    expect(await page.getByRole('button', { name: 'Add entry' }).isDisabled()).toBe(true);
    await expectServerAgrees(
      'png',
      '/palimg/solid.png/p0ffffff300ff0010000002000000400000050000006000000',
    );
    await shot(page, '04-explicit');
  });

  it('says exactly why the server would refuse a typed spec', async () => {
    const specField = page.getByLabel('Palette spec');
    const reason = page.locator('[data-reason]');
    await specField.fill('g0500000005ffffff');
    await expect
      .poll(() => reason.textContent())
      .toContain('two indexes must differ (both are 05)');
    expect(await page.locator('img[alt=Recoloured]').count()).toBe(0);
    const url = (await page.locator('[data-palimg-url]').textContent())!;
    expect(url).toMatch(/\/palimg\/solid\.png\/pg0500000005ffffff$/);
    expect((await fetchBytes(url)).status).toBe(404);
    await shot(page, '05-rejected-spec');
    await specField.fill('tFF8000');
    await expect.poll(() => reason.textContent()).toContain('"F" at position 2 is upper case');
    expect(
      (await fetchBytes((await page.locator('[data-palimg-url]').textContent())!)).status,
    ).toBe(404);
    // A valid typed spec fills the pickers again.
    await specField.fill('tc0d0e0');
    await expect.poll(() => reason.count()).toBe(0);
    expect(await page.getByLabel('Tint bright colour').inputValue()).toBe('#c0d0e0');
    await expectServerAgrees('png', '/palimg/solid.png/ptc0d0e0');
  });

  it('explains an image the server would refuse', async () => {
    await page.getByRole('combobox', { name: 'Palimg image' }).selectOption({ index: 2 });
    const reason = page.locator('[data-reason=image]');
    await expect.poll(() => reason.textContent()).toContain('PNG is not a palette image');
    const url = (await page.locator('[data-palimg-url]').textContent())!;
    const served = await fetchBytes(url);
    expect(served.status).toBe(404);
    expect(served.body.toString()).toContain('PNG is not a palette image');
    await shot(page, '06-rejected-image');
  });

  it('previews a file opened from disk, with the URL path it would have', async () => {
    const file = path.join(dir, 'docroot', 'palimg', 'controlstrip', 'bg.gif');
    await page.getByLabel('Open an image file').setInputFiles(file);
    const urlEl = page.locator('[data-palimg-url]');
    await expect.poll(() => urlEl.textContent()).toBe('/palimg/bg.gif/ptc0d0e0');
    await page.locator('img[alt=Recoloured]').waitFor();
    expect(await page.getByRole('link', { name: 'Open through the proxy' }).count()).toBe(0);
    await shot(page, '07-local-file');
  });

  it('broke no Content-Security-Policy rule', () => {
    expect(cspErrors).toEqual([]);
  });
});
