/**
 * Hardening: who may connect. Every listener in the bundled config (management included)
 * is on loopback; a service with no `listen` listens nowhere (selector-routed only). The
 * browser-mode UI server binds 127.0.0.1 unconditionally (ui-server.ts HOST): reachable there,
 * refused on any other address; docs/reliability.md records both.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { checkConfig, permissiveEnv } from '../../../proxy-core/src/common/config/index.js';
import { createInProcessApi } from '../../../proxy-core/src/node/api/in-process-api.js';
import { ProxyCore } from '../../../proxy-core/src/node/core.js';
import { startUiServer } from '../../../proxy-core/src/node/ui-server/ui-server.js';

const BUNDLED = new URL('../../../resources/perlbal.conf', import.meta.url);

it('the bundled perlbal.conf listens on loopback only, management included', () => {
  const text = fs.readFileSync(BUNDLED, 'utf8');
  const result = checkConfig(text, permissiveEnv, 'perlbal.conf');
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const listens = [...text.matchAll(/^\s*SET\s+listen\s*=\s*(\S+)/gim)].map((m) => m[1]!);
  expect(listens.length).toBeGreaterThan(0);
  for (const l of listens) expect(l, l).toMatch(/^(?:127\.0\.0\.1|\[::1\]|localhost):\d+$/);
  // The management service is among them.
  expect(text).toMatch(/SET role = management\s+SET listen = 127\.0\.0\.1:\d+/);
});

it('the browser-mode UI server is reachable on 127.0.0.1 only, not on other addresses', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ui-loopback-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>ui</title>\n');
  const core = await ProxyCore.start(
    'CREATE SERVICE w\n  SET role = web_server\n  SET docroot = /tmp\nENABLE w\n',
  );
  const api = createInProcessApi(core, { text: '', file: null });
  const ui = await startUiServer({ api, rendererDir: dir });
  try {
    expect(await canConnect('127.0.0.1', ui.port)).toBe(true);
    // 127.0.0.2 is loopback too, but a server bound to 127.0.0.1 (not 0.0.0.0) refuses it:
    // the same holds for every address of the machine's other interfaces.
    expect(await canConnect('127.0.0.2', ui.port)).toBe(false);
  } finally {
    await ui.close();
    api.dispose();
    core.close();
  }
});

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}
