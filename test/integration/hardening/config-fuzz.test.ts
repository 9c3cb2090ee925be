/**
 * Hardening: byte-level config fuzzing, 2,000 cases with a fixed seed. The unit fuzz
 * (test/unit/common/config/fuzz.test.ts) mutates whole lines and words; this one splices
 * bytes, truncates mid-token, repeats blocks and inflates values, the way half-written edits
 * in the desktop editor look. checkConfig must return diagnostics, never throw.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkConfig, permissiveEnv } from '../../../proxy-core/src/common/config/index.js';
import { FIXTURE_ROOT } from '../../helpers/config-fixtures.js';
import { mutateBytes } from '../../helpers/config-mutate.js';
import { prng } from '../../helpers/palimg-images.js';

it('2,000 byte-mutated fixture configs give diagnostics, never an exception', () => {
  const r = prng(20261125);
  const inputs = readdirSync(FIXTURE_ROOT).map((d) =>
    readFileSync(join(FIXTURE_ROOT, d, 'input.conf'), 'utf8'),
  );
  const env = permissiveEnv;
  let withDiagnostics = 0;
  for (let i = 0; i < 2000; i++) {
    const text = mutateBytes(r, inputs[Math.floor(r() * inputs.length)]!);
    let result: ReturnType<typeof checkConfig>;
    try {
      result = checkConfig(text, env, 'fuzz.conf');
    } catch (e) {
      throw new Error(`case ${i} threw on:\n${text.slice(0, 2000)}`, { cause: e });
    }
    expect(Array.isArray(result.diagnostics)).toBe(true);
    if (result.diagnostics.length > 0) withDiagnostics++;
  }
  // The mutations really do break configs (otherwise this test would prove little).
  expect(withDiagnostics).toBeGreaterThan(500);
}, 120_000);
