/**
 * applyCommand and applyConfig never mutate their input model (it may be deep-frozen), and the
 * model stays plain JSON (structuredClone and JSON round trips).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  applyCommand,
  applyConfig,
  checkConfig,
  parseConfig,
  parseLine,
} from '../../../../proxy-core/src/common/config/index.js';
import { deepFreeze, env } from './helpers.js';

const E = env();
const LINES = [
  'load vhosts',
  'load AccessControl',
  'load highpri',
  'server aio_mode = none',
  'default persist_client = on',
  'mime set svg image/svg+xml',
  'mime remove doc',
  'create pool p',
  'pool p add 127.0.0.1',
  'set nodefile = /n',
  'create service sel',
  'set role = selector',
  'set plugins = vhosts, accesscontrol',
  'vhost a = b',
  'access deny ip 1.2.3.4',
  'set sel.accesscontrol.use_observed_ip = 1',
  'create service px',
  'set role = reverse_proxy',
  'set pool = p',
  'set plugins = highpri',
  'set px.highpri.uri_pattern = ^/x',
  'header px insert X-A: 1',
  'set px.extra.k = v',
  'enable px',
  'disable px',
  'unload highpri',
  'set px.bogus = 1',
];

describe('apply never mutates its input', () => {
  test('every command against a deep-frozen model', () => {
    let model = checkConfig('', E).model;
    const ctx = { lastCreated: null as string | null, verbose: true, phase: 'running' as const };
    for (const line of LINES) {
      const frozen = deepFreeze(structuredClone(model));
      const snapshot = JSON.stringify(frozen);
      const r = applyCommand(frozen, parseLine(line, E).command!, ctx, E);
      expect(JSON.stringify(frozen)).toBe(snapshot);
      if (r.ok) expect(r.model).not.toBe(frozen);
      model = r.model;
    }
  });

  test('applyConfig with a frozen base', () => {
    const base = deepFreeze(checkConfig('CREATE SERVICE a\nSET role = web_server\n', E).model);
    const r = applyConfig(
      parseConfig('SET a.enable_put = on\nCREATE SERVICE b\n', E).commands,
      E,
      base,
    );
    expect(base.services).toHaveLength(1);
    expect(r.model.services).toHaveLength(2);
  });

  test('models survive structuredClone and JSON', () => {
    const text = readFileSync('test/fixtures/config/plugin-accesscontrol/input.conf', 'utf8');
    const { model } = checkConfig(text, E);
    expect(structuredClone(model)).toEqual(model);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  test('a key named __proto__ is stored as data', () => {
    const { model } = checkConfig(
      'CREATE SERVICE a\nSET a.extra.__proto__ = x\nDEFAULT __proto__ = 1\nMIME SET __proto__ a/b\n',
      E,
    );
    expect(Object.keys(model.services[0]!.extra)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(model)).defaults).toEqual(JSON.parse('{"__proto__":"1"}'));
    expect(Object.getPrototypeOf(model.mime)).toBe(Object.prototype);
  });
});
