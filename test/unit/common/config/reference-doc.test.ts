/**
 * docs/config-reference.md is generated from the tables; this test keeps it in sync
 * (UPDATE_FIXTURES=1 rewrites it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import {
  PLUGINS,
  renderConfigReference,
  TUNABLES,
} from '../../../../proxy-core/src/common/config/index.js';

const PATH = 'docs/config-reference.md';

test('docs/config-reference.md matches the tables', () => {
  const text = renderConfigReference();
  if (process.env['UPDATE_FIXTURES'] === '1') writeFileSync(PATH, text);
  expect(existsSync(PATH), `${PATH} is missing (run with UPDATE_FIXTURES=1)`).toBe(true);
  expect(readFileSync(PATH, 'utf8')).toBe(text);
});

test('the reference lists every tunable and plugin', () => {
  const text = renderConfigReference();
  for (const t of TUNABLES) expect(text).toContain(`| \`${t.name}\` |`);
  for (const p of PLUGINS) expect(text).toContain(`### ${p.module} (\`LOAD ${p.module}\`)`);
  expect(text).toContain('max_reproxy_connections');
  expect(text).toContain('SET <pool>.nodefile');
  expect(text).toContain('VHOST [<service>] <host_or_pattern> = <dest_service>');
});
