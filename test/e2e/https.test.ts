/**
 * HTTPS in one click, in a real browser: `perlbal-desktop --ui` with a vhost selector, the
 * HTTPS panel's button, and then curl, trusting only the authority the button made, fetches a
 * page through the new SSL service by its host name. Certificates go to a temp folder
 * (PERLBAL_DESKTOP_CERT_DIR), never the user's; the new service listens on a port the OS picks.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig } from '../helpers/api-fixture.js';
import { startBackend, type TestBackend } from '../helpers/test-backend.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'proxy-core/bin/perlbal-desktop.js');
const SHOTS = path.join(ROOT, 'test-results/screenshots');

const SELECTOR = `
LOAD vhosts
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  VHOST www.lj.localhost = web
ENABLE sel
`;

/** Start the CLI with `env` added and wait for the banner's UI URL. */
function startCli(
  config: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--config', config, '--ui'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
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

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', args, { timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('HTTPS in one click, in Chromium (browser mode)', () => {
  let dir: string;
  let certDir: string;
  let backend: TestBackend;
  let cli: { child: ChildProcess; url: string };
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-e2e-https-'));
    certDir = path.join(dir, 'certs');
    fs.mkdirSync(path.join(dir, 'docroot'));
    fs.writeFileSync(path.join(dir, 'docroot', 'index.html'), '<h1>hello over https</h1>\n');
    backend = await startBackend({ closeAfterTest: false });
    const config = path.join(dir, 'perlbal.conf');
    fs.writeFileSync(config, fixtureConfig(backend.hostport) + SELECTOR);
    cli = await startCli(config, {
      PERLBAL_DESKTOP_CERT_DIR: certDir,
      PERLBAL_DESKTOP_HTTPS_PORT: '0',
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    cli?.child.kill('SIGKILL');
    await backend?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes a certificate curl trusts with --cacert, and shows the trust steps', async () => {
    await page.goto(cli.url);
    await page.getByRole('button', { name: 'HTTPS', exact: true }).click();
    await expect
      .poll(() => page.locator('[data-field="service"]').textContent())
      .toContain('none yet');
    await page.getByRole('button', { name: 'Turn on HTTPS' }).click();
    const result = page.locator('[data-service="added"]');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toContain('created the local authority');

    const href = await page.locator('[data-field="service"] a').getAttribute('href');
    const m = /^https:\/\/([\w.-]+):(\d+)\/$/.exec(href ?? '');
    expect(m, `URL in the panel: ${href}`).not.toBeNull();
    const [, host, port] = m!;
    expect(host).toBe('www.lj.localhost');
    expect(await page.locator('[data-field="hosts"]').textContent()).toContain('www.lj.localhost');
    // This machine's steps come first and name the authority's file.
    expect(await page.locator('[aria-label="Trust steps"]').textContent()).toContain(
      path.join(certDir, 'ca.pem'),
    );
    expect(await page.locator('.trust').getAttribute('data-trusted')).not.toBe('true');

    const res = await curl([
      '--silent',
      '--show-error',
      '--cacert',
      path.join(certDir, 'ca.pem'),
      '--resolve',
      `${host}:${port}:127.0.0.1`,
      `https://${host}:${port}/index.html`,
    ]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('hello over https');

    // Without the authority, curl refuses the certificate: it is trust, not luck.
    const untrusted = await curl([
      '--silent',
      '--resolve',
      `${host}:${port}:127.0.0.1`,
      `https://${host}:${port}/`,
    ]);
    expect(untrusted.code).not.toBe(0);

    await page.screenshot({ path: path.join(SHOTS, 'https-panel.png'), fullPage: true });
  });
});
