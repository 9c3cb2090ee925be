/**
 * The app:// handler's file serving: right files, right types, security headers, and no way
 * out of the renderer folder.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../../main/src/app-origin.js';
import { resolveAssetPath, serveAsset } from '../../../main/src/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/src/content-security-policy.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).createFakeElectron());

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'perlbal-app-protocol-'));
  root = path.join(base, 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(root, 'assets', 'index-abc.js'), 'export {};');
  await writeFile(path.join(root, 'assets', 'index-abc.css'), 'p{}');
  await writeFile(path.join(root, 'assets', 'blob.bin'), 'x');
  await writeFile(path.join(base, 'secret.txt'), 'must never be served');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') =>
  serveAsset(root, { method, url }, APP_ORIGIN, readFile);
const text = (body: Uint8Array | string) =>
  typeof body === 'string' ? body : Buffer.from(body).toString('utf8');

describe('serveAsset', () => {
  it('serves index.html for / and by name, with the CSP and nosniff headers', async () => {
    for (const url of [`${APP_ORIGIN}/`, `${APP_ORIGIN}/index.html`, APP_ORIGIN]) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(res.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(text(res.body)).toContain('<title>t</title>');
    }
  });

  it('serves scripts with a JavaScript type (module scripts need one)', async () => {
    const res = await get(`${APP_ORIGIN}/assets/index-abc.js`);
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect((await get(`${APP_ORIGIN}/assets/index-abc.css`)).headers['Content-Type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get(`${APP_ORIGIN}/assets/blob.bin`)).headers['Content-Type']).toBe(
      'application/octet-stream',
    );
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(`${APP_ORIGIN}/index.html`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const post = await get(`${APP_ORIGIN}/index.html`, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers 404 for missing files and folders', async () => {
    expect((await get(`${APP_ORIGIN}/nope.js`)).status).toBe(404);
    expect((await get(`${APP_ORIGIN}/assets`)).status).toBe(404);
    expect((await get(`${APP_ORIGIN}/assets/`)).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/index.html%00.js',
    '/%E0%A4%A',
  ])('never leaves the renderer folder: %s', async (pathname) => {
    const res = await get(`${APP_ORIGIN}${pathname}`);
    expect(res.status).toBe(404);
    expect(text(res.body)).not.toContain('must never be served');
  });

  it('serves nothing for another origin', async () => {
    for (const url of ['app://evil/index.html', 'file:///etc/passwd', 'http://127.0.0.1/']) {
      expect((await get(url)).status, url).toBe(404);
    }
  });

  it('turns unexpected read errors into 500 instead of throwing', async () => {
    const failing = () => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' }));
    const res = await serveAsset(
      root,
      { method: 'GET', url: `${APP_ORIGIN}/` },
      APP_ORIGIN,
      failing,
    );
    expect(res.status).toBe(500);
  });
});

describe('resolveAssetPath', () => {
  it('maps URLs to files under the root only', () => {
    expect(resolveAssetPath(root, `${APP_ORIGIN}/assets/index-abc.js`, APP_ORIGIN)).toBe(
      path.join(root, 'assets', 'index-abc.js'),
    );
    // The URL parser already folds %2e%2e segments; an encoded slash survives it and must not.
    expect(resolveAssetPath(root, `${APP_ORIGIN}/%2e%2e/secret.txt`, APP_ORIGIN)).toBe(
      path.join(root, 'secret.txt'),
    );
    expect(resolveAssetPath(root, `${APP_ORIGIN}/%2e%2e%2fsecret.txt`, APP_ORIGIN)).toBeNull();
    expect(resolveAssetPath(root, `${APP_ORIGIN}/a/..%2f..%2fsecret.txt`, APP_ORIGIN)).toBeNull();
  });
});
