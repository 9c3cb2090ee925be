/**
 * Completion entries built from the core's reference tables: commands, tunables (with type and
 * default), pool parameters, SERVER keys, plugin modules and the values of enum, bool and role
 * tunables. completion.ts decides which of these fit the cursor's position.
 */
import type { Completion } from '@codemirror/autocomplete';
import {
  CORE_ROLES,
  PLUGINS,
  POOL_PARAMETERS,
  SERVER_KEYS,
  formatTunableValue,
  type ConfigModel,
  type TunableDef,
} from './config-lib.js';
import { SUBKEYWORDS, VERBS } from './vocabulary.js';

/** `type · default x` for a tunable, as the detail next to its name. */
export function tunableDetail(def: TunableDef): string {
  const dflt =
    def.default === undefined || def.default === null ? '' : formatTunableValue(def.default);
  return dflt === '' ? def.type : `${def.type} · default ${dflt}`;
}

/** Every command verb, core ones first; plugin verbs say which LOAD they need. */
export function verbOptions(): Completion[] {
  return VERBS.map((v) => ({
    label: v.verb,
    type: 'keyword',
    detail: v.plugin ? `LOAD ${v.plugin.module}` : v.grammar,
    info: v.plugin ? `${v.grammar}\n\n${v.description}` : v.description,
    boost: v.plugin ? -1 : 0,
  }));
}

export function subkeywordOptions(verb: string): Completion[] {
  return (SUBKEYWORDS[verb] ?? []).map((label) => ({ label, type: 'keyword' }));
}

/** Tunable names; `withEquals` completes `name = ` when the line has no `=` yet. */
export function tunableOptions(defs: readonly TunableDef[], withEquals: boolean): Completion[] {
  return defs.map((def) => ({
    label: def.name,
    apply: withEquals ? `${def.name} = ` : def.name,
    type: 'property',
    detail: tunableDetail(def),
    info: def.plugin ? `${def.description}\n\n(${def.plugin} plugin)` : def.description,
  }));
}

/** `SET plugins = ...` is a service setting outside the tunables table. */
export function pluginsKeyOption(withEquals: boolean): Completion {
  return {
    label: 'plugins',
    apply: withEquals ? 'plugins = ' : 'plugins',
    type: 'property',
    detail: 'list',
    info: 'The plugins registered on this service, comma-separated (each needs its LOAD).',
  };
}

export function poolParameterOptions(withEquals: boolean): Completion[] {
  return POOL_PARAMETERS.map((p) => ({
    label: p.name,
    apply: withEquals ? `${p.name} = ` : p.name,
    type: 'property',
    detail: p.grammar,
    info: p.description,
  }));
}

export function serverKeyOptions(withEquals: boolean): Completion[] {
  return SERVER_KEYS.map((k) => ({
    label: k.name,
    apply: withEquals ? `${k.name} = ` : k.name,
    type: 'property',
    detail: k.grammar,
    info: k.description,
  }));
}

/** LOAD takes the Perl module name; CamelCase ones need their exact case. */
export function pluginModuleOptions(): Completion[] {
  return PLUGINS.map((p) => ({ label: p.module, type: 'namespace', info: p.summary }));
}

export function nameOptions(names: readonly string[], type: 'service' | 'pool'): Completion[] {
  return names.map((label) => ({ label, type: 'variable', detail: type }));
}

/** The values a tunable accepts, where that is a closed set (or the model's names). */
export function valueOptions(def: TunableDef, model: ConfigModel): Completion[] {
  const words = (labels: readonly string[], type = 'constant') =>
    labels.map((label) => ({ label, type }));
  switch (def.type) {
    case 'bool':
      return words(['on', 'off']);
    case 'enum':
      return words(def.values ?? []);
    case 'role':
      return words([
        ...CORE_ROLES,
        ...PLUGINS.filter((p) => model.plugins.includes(p.name)).flatMap((p) => p.addsRoles ?? []),
      ]);
    case 'pool':
      return nameOptions(
        model.pools.map((p) => p.name),
        'pool',
      );
    case 'service':
      return nameOptions(
        model.services.map((s) => s.name),
        'service',
      );
    default:
      return [];
  }
}
