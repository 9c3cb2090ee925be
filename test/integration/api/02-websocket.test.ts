/**
 * The CoreApi contract over the browser-mode WebSocket (node/ui-server + the renderer's
 * ws-client.ts, with the `ws` package standing in for the browser's WebSocket), then what the
 * UI server guarantees: loopback only, token, Origin, Host, and only the renderer's files.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  createInProcessApi,
  type InProcessCoreApi,
} from '../../../proxy-core/src/node/api/in-process-api.js';
import { startUiServer, type UiServer } from '../../../proxy-core/src/node/ui-server/ui-server.js';
import { connectWs, type SocketLike } from '../../../renderer/src/api/ws-client.js';
import { apiOptions, describeContract, rejectsWith } from '../../unit/api/contract.js';
import { startApiFixture, type ApiFixture } from '../../helpers/api-fixture.js';

function rendererDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ui-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>ui</title>\n');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'export {};\n');
  return dir;
}

const opener = (origin: string) => (url: string) =>
  new WebSocket(url, { origin }) as unknown as SocketLike;

describeContract('the WebSocket (browser mode)', async (fx) => {
  const api = createInProcessApi(fx.core, apiOptions(fx));
  const ui = await startUiServer({ api, rendererDir: rendererDir() });
  const client = await connectWs(
    `ws://127.0.0.1:${ui.port}/api`,
    ui.token,
    opener(`http://127.0.0.1:${ui.port}`),
  );
  return {
    client,
    close: async () => {
      client.close();
      await ui.close();
      api.dispose();
    },
  };
});

/** The close code and reason a raw connection ends with. */
function closeOf(
  url: string,
  origin: string | undefined,
  hello?: unknown,
): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.on('open', () => {
      if (hello !== undefined) ws.send(typeof hello === 'string' ? hello : JSON.stringify(hello));
    });
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('error', reject);
  });
}

function fetchRaw(
  port: number,
  pathName: string,
  host = `127.0.0.1:${port}`,
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: pathName, method, headers: { host }, agent: false },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the UI server', () => {
  let fx: ApiFixture;
  let api: InProcessCoreApi;
  let ui: UiServer;
  let origin: string;
  let url: string;

  beforeEach(async () => {
    fx = await startApiFixture();
    api = createInProcessApi(fx.core, { text: fx.text, file: fx.file });
    ui = await startUiServer({ api, rendererDir: rendererDir() });
    origin = `http://127.0.0.1:${ui.port}`;
    url = `ws://127.0.0.1:${ui.port}/api`;
  });

  afterEach(async () => {
    await ui.close();
    api.dispose();
    fx.close();
  });

  it('prints a loopback URL with a long random token', () => {
    expect(ui.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${ui.port}/\\?token=[\\w-]{40,}$`));
  });

  it('closes with 4401 on a wrong or missing token', async () => {
    expect(await closeOf(url, origin, { type: 'hello', token: 'nope' })).toEqual({
      code: 4401,
      reason: 'bad or missing token',
    });
    expect(
      await closeOf(url, origin, { type: 'call', id: 1, method: 'getStatus', args: [] }),
    ).toEqual(expect.objectContaining({ code: 4401 }));
    await expect(connectWs(url, 'wrong', opener(origin))).rejects.toThrow(/refused the token/);
  });

  it('closes with 4403 for a page on another origin, even with the token', async () => {
    const hello = { type: 'hello', token: ui.token };
    expect(await closeOf(url, 'http://evil.example', hello)).toEqual({
      code: 4403,
      reason: 'origin not allowed',
    });
    expect(await closeOf(url, `http://127.0.0.1:${ui.port + 1}`, hello)).toEqual(
      expect.objectContaining({ code: 4403 }),
    );
    expect(await closeOf(url, undefined, hello)).toEqual(expect.objectContaining({ code: 4403 }));
  });

  it('closes with 4400 on a frame that is not JSON', async () => {
    expect(await closeOf(url, origin, 'not json')).toEqual(expect.objectContaining({ code: 4400 }));
  });

  it('refuses methods outside the allow-list with PB_ERR_IPC_UNKNOWN_METHOD', async () => {
    const ws = new WebSocket(url, { origin });
    const frames: Array<Record<string, unknown>> = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', token: ui.token })));
      ws.on('error', reject);
      ws.on('message', (d: Buffer) => {
        const f = JSON.parse(d.toString()) as Record<string, unknown>;
        if (f['type'] === 'welcome') {
          ws.send(JSON.stringify({ type: 'call', id: 7, method: 'constructor', args: [] }));
          ws.send(JSON.stringify({ type: 'call', id: 8, method: 'dispose', args: [] }));
        } else if (f['type'] === 'error') {
          frames.push(f);
          if (frames.length === 2) resolve();
        }
      });
    });
    ws.close();
    expect(frames.map((f) => [f['id'], (f['error'] as { code: string }).code])).toEqual([
      [7, 'PB_ERR_IPC_UNKNOWN_METHOD'],
      [8, 'PB_ERR_IPC_UNKNOWN_METHOD'],
    ]);
    // The API was not disposed by the refused call.
    expect((await api.getStatus()).services.length).toBe(2);
  });

  it('serves the renderer with its CSP, and nothing outside it', async () => {
    const index = await fetchRaw(ui.port, '/?token=x');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://127.0.0.1:${ui.port}`,
    );
    expect((await fetchRaw(ui.port, '/assets/app.js')).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    for (const p of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/a%00b',
      '/..%5c..%5cpackage.json',
    ]) {
      expect((await fetchRaw(ui.port, p)).status, p).toBe(404);
    }
    expect((await fetchRaw(ui.port, '/', `127.0.0.1:${ui.port}`, 'POST')).status).toBe(405);
  });

  it('answers 421 to another Host name (DNS rebinding)', async () => {
    expect((await fetchRaw(ui.port, '/', `evil.example:${ui.port}`)).status).toBe(421);
    expect((await fetchRaw(ui.port, '/', `localhost:${ui.port}`)).status).toBe(200);
  });

  it('tells connected pages when it stops', async () => {
    const client = await connectWs(url, ui.token, opener(origin));
    const why = new Promise<string>((resolve) => client.onClose(resolve));
    await ui.close();
    expect(await why).toBe('perlbal-desktop stopped.');
    await rejectsWith(client.getStatus(), 'PB_ERR_NOT_RUNNING');
  });

  it('fails clearly when the renderer is not built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ui-empty-'));
    await expect(startUiServer({ api, rendererDir: empty })).rejects.toMatchObject({
      code: 'PB_ERR_UI_NOT_BUILT',
      message: expect.stringMatching(/npm run build/),
    });
  });
});
