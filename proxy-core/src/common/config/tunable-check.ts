/**
 * Type checking and normalisation of one tunable value: the `check_type` branch of
 * `Perlbal::Service::set`, with Perlbal's exact error texts. Pure apart from the ApplyEnv
 * questions (`-f`, `-d`, `-x`) and name lookups in the model.
 */
import type { DiagnosticCode, MessageParams } from './diagnostics.js';
import type { ApplyEnv } from './env.js';
import { findPool, findService, type ConfigModel, type TunableValue } from './model.js';
import { readNetmask } from './netmask.js';
import { perlBool, perlSplit, perlTruthy } from './perl-text.js';
import type { TunableDef } from './tunable-types.js';

export type CheckResult =
  | { ok: true; value: TunableValue; warning?: { code: DiagnosticCode; params: MessageParams } }
  | { ok: false; code: DiagnosticCode; params: MessageParams; perlbal: string };

export interface CheckContext {
  env: ApplyEnv;
  model: ConfigModel;
  /** The service being set (Perlbal interpolates it into some messages). */
  serviceName: string;
}

type Checker = (def: TunableDef, raw: string, c: CheckContext) => CheckResult;

/** Perlbal has no quoting: `'on'` is four characters. Worth saying when a value looks quoted. */
export function quoteHint(raw: string): string {
  return /^(['"]).*\1$/s.test(raw)
    ? ' (quotes are part of the value in Perlbal configs: leave them out)'
    : '';
}

function fail(code: DiagnosticCode, params: MessageParams, perlbal: string): CheckResult {
  const value = params['value'];
  const hint =
    typeof value === 'string' && params['hint'] === undefined ? quoteHint(value) : params['hint'];
  return { ok: false, code, params: hint ? { ...params, hint } : params, perlbal };
}

function fill(template: string | undefined, raw: string, c: CheckContext): string {
  return (template ?? '').replace('%value%', raw).replace('%service%', c.serviceName);
}

function checkSize(def: TunableDef, raw: string): CheckResult {
  let v = raw;
  let m = /^(\d+)b$/i.exec(v);
  if (m) v = m[1]!;
  m = /^(\d+)k$/i.exec(v);
  if (m) v = String(Number(m[1]) * 1024);
  m = /^(\d+)m$/i.exec(v);
  if (m) v = String(Number(m[1]) * 1024 * 1024);
  if (/^\d+$/.test(v)) return { ok: true, value: Number(v) };
  return fail(
    'invalid_size',
    { key: def.name, value: raw },
    `Expecting size unit value for parameter '${def.name}' in bytes, or suffixed with 'K' or 'M'`,
  );
}

function checkUdpEndpoints(def: TunableDef, raw: string, c: CheckContext): CheckResult {
  for (const ipa of raw.split(/[ \t\n\r\f\v]*,[ \t\n\r\f\v]*/).filter(perlTruthy)) {
    if (!/^(\d+\.\d+\.\d+\.\d+):(\d+)$/.test(ipa)) {
      return fail(
        'invalid_value',
        { key: def.name, rule: 'expects a comma-separated list of a.b.c.d:port', value: ipa },
        fill(def.patternError, ipa, c),
      );
    }
  }
  return { ok: true, value: raw };
}

function checkNetmasks(def: TunableDef, raw: string): CheckResult {
  const out: string[] = [];
  for (const spec of perlSplit(raw, /[ \t\n\r\f\v]*,[ \t\n\r\f\v]*/)) {
    const parsed = readNetmask(spec);
    if (!parsed.ok) {
      return fail(
        'invalid_netmask',
        { value: spec },
        `Error defining trusted upstream proxies: ${parsed.error}`,
      );
    }
    out.push(parsed.value);
  }
  if (out.length === 0)
    return fail(
      'invalid_netmask',
      { value: raw },
      'Error defining trusted upstream proxies: None found',
    );
  return { ok: true, value: out };
}

const CHECKERS: Record<Exclude<TunableDef['type'], 'role'>, Checker> = {
  bool: (def, raw) => {
    const b = perlBool(raw);
    return b === undefined
      ? fail(
          'invalid_bool',
          { key: def.name, value: raw },
          `Expecting boolean value for parameter '${def.name}'`,
        )
      : { ok: true, value: b };
  },
  int: (def, raw) =>
    /^\d+$/.test(raw)
      ? { ok: true, value: Number(raw) }
      : fail(
          'invalid_int',
          { key: def.name, value: raw },
          `Expecting integer value for parameter '${def.name}'`,
        ),
  size: (def, raw) => checkSize(def, raw),
  string: (_def, raw) => ({ ok: true, value: raw }),
  enum: (def, raw) =>
    def.values!.includes(raw)
      ? { ok: true, value: raw }
      : fail(
          'invalid_enum',
          { key: def.name, value: raw, values: def.values!.join(', ') },
          `Value of '${def.name}' must be one of: ${def.values!.join(', ')}`,
        ),
  regexp: (def, raw, c) => {
    if (new RegExp(def.pattern!, 's').test(raw)) return { ok: true, value: raw };
    const code: DiagnosticCode = def.name === 'listen' ? 'invalid_listen' : 'invalid_value';
    return fail(
      code,
      { key: def.name, value: raw, rule: def.rule ?? 'has the wrong form' },
      fill(def.patternError, raw, c),
    );
  },
  list: (def, raw) => ({ ok: true, value: def.normalize ? def.normalize(raw) : raw }),
  // Perl's `-f`: a directory is refused with the same words as a missing file.
  file_or_none: (def, raw, c) =>
    c.env.fileExists(raw) || raw === def.default
      ? { ok: true, value: raw }
      : fail(
          c.env.dirExists(raw) ? 'not_a_file' : 'file_not_found',
          { key: def.name, path: raw },
          `File '${raw}' not found for '${def.name}'`,
        ),
  directory_or_none: (def, raw, c) =>
    c.env.dirExists(raw)
      ? { ok: true, value: raw }
      : fail(
          'directory_not_found',
          { key: def.name, path: raw },
          `Directory '${raw}' not found for '${def.name}'`,
        ),
  directory: (def, raw, c) =>
    perlTruthy(raw) && c.env.dirExists(raw)
      ? { ok: true, value: raw }
      : fail('directory_not_found', { key: def.name, path: raw }, fill(def.patternError, raw, c)),
  executable: (def, raw, c) =>
    perlTruthy(raw) && c.env.isExecutable(raw)
      ? { ok: true, value: raw }
      : fail('not_executable', { key: def.name, path: raw }, fill(def.patternError, raw, c)),
  pool: (_def, raw, c) =>
    findPool(c.model, raw)
      ? { ok: true, value: raw }
      : fail('unknown_pool', { name: raw }, `Pool '${raw}' not found`),
  // QUIRK: Perlbal interpolates the (undefined) lookup result, hence `Service ''`.
  service: (def, raw, c) =>
    findService(c.model, raw)
      ? { ok: true, value: raw }
      : fail('unknown_service', { name: raw }, def.patternError ?? `Service '' not found`),
  udp_endpoints: checkUdpEndpoints,
  netmask_list: (def, raw) => checkNetmasks(def, raw),
  percent: (def, raw) => {
    if (/^\d+$/.test(raw) && Number(raw) <= 100) return { ok: true, value: Number(raw) };
    return fail(
      'invalid_value',
      { key: def.name, rule: 'expects a whole number from 0 to 100', value: raw },
      def.patternError!,
    );
  },
  unchecked_int: (def, raw) =>
    /^\d+$/.test(raw)
      ? { ok: true, value: Number(raw) }
      : {
          ok: true,
          value: raw,
          warning: { code: 'unchecked_value', params: { key: def.name, value: raw } },
        },
};

/** Checks and normalises `raw` for `def` (not for `role`, which the role setter handles). */
export function checkTunableValue(def: TunableDef, raw: string, c: CheckContext): CheckResult {
  if (def.type === 'role') throw new Error('checkTunableValue: role is checked by the role setter');
  const checked = CHECKERS[def.type](def, raw, c);
  if (checked.ok && def.normalize && def.type !== 'list')
    return { ...checked, value: def.normalize(raw) };
  return checked;
}

/** The value Perlbal compares and prints: bools as 1/0 ('on' in dumps), lists joined. */
export function formatTunableValue(value: TunableValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.join(', ');
  if (value === null) return '';
  return String(value);
}
