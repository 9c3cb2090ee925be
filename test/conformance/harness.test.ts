/**
 * The harness's one policy decision: without the real Perlbal the suite skips itself locally,
 * but fails loudly in CI, where .ci/run installs it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { havePerlbal, PERLBAL_BIN } from './harness.js';

const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pb-harness-')), 'perlbal');

it('skips quietly without perlbal when CI is not set (or is false)', () => {
  expect(havePerlbal({}, missing)).toBe(false);
  expect(havePerlbal({ CI: '' }, missing)).toBe(false);
  expect(havePerlbal({ CI: 'false' }, missing)).toBe(false);
  expect(havePerlbal({ CI: '0' }, missing)).toBe(false);
});

it('throws without perlbal when CI is set, saying what to install', () => {
  for (const CI of ['true', '1']) {
    expect(() => havePerlbal({ CI }, missing)).toThrow(`${missing} is missing, and CI is set`);
    expect(() => havePerlbal({ CI }, missing)).toThrow('apt-get install perlbal');
  }
});

it('finds an installed perlbal whatever CI says', () => {
  const present = path.join(path.dirname(missing), 'present');
  fs.writeFileSync(present, '');
  expect(havePerlbal({ CI: 'true' }, present)).toBe(true);
  expect(havePerlbal({}, present)).toBe(true);
  // The real one, where it is installed (CI always; locally perhaps).
  if (fs.existsSync(PERLBAL_BIN)) expect(havePerlbal()).toBe(true);
});
