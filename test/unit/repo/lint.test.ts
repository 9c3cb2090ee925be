/**
 * `npm test` enforces lint: ESLint over the whole repository must report no errors, and the
 * desktop-side files must be Prettier-formatted (other packages format on their own schedule).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-root.js';

const FORMATTED_DIRS = ['main', 'renderer', 'test/unit/main', 'test/unit/repo', 'test/renderer'];
const FORMATTED_FILES = [
  'eslint.config.js',
  'electron.vite.config.ts',
  'electron-builder.yml',
  '.prettierrc.json',
  'main/scripts/start.mjs',
  'main/scripts/make-icons.mjs',
];
const FORMATTABLE = /\.(ts|mjs|js|json|svelte|html|css|ya?ml)$/;

function formattedFiles(): string[] {
  const fromDirs = FORMATTED_DIRS.flatMap((dir) =>
    readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => FORMATTABLE.test(f) && !f.split(path.sep).includes('node_modules'))
      .map((f) => path.join(dir, f)),
  );
  return [...fromDirs, ...FORMATTED_FILES];
}

describe('lint', () => {
  it('ESLint reports no errors anywhere in the repository', { timeout: 90_000 }, async () => {
    const eslint = new ESLint({ cwd: REPO_ROOT });
    const results = await eslint.lintFiles(['.']);
    const errors = results.filter((r) => r.errorCount > 0 || r.fatalErrorCount > 0);
    if (errors.length > 0) {
      const formatter = await eslint.loadFormatter('stylish');
      expect.fail(await formatter.format(errors));
    }
  });

  it('desktop-side files are formatted with Prettier', { timeout: 60_000 }, async () => {
    const unformatted: string[] = [];
    for (const file of formattedFiles()) {
      const filepath = path.join(REPO_ROOT, file);
      const options = await prettier.resolveConfig(filepath);
      const source = readFileSync(filepath, 'utf8');
      if (!(await prettier.check(source, { ...options, filepath }))) unformatted.push(file);
    }
    expect(unformatted, 'run: npx prettier --write <file>').toEqual([]);
  });
});
