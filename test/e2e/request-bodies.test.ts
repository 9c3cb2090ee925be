/**
 * Body capture in a real browser: `perlbal-desktop --config X --ui --capture-body-kib 1` with a
 * reverse_proxy in front of a test backend, and Debian's Chromium on the printed URL. A JSON
 * response sent through the proxy shows pretty in the detail pane, with the request body the
 * client posted; a large one is marked as cut at the cap; an image shows as an image.
 * Screenshots go to test-results/screenshots/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../helpers/test-backend.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'proxy-core/bin/perlbal-desktop.js');
const SHOTS = path.join(ROOT, 'test-results/screenshots');
/** A 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

interface Started {
  child: ChildProcess;
  url: string;
  proxy: number;
}

function startCli(config: string, settingsDir: string): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, '--config', config, '--ui', '--capture-body-kib', '1'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PERLBAL_DESKTOP_SETTINGS_DIR: settingsDir },
      },
    );
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no banner; ${out} ${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code}; ${out} ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('Running.\n')) return;
      clearTimeout(timer);
      const proxy = /^ {2}proxy\s+\w+\s+http:\/\/127\.0\.0\.1:(\d+)\//m.exec(out)?.[1];
      const url = /UI \(browser mode\): (\S+)/.exec(out)?.[1];
      if (!url || !proxy) return reject(new Error(`no UI URL or proxy port in: ${out}`));
      resolve({ child, url, proxy: Number(proxy) });
    });
  });
}

function post(port: number, uri: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: uri,
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('captured bodies in Chromium (browser mode)', () => {
  let dir: string;
  let backend: TestBackend;
  let cli: Started;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bodies-e2e-'));
    backend = await startBackend({ closeAfterTest: false });
    backend.handle((req) => {
      if (req.uri === '/api/entries')
        return {
          status: 200,
          headers: [['Content-Type', 'application/json']],
          body: JSON.stringify({ journal: 'frank', got: JSON.parse(req.body.toString()) }),
        };
      if (req.uri === '/big')
        return { status: 200, headers: [['Content-Type', 'text/plain']], body: 'z'.repeat(5000) };
      if (req.uri === '/pic.png')
        return { status: 200, headers: [['Content-Type', 'image/png']], body: PNG };
      return undefined;
    });
    const file = path.join(dir, 'perlbal.conf');
    fs.writeFileSync(
      file,
      `CREATE POOL backends
  POOL backends ADD ${backend.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = backends
ENABLE proxy
`,
    );
    cli = await startCli(file, path.join(dir, 'settings'));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(cli.url);
    await page.getByRole('button', { name: 'Requests' }).click();
    await page.getByRole('grid', { name: 'Requests' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    cli?.child.kill('SIGKILL');
    await backend?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (text: string) =>
    page.locator('.viewport [role=row][data-id]').filter({ hasText: text });

  it('shows a proxied JSON response pretty, with the request body posted', async () => {
    expect(await post(cli.proxy, '/api/entries', '{"subject":"hello"}')).toBe(200);
    await row('/api/entries').waitFor({ timeout: 10_000 });
    await row('/api/entries').click();
    const response = page.getByRole('region', { name: 'Response body' });
    await expect
      .poll(() => response.locator('pre[data-view="json"]').textContent(), { timeout: 10_000 })
      .toBe(JSON.stringify({ journal: 'frank', got: { subject: 'hello' } }, null, 2));
    const request = page.getByRole('region', { name: 'Request body' });
    expect(await request.locator('pre[data-view="json"]').textContent()).toBe(
      '{\n  "subject": "hello"\n}',
    );
    await response.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'inspector-bodies-json.png') });
    await response.getByRole('tab', { name: 'Hex' }).click();
    expect(await response.locator('pre[data-view="hex"]').textContent()).toMatch(
      /^00000000 {2}7b 0?/,
    );
  });

  it('marks a body cut at the cap, and shows an image as an image', async () => {
    await new Promise((r) =>
      http.get({ host: '127.0.0.1', port: cli.proxy, path: '/big', agent: false }, (res) =>
        res.resume().on('end', r),
      ),
    );
    await new Promise((r) =>
      http.get({ host: '127.0.0.1', port: cli.proxy, path: '/pic.png', agent: false }, (res) =>
        res.resume().on('end', r),
      ),
    );
    await row('/big').click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Response body' }).textContent(), {
        timeout: 10_000,
      })
      .toContain('the capture kept the first 1.0 KB of 4.9 KB');
    await row('/pic.png').click();
    const img = page.getByRole('img', { name: 'Response body (image/png)' });
    await img.waitFor({ timeout: 10_000 });
    expect(await img.getAttribute('src')).toMatch(/^blob:/);
    await expect
      .poll(() => img.evaluate((el) => (el as { naturalWidth: number }).naturalWidth))
      .toBe(1);
  });
});
