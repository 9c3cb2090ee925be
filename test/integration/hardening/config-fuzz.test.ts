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
import { prng } from '../../helpers/palimg-images.js';

const NOISE = [
  '\0',
  '\r',
  '\u2028',
  '\ufeff',
  '$',
  '${',
  '}',
  '=',
  '#',
  '"',
  "'",
  '\\',
  ' ',
  '\t',
  '\n',
  'é',
  '\ud800',
];

function mutateBytes(r: () => number, text: string): string {
  let s = text;
  const edits = 1 + Math.floor(r() * 8);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0:
        s = s.slice(0, at) + NOISE[Math.floor(r() * NOISE.length)]! + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at); // half-written: cut anywhere, mid-token included
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
        break;
      case 3: {
        const len = Math.floor(r() * 200);
        s =
          s.slice(0, at) +
          s.slice(at, at + len).repeat(2 + Math.floor(r() * 3)) +
          s.slice(at + len);
        break;
      }
      case 4:
        s = s.slice(0, at) + '9'.repeat(1 + Math.floor(r() * 400)) + s.slice(at);
        break;
      default:
        s = s.slice(0, at) + 'x'.repeat(Math.floor(r() * 20_000)) + s.slice(at);
    }
  }
  return s;
}

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
