/**
 * The desktop UI in a real browser: `perlbal-desktop --ui` with a config, run as users run it,
 * and Debian's Chromium (playwright-core) on the URL it prints. The Status view lists the
 * services, its counters move when traffic goes through the proxy, and disabling a service
 * from the UI makes it refuse connections. Screenshots of each view go to
 * test-results/screenshots/ for a person to look at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig, get } from '../helpers/api-fixture.js';
import { startBackend, type TestBackend } from '../helpers/test-backend.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'proxy-core/bin/perlbal-desktop.js');
const SHOTS = path.join(ROOT, 'test-results/screenshots');

interface Started {
  child: ChildProcess;
  url: string;
  ports: Map<string, number>;
  stdout: () => string;
}

/** Start the CLI and read the banner: each service's URL and the UI's. */
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
      const ports = new Map(
        [...out.matchAll(/^ {2}(\w+)\s+\w+\s+http:\/\/127\.0\.0\.1:(\d+)\//gm)].map((m) => [
          m[1]!,
          Number(m[2]),
        ]),
      );
      const url = /UI \(browser mode\): (\S+)/.exec(out)?.[1];
      if (!url) return reject(new Error(`no UI URL in: ${out}`));
      resolve({ child, url, ports, stdout: () => out });
    });
  });
}

/** A vhost selector in front of the fixture's services: the editor test adds a VHOST to it. */
const SELECTOR = `
LOAD vhosts
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  VHOST www.lj.localhost = web
ENABLE sel
`;

/** GET `urlPath` on `port` with a Host header; the status and body. */
async function getHost(
  port: number,
  host: string,
  urlPath = '/',
): Promise<{ status: number; body: string }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: urlPath, headers: { Host: host } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
  });
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** Replace the whole editor text as one paste (no per-key auto-indent). */
async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** The number in a cell, read in the page. */
async function counter(page: Page, selector: string): Promise<number> {
  return Number(await page.locator(selector).first().textContent());
}

describe('the desktop UI in Chromium (browser mode)', () => {
  let dir: string;
  let backend: TestBackend;
  let cli: Started;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-e2e-'));
    fs.mkdirSync(path.join(dir, 'docroot'));
    fs.writeFileSync(path.join(dir, 'docroot', 'index.html'), '<h1>hello</h1>\n');
    backend = await startBackend({ closeAfterTest: false });
    const config = path.join(dir, 'perlbal.conf');
    fs.writeFileSync(config, fixtureConfig(backend.hostport) + SELECTOR);
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
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    cli?.child.kill('SIGKILL');
    await backend?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints a loopback UI URL with a token', () => {
    expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/);
    expect([...cli.ports.keys()].sort()).toEqual(['proxy', 'sel', 'web']);
  });

  it('shows the services and pools, and takes the token out of the address bar', async () => {
    await page.goto(cli.url);
    await page.getByRole('table', { name: 'Services' }).waitFor();
    await expect.poll(() => page.locator('[data-service]').count()).toBe(3);
    expect(await page.locator('[data-service=web]').textContent()).toContain('web_server');
    expect(await page.locator('[data-service=proxy]').textContent()).toContain('reverse_proxy');
    expect(
      await page.locator(`[data-pool=backends] [data-node="${backend.hostport}"]`).textContent(),
    ).toContain('unknown');
    expect(page.url()).not.toContain('token=');
    await shot(page, '01-status');
  });

  it('moves the counters when traffic goes through the proxy', async () => {
    const proxy = cli.ports.get('proxy')!;
    for (let i = 0; i < 3; i++) expect(await get(proxy, '/status')).toBe(200);
    await expect
      .poll(() => counter(page, '[data-service=proxy] [data-counter=requests]'), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(3);
    await expect
      .poll(() => counter(page, `[data-node="${backend.hostport}"] [data-counter=requests]`), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(3);
    expect(await page.locator(`[data-node="${backend.hostport}"]`).textContent()).toContain('ok');
    await shot(page, '02-status-after-traffic');
  });

  it('disables a service from the UI, which then refuses connections', async () => {
    const web = cli.ports.get('web')!;
    expect(await get(web)).toBe(200);
    await page.getByRole('button', { name: 'Disable web' }).click();
    await expect.poll(() => page.locator('[data-service=web]').textContent()).toContain('disabled');
    expect(await get(web)).toBe('ECONNREFUSED');
    await shot(page, '03-status-web-disabled');
    await page.getByRole('button', { name: 'Enable web' }).click();
    await expect.poll(() => page.locator('[data-service=web]').textContent()).toContain('enabled');
  });

  it('adds and removes a pool node from the UI', async () => {
    await page.getByRole('textbox', { name: 'New node for backends' }).fill('127.0.0.1:9');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('[data-node="127.0.0.1:9"]').waitFor();
    await page.getByRole('button', { name: 'Remove 127.0.0.1:9' }).click();
    await expect.poll(() => page.locator('[data-node="127.0.0.1:9"]').count()).toBe(0);
  });

  it('shows the config and the requests views', async () => {
    await page.getByRole('button', { name: /^Config/ }).click();
    await expect
      .poll(() => page.locator('.cm-content').textContent())
      .toContain('CREATE SERVICE web');
    await shot(page, '04-config');
    await page.getByRole('button', { name: 'Requests' }).click();
    expect(await get(cli.ports.get('proxy')!, '/status')).toBe(200);
    await page.locator('.viewport [role=row][data-id]', { hasText: '/status' }).first().waitFor();
    await shot(page, '05-requests');
  });

  it('underlines a typo in the editor at its line and says what is wrong', async () => {
    await page.getByRole('button', { name: /^Config/ }).click();
    const content = page.locator('.cm-content');
    await expect.poll(() => content.textContent()).toContain('CREATE SERVICE proxy');
    const text = fixtureConfig(backend.hostport) + SELECTOR;
    const lines = text.replace('SET pool = backends', 'SET persist_backnd = on').split('\n');
    const typoLine = lines.indexOf('  SET persist_backnd = on') + 1;
    await replaceEditorText(page, lines.join('\n'));
    // The live lint (the core's parser, in the page) marks the word on that very line.
    const marked = page.locator('.cm-line', { has: page.locator('.cm-lintRange-error') });
    await expect.poll(() => marked.first().textContent()).toBe('  SET persist_backnd = on');
    await page.getByRole('button', { name: 'Check' }).click();
    const problem = page.getByRole('button', { name: /persist_backnd/ });
    await expect
      .poll(() => problem.first().textContent())
      .toMatch(new RegExp(`^Line ${typoLine}, column 7: .*did you mean 'persist_backend'`));
    await shot(page, '07-editor-typo');
  });

  it('applies a new VHOST from the editor, and that host is routed to its service', async () => {
    const sel = cli.ports.get('sel')!;
    expect((await getHost(sel, 'api.lj.localhost')).status).toBe(404);
    await page.getByRole('button', { name: /^Config/ }).click();
    // The same text plus one VHOST line: the listeners (127.0.0.1:0, as started) stay as they are.
    const text = (fixtureConfig(backend.hostport) + SELECTOR).replace(
      'VHOST www.lj.localhost = web',
      'VHOST www.lj.localhost = web\n  VHOST api.lj.localhost = proxy',
    );
    await replaceEditorText(page, text);
    // Typed edits outlive a trip to another view (the text is the app's, not the view's).
    await page.getByRole('button', { name: 'Status' }).click();
    await page.getByRole('button', { name: /^Config/ }).click();
    await expect
      .poll(() => page.locator('.cm-content').textContent())
      .toContain('api.lj.localhost');
    expect(await page.getByText('● Unsaved changes').count()).toBe(1);
    // Apply shows what will change first (the core's planConfig); nothing has changed yet.
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Apply these changes?' });
    await expect.poll(() => confirm.textContent()).toContain('service sel changed');
    expect((await getHost(sel, 'api.lj.localhost')).status).toBe(404);
    await shot(page, '08a-editor-apply-confirm');
    await confirm.getByRole('button', { name: 'Apply', exact: true }).click();
    const result = page.locator('.config-editor .message').first();
    await expect.poll(() => result.textContent()).toMatch(/^Applied|^Not applied/);
    expect(await result.textContent()).toMatch(/^Applied/);
    const routed = await getHost(sel, 'api.lj.localhost', '/status');
    expect(routed.status).toBe(200);
    // Only the test backend behind `proxy` answers /status (with its request counters).
    expect(routed.body).toMatch(/^pid = \d+\nreqnum = /);
    expect((await getHost(sel, 'www.lj.localhost')).body).toContain('<h1>hello</h1>');
    await shot(page, '08-editor-applied');
  });

  it('says what is wrong with a bad token', async () => {
    const other = await browser.newPage();
    await other.goto(cli.url.replace(/token=.*/, 'token=wrong'));
    await other.getByText(/refused the token/).waitFor();
    await shot(other, '06-bad-token');
    await other.close();
  });
});
