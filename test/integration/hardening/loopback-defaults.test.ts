/**
 * Hardening: who may connect. Every listener in the bundled config (management included)
 * is on loopback; a service with no `listen` listens nowhere (selector-routed only). The
 * browser-mode UI server binds 127.0.0.1 unconditionally (ui-server.ts HOST), which the e2e
 * test exercises; docs/reliability.md records both.
 */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { checkConfig, permissiveEnv } from '../../../proxy-core/src/common/config/index.js';

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
