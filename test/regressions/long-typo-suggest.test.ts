/**
 * The config fuzz found that a 70,000-character unknown tunable (a paste gone wrong) made the
 * "did you mean" search run for minutes: a full edit distance against every tunable. Names
 * whose length differs by more than the limit cannot match and are now skipped.
 */
import { expect, it } from 'vitest';
import { checkConfig, permissiveEnv } from '../../proxy-core/src/common/config/index.js';
import { nearest } from '../../proxy-core/src/common/config/suggest.js';

it('suggestions are unchanged for ordinary typos', () => {
  expect(nearest('persist_backnd', ['persist_backend', 'persist_client'])).toBe('persist_backend');
  expect(nearest('x', ['xyzzy'])).toBeUndefined();
});

it('a huge unknown tunable gets its diagnostic without an edit distance against every name', () => {
  const text = `CREATE SERVICE s\n  SET role = web_server\n  SET log_event${'x'.repeat(70_000)}s = ban\n`;
  const result = checkConfig(text, permissiveEnv, 'huge.conf');
  expect(result.diagnostics.length).toBeGreaterThan(0);
});
