/**
 * Turns each folder of test/fixtures/config into tests: input.conf -> model.json,
 * diagnostics.json (only when there are diagnostics) and printed.conf (print(dump(model))),
 * plus the three round-trip properties. UPDATE_FIXTURES=1 rewrites expectations; FILTER=name
 * selects cases. An optional env.json describes the fake filesystem and environment.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  applyConfig,
  checkConfig,
  dump,
  parseConfig,
  print,
  type ApplyEnv,
  type ConfigDiagnostic,
} from '../../proxy-core/src/common/config/index.js';

export const FIXTURE_ROOT = 'test/fixtures/config';

/** env.json: everything exists unless listed; variables, interfaces and include files by glob. */
export interface FixtureEnvSpec {
  missing?: string[];
  notExecutable?: string[];
  vars?: Record<string, string>;
  interfaces?: Record<string, string>;
  includes?: Record<string, Array<{ path: string; text?: string; error?: string }>>;
}

export function fixtureEnv(spec: FixtureEnvSpec = {}): ApplyEnv {
  const missing = new Set(spec.missing ?? []);
  const own = (record: Record<string, string> | undefined, key: string) =>
    record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
  const env: ApplyEnv = {
    getenv: (name) => own(spec.vars, name),
    interfaceAddress: (iface) => own(spec.interfaces, iface),
    fileExists: (path) => !missing.has(path),
    dirExists: (path) => !missing.has(path),
    isExecutable: (path) => !missing.has(path) && !(spec.notExecutable ?? []).includes(path),
  };
  if (spec.includes) {
    env.readIncludes = (globs) =>
      (Object.prototype.hasOwnProperty.call(spec.includes, globs)
        ? spec.includes![globs]!
        : [{ path: globs, error: 'No such file or directory' }]
      ).map((f) =>
        f.error !== undefined
          ? { path: f.path, error: f.error }
          : { path: f.path, text: f.text ?? '' },
      );
  }
  return env;
}

/** The stored form of a diagnostic: position, code and both texts. */
export function diagnosticRecord(d: ConfigDiagnostic) {
  return {
    line: d.span.line,
    column: d.span.column,
    endColumn: d.span.endColumn,
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.perlbal !== undefined ? { perlbal: d.perlbal } : {}),
    ...(d.file !== undefined && d.file !== 'input.conf' ? { file: d.file } : {}),
  };
}

function expectFile(path: string, actual: string, update: boolean): void {
  if (update) {
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${path} is missing (run with UPDATE_FIXTURES=1)`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

function fixtureCase(dir: string, update: boolean): void {
  const input = readFileSync(join(dir, 'input.conf'), 'utf8');
  const envPath = join(dir, 'env.json');
  const env = fixtureEnv(
    existsSync(envPath) ? (JSON.parse(readFileSync(envPath, 'utf8')) as FixtureEnvSpec) : {},
  );
  const result = checkConfig(input, env, 'input.conf');

  test('model', () => {
    expectFile(join(dir, 'model.json'), `${JSON.stringify(result.model, null, 2)}\n`, update);
  });

  test('diagnostics', () => {
    const path = join(dir, 'diagnostics.json');
    const records = result.diagnostics.map(diagnosticRecord);
    if (records.length === 0) {
      if (update && existsSync(path)) rmSync(path);
      expect(existsSync(path), 'diagnostics.json exists but there are no diagnostics').toBe(false);
      return;
    }
    expectFile(path, `${JSON.stringify(records, null, 2)}\n`, update);
  });

  test('printed', () => {
    expectFile(join(dir, 'printed.conf'), print(dump(result.model)), update);
  });

  test('print(parse(t)) is idempotent', () => {
    const once = print(parseConfig(input, env).commands);
    expect(print(parseConfig(once, env).commands)).toBe(once);
  });

  test('apply(parse(print(dump(m)))) gives m back', () => {
    const again = applyConfig(parseConfig(print(dump(result.model)), env).commands, env);
    expect(again.model).toEqual(result.model);
  });

  test('parse(print(dump(m))) has no syntax diagnostics', () => {
    const parsed = parseConfig(print(dump(result.model)), env);
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
}

/** Registers one describe block per fixture folder. */
export function runConfigFixtures(root = FIXTURE_ROOT): void {
  const update = process.env['UPDATE_FIXTURES'] === '1';
  const filter = process.env['FILTER'];
  const cases = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'input.conf')))
    .map((e) => e.name)
    .filter((name) => !filter || name.includes(filter))
    .sort();
  for (const name of cases) describe(name, () => fixtureCase(join(root, name), update));
}
