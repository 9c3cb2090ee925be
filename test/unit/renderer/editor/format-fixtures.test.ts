/**
 * The config editor's Format on every config fixture: idempotent, never refused, and
 * checkConfig gives the same model and diagnostics before and after (house style B4's round-trip
 * properties, applied to the editor's canonical case).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, permissiveEnv } from '../../../../proxy-core/src/common/config/index.js';
import { formatConfig } from '../../../../renderer/src/editor/format.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/config');
const inputs = readdirSync(FIXTURES).map((name) => ({
  name,
  text: readFileSync(join(FIXTURES, name, 'input.conf'), 'utf8'),
}));

/** What checkConfig says, minus positions (formatting moves lines) and the `a#b` warning. */
function meaning(text: string) {
  const r = checkConfig(text, permissiveEnv);
  return {
    model: r.model,
    diagnostics: r.diagnostics
      .filter((d) => d.code !== 'comment_in_value')
      .map((d) => ({ code: d.code, severity: d.severity, perlbal: d.perlbal })),
  };
}

describe('formatConfig on the config fixtures', () => {
  it('has fixtures to run on', () => {
    expect(inputs.length).toBeGreaterThan(20);
  });

  it.each(inputs)('is idempotent and keeps the meaning of $name', ({ text }) => {
    const once = formatConfig(text);
    expect(once.refused).toBeUndefined();
    expect(formatConfig(once.text)).toEqual({ text: once.text, changed: false });
    expect(meaning(once.text)).toEqual(meaning(text));
  });
});
