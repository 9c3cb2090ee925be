/**
 * The request inspector in a real browser: `perlbal-desktop --config X --ui` with a vhost
 * selector in front of a reverse_proxy whose test backend answers X-REPROXY-URL, and Debian's
 * Chromium on the printed URL. Requests sent through the proxy appear with their service and
 * node; a filter narrows the list; the detail pane shows the routing trace of a reproxied
 * request, including the hop that fell through; the exported HAR holds the requests and
 * validates against the HAR 1.2 JSON schema (ajv); importing it shows them again; resend goes
 * through the proxy; pins, pause and the filter survive a trip to another view; a saved
 * filter is kept by the core and is there again in the next run of the UI.
 * Screenshots go to test-results/screenshots/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../helpers/api-fixture.js';
import { validateHarSchema } from './har-schema.js';
import { startBackend, type TestBackend } from '../helpers/test-backend.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'proxy-core/bin/perlbal-desktop.js');
const SHOTS = path.join(ROOT, 'test-results/screenshots');

interface Started {
  child: ChildProcess;
  url: string;
  ports: Map<string, number>;
}

/** Start the CLI and read the banner: each service's URL and the UI's. */
function startCli(config: string, settingsDir: string): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--config', config, '--ui'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Saved filters go to the test's folder, never the user's ~/.config.
      env: { ...process.env, PERLBAL_DESKTOP_SETTINGS_DIR: settingsDir },
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
      const ports = new Map(
        [...out.matchAll(/^ {2}(\w+)\s+\w+\s+http:\/\/127\.0\.0\.1:(\d+)\//gm)].map((m) => [
          m[1]!,
          Number(m[2]),
        ]),
      );
      const url = /UI \(browser mode\): (\S+)/.exec(out)?.[1];
      if (!url) return reject(new Error(`no UI URL in: ${out}`));
      resolve({ child, url, ports });
    });
  });
}

function config(backend: string): string {
  return `CREATE POOL backends
  POOL backends ADD ${backend}

CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = docroot
ENABLE web

CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = backends
  SET enable_reproxy = on
ENABLE proxy

LOAD vhosts
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  VHOST www.lj.localhost = proxy
ENABLE sel
`;
}

/** A port nothing listens on (bound, then closed). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** GET with a Host header; the status. */
async function getHost(port: number, host: string, urlPath: string): Promise<number> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http
      .get(
        { host: '127.0.0.1', port, path: urlPath, headers: { Host: host }, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      )
      .on('error', reject);
  });
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** The request rows in the list (not the header, not the pinned copies). */
const rows = (page: Page) => page.locator('.viewport [role=row][data-id]');

async function setFilter(page: Page, text: string): Promise<void> {
  const box = page.getByRole('searchbox', { name: 'Filter requests' });
  await box.fill(text);
  await box.press('Escape');
}

describe('the request inspector in Chromium (browser mode)', () => {
  let dir: string;
  let backend: TestBackend;
  let cli: Started;
  let browser: Browser;
  let page: Page;
  let harFile: string;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-inspector-'));
    fs.mkdirSync(path.join(dir, 'docroot'));
    fs.writeFileSync(path.join(dir, 'docroot', 'phrase.txt'), 'the quick brown fox\n');
    backend = await startBackend({ closeAfterTest: false });
    const file = path.join(dir, 'perlbal.conf');
    fs.writeFileSync(file, config(backend.hostport));
    cli = await startCli(file, path.join(dir, 'settings'));
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
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
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

  it('lists requests sent through the proxy with their service and node', async () => {
    const proxy = cli.ports.get('proxy')!;
    const web = cli.ports.get('web')!;
    expect(await get(proxy, '/one')).toBe(200);
    expect(await get(proxy, '/two')).toBe(200);
    expect(await get(web, '/missing')).toBe(404);
    const dead = await freePort();
    expect(
      await getHost(
        cli.ports.get('sel')!,
        'www.lj.localhost',
        `/reproxy_url_multi:${dead}:${web}:/phrase.txt`,
      ),
    ).toBe(200);
    // Five: the reproxy's own fetch from the web service is a request too.
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(5);
    await shot(page, 'inspector-01-list');
    const one = rows(page).filter({ hasText: '/one' });
    expect(await one.locator('.service').textContent()).toBe('proxy');
    expect(await one.locator('.node').textContent()).toBe(backend.hostport);
    expect(await one.locator('.status').textContent()).toBe('200');
    const missing = rows(page).filter({ hasText: '/missing' });
    expect(await missing.locator('.service').textContent()).toBe('web');
    expect(await missing.getAttribute('class')).toContain('warn');
    expect(
      await rows(page).filter({ hasText: 'reproxy_url_multi' }).getAttribute('class'),
    ).toContain('reproxied');
    await shot(page, 'inspector-01-list');
  });

  it('narrows the list with the filter language, and says what is wrong with a bad filter', async () => {
    await setFilter(page, 'status>=400');
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().textContent()).toContain('/missing');

    await setFilter(page, 'service:proxy and not reproxied');
    await expect.poll(() => rows(page).count()).toBe(2);
    expect(await rows(page).allTextContents()).toEqual([
      expect.stringContaining('/one'),
      expect.stringContaining('/two'),
    ]);

    // header: terms are answered by the core, which kept every request's headers.
    await setFilter(page, 'header:x-forwarded-for path:/two');
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().textContent()).toContain('/two');

    await setFilter(page, 'status>');
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('needs a value');

    // Autocomplete offers fields as you type.
    const box = page.getByRole('searchbox', { name: 'Filter requests' });
    await box.fill('');
    await box.pressSequentially('repr');
    await expect
      .poll(() => page.getByRole('listbox', { name: 'Filter suggestions' }).textContent())
      .toContain('reproxied');
    await box.press('Tab');
    expect(await box.inputValue()).toBe('reproxied');
    await expect.poll(() => rows(page).count()).toBe(1);
    await shot(page, 'inspector-02-filtered');
  });

  it('shows the routing trace of a reproxied request, with the hop that fell through', async () => {
    await rows(page).first().click();
    const trace = page.getByRole('region', { name: 'Routing trace' });
    await trace.waitFor();
    const text = (await trace.textContent()) ?? '';
    for (const step of [
      'Selector',
      'sel',
      'VHOST rule',
      'www.lj.localhost',
      'Service',
      'proxy',
      'Pool',
      'backends',
      'Node',
      backend.hostport,
      'Reproxy',
      'X-REPROXY-URL',
    ])
      expect(text).toContain(step);
    // Steps in order: selector, the rule, the service, pool, node, the reproxy.
    expect(
      await trace
        .locator('li[data-kind]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))),
    ).toEqual(['selector', 'vhost', 'service', 'pool', 'node', 'reproxy']);
    expect(
      await trace
        .locator('li[data-outcome]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome'))),
    ).toEqual(['failed', 'used']);
    expect(await trace.locator('li[data-outcome=failed]').textContent()).toContain(
      'connection refused',
    );
    const detail = page.getByRole('article', { name: 'Request detail' });
    expect(
      await detail.getByRole('region', { name: 'Request to the backend' }).textContent(),
    ).toContain('X-Forwarded-For');
    expect(
      await detail.getByRole('region', { name: 'Response from the backend' }).textContent(),
    ).toMatch(/X-REPROXY-URL/i);
    expect(await detail.getByRole('region', { name: 'What went wrong' }).textContent()).toContain(
      'fell through',
    );
    expect(await detail.getByRole('region', { name: 'Timing' }).textContent()).toContain('total');
    await shot(page, 'inspector-03-detail-reproxied');
  });

  it('exports the requests as HAR 1.2 and imports the file back', async () => {
    await setFilter(page, '');
    await expect.poll(() => rows(page).count()).toBe(5);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export all' }).click(),
    ]);
    harFile = path.join(dir, 'export.har');
    await download.saveAs(harFile);
    const har = JSON.parse(fs.readFileSync(harFile, 'utf8')) as {
      log: {
        entries: Array<{
          request: { url: string };
          response: { status: number };
          _perlbal: { service: string; reproxy?: unknown[] };
        }>;
      };
    };
    expect(validateHarSchema(har)).toEqual([]);
    const urls = har.log.entries.map((e) => e.request.url);
    expect(urls).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/one$/),
        expect.stringMatching(/\/two$/),
        expect.stringMatching(/\/missing$/),
        expect.stringContaining('http://www.lj.localhost/reproxy_url_multi:'),
      ]),
    );
    const reproxied = har.log.entries.find((e) => e.request.url.includes('reproxy_url_multi'))!;
    expect(reproxied._perlbal.reproxy).toHaveLength(2);
    expect(har.log.entries.find((e) => e.request.url.endsWith('/missing'))!.response.status).toBe(
      404,
    );

    await page.locator('input[type=file]').setInputFiles(harFile);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('export.har');
    await expect.poll(() => rows(page).count()).toBe(5);
    await rows(page).filter({ hasText: 'reproxy_url_multi' }).click();
    await page.getByRole('region', { name: 'Routing trace' }).waitFor();
    expect(await page.locator('li[data-outcome]').count()).toBe(2);
    await shot(page, 'inspector-04-imported');
    await page.getByRole('button', { name: 'back to live' }).click();
    await expect.poll(() => rows(page).count()).toBe(5);
  });

  it('resends a request through the proxy, which then appears as a new request', async () => {
    await rows(page).filter({ hasText: '/one' }).click();
    const detail = page.getByRole('article', { name: 'Request detail' });
    await detail.getByRole('button', { name: 'Resend' }).click();
    await expect
      .poll(() => detail.getByRole('status').textContent())
      .toMatch(/Resent to 127\.0\.0\.1:\d+: 200/);
    await expect.poll(() => rows(page).filter({ hasText: '/one' }).count()).toBe(2);
  });

  it('pauses, clears and keeps pinned requests', async () => {
    await page
      .getByRole('button', { name: /Pin request/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(await get(cli.ports.get('proxy')!, '/while-paused')).toBe(200);
    await expect
      .poll(() => page.getByRole('button', { name: /Resume/ }).textContent(), { timeout: 10_000 })
      .toContain('(1)');
    expect(await rows(page).filter({ hasText: '/while-paused' }).count()).toBe(0);
    await page.getByRole('button', { name: /Resume/ }).click();
    await expect.poll(() => rows(page).filter({ hasText: '/while-paused' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => rows(page).count()).toBe(0);
    expect(await page.locator('.pinned [role=row][data-id]').count()).toBe(1);
    await shot(page, 'inspector-05-cleared-pinned');
  });

  it('keeps pins, pause and the filter through a trip to another view, without reloading', async () => {
    await setFilter(page, 'path:/one');
    await page.getByRole('button', { name: 'Pause' }).click();
    expect(await get(cli.ports.get('proxy')!, '/one')).toBe(200);
    await expect
      .poll(() => page.getByRole('button', { name: /Resume/ }).textContent(), { timeout: 10_000 })
      .toContain('(1)');
    await page.getByRole('button', { name: 'Status' }).click();
    await page.getByRole('button', { name: 'Requests' }).click();
    const box = page.getByRole('searchbox', { name: 'Filter requests' });
    expect(await box.inputValue()).toBe('path:/one');
    expect(await page.getByRole('button', { name: /Resume/ }).textContent()).toContain('(1)');
    expect(await page.locator('.pinned [role=row][data-id]').count()).toBe(1);
    await page.getByRole('button', { name: /Resume/ }).click();
    await expect.poll(() => rows(page).count()).toBe(1);
    await setFilter(page, '');
  });

  it('keeps saved filters in the core, so the next run of the UI (a new origin) has them', async () => {
    await setFilter(page, 'status>=400 not reproxied');
    await page.getByRole('button', { name: 'Save filter' }).click();
    const saved = page.getByRole('combobox', { name: 'Saved filters' });
    await saved.waitFor();
    const file = path.join(dir, 'settings', 'ui-settings.json');
    await expect
      .poll(() => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''))
      .toContain('status>=400 not reproxied');

    // A second UI run: another port, so another origin and another localStorage.
    const again = await startCli(path.join(dir, 'perlbal.conf'), path.join(dir, 'settings'));
    try {
      expect(new URL(again.url).port).not.toBe(new URL(cli.url).port);
      const other = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await other.goto(again.url);
      await other.getByRole('button', { name: 'Requests' }).click();
      const list = other.getByRole('combobox', { name: 'Saved filters' });
      await expect
        .poll(() => list.locator('option').allTextContents())
        .toContain('status>=400 not reproxied');
      await shot(other, 'inspector-06-saved-filters');
      await other.close();
    } finally {
      again.child.kill('SIGKILL');
    }
  });
});
