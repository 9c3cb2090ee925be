/**
 * Fuzzing with a fixed seed: random bytes and mutated fixture configs must give diagnostics,
 * never a throw; printing stays idempotent and the dump round trip holds. FUZZ_SEED and FUZZ_N
 * override the seed and the number of cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import {
  applyConfig,
  checkConfig,
  dump,
  dumpconfigPerlbal,
  effectiveMime,
  parseConfig,
  print,
} from '../../../../proxy-core/src/common/config/index.js';
import { FIXTURE_ROOT } from '../../../helpers/config-fixtures.js';
import { env } from './helpers.js';

/** mulberry32: small, seeded, good enough for fuzzing. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const E = env({
  vars: { PORT: '80', X: 'a b' },
  interfaces: { eth0: '127.0.0.1' },
  includes: { 'x.conf': [{ path: 'x.conf', text: 'CREATE SERVICE inc\n' }] },
});
const ALPHABET = ' \t=#.:$,{}\'"-_/*!\r\nABCZabcz0129\u00e9\u2028\u0000';
const WORDS = [
  'SET',
  'CREATE',
  'SERVICE',
  'POOL',
  'ADD',
  'role',
  '=',
  'web_server',
  'reverse_proxy',
  'selector',
  'listen',
  'VHOST',
  'LOAD',
  'vhosts',
  'ENABLE',
  'DISABLE',
  'plugins',
  'HEADER',
  'insert',
  'DEFAULT',
  'MIME',
  'SERVER',
  'INCLUDE',
  'ACCESS',
  'allow',
  'ip',
  'nodefile',
  'extra.x',
  'a',
  'p',
  '${ip:eth0}',
  '$PORT',
  '#',
  '__proto__',
  'constructor',
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function randomText(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 300);
  for (let i = 0; i < n; i++) s += r() < 0.3 ? `${pick(r, WORDS)} ` : pick(r, [...ALPHABET]);
  return s;
}

function mutate(r: () => number, text: string): string {
  const lines = text.split('\n');
  const edits = 1 + Math.floor(r() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * lines.length);
    const op = Math.floor(r() * 6);
    if (op === 0) lines.splice(at, 1);
    else if (op === 1) lines.splice(at, 0, lines[Math.floor(r() * lines.length)] ?? '');
    else if (op === 2) lines[at] = (lines[at] ?? '').toUpperCase();
    else if (op === 3) lines[at] = (lines[at] ?? '').replace(/\S+/, pick(r, WORDS));
    else if (op === 4) lines.splice(at, 0, randomText(r).slice(0, 40));
    else lines[at] = `${lines[at] ?? ''} ${pick(r, WORDS)}`;
  }
  return lines.join('\n');
}

function invariants(text: string): void {
  const result = checkConfig(text, E, 'fuzz.conf');
  expect(Array.isArray(result.diagnostics)).toBe(true);
  const once = print(parseConfig(text, E).commands);
  expect(print(parseConfig(once, E).commands)).toBe(once);
  dumpconfigPerlbal(result.model);
  effectiveMime(result.model);
  // Values only $VAR expansion can produce (trailing or repeated spaces) have no literal form.
  if (result.diagnostics.some((d) => d.code === 'unset_variable')) return;
  const printed = print(dump(result.model));
  const again = applyConfig(parseConfig(printed, E).commands, E);
  expect(again.model, `${text}\n--- dump ---\n${printed}`).toEqual(result.model);
}

test('random text never throws', () => {
  const r = rng(Number(process.env['FUZZ_SEED'] ?? 0xc0ffee));
  for (let i = 0; i < Number(process.env['FUZZ_N'] ?? 400); i++) invariants(randomText(r));
});

test('mutated fixture configs never throw and still round-trip', () => {
  const r = rng(Number(process.env['FUZZ_SEED'] ?? 1234));
  const inputs = readdirSync(FIXTURE_ROOT).map((d) =>
    readFileSync(join(FIXTURE_ROOT, d, 'input.conf'), 'utf8'),
  );
  for (let i = 0; i < Number(process.env['FUZZ_N'] ?? 400); i++)
    invariants(mutate(r, pick(r, inputs)));
});
