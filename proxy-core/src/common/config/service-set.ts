/**
 * `Perlbal::Service::set` as a pure function: pool forwarding, tunables (role gate before type
 * check), `plugins`, `extra.KEY`, plugin setters `<plugin>.<key>`, and the unknown-parameter
 * error with a helpful diagnosis.
 */
import { fail, note, ok, type Op } from './apply-op.js';
import type { ServiceModel } from './model.js';
import { setOwn } from './own-keys.js';
import { LIST_SEPARATOR, perlSplit } from './perl-text.js';
import { forwardToPool } from './pool-set.js';
import { pluginByName, pluginOfTunable, PLUGINS } from './plugins/registry.js';
import type { SetterDef } from './plugins/types.js';
import { setRole, storeTunable } from './role-init.js';
import type { Span } from './span.js';
import { didYouMean, nearest } from './suggest.js';
import { checkTunableValue } from './tunable-check.js';
import { allTunables, tunableFor, tunablesForRole } from './tunable-lookup.js';
import type { TunableDef } from './tunable-types.js';

export interface SetSpans {
  key: Span;
  value: Span;
}

export function setOnService(
  op: Op,
  svc: ServiceModel,
  key: string,
  value: string,
  spans: SetSpans,
): boolean {
  if (key === 'nodefile' || key === 'balance_method')
    return forwardToPool(op, svc, key, value, spans);
  const def = tunableFor(key, op.model.plugins);
  if (def) return setTunable(op, svc, def, value, spans);
  if (key === 'plugins') return setPlugins(op, svc, value, spans);
  const extra = /^extra\.(.+)$/s.exec(key);
  if (extra) {
    setOwn(svc.extra, extra[1]!, value);
    return ok(op);
  }
  const setterKey = /^(.+)\.(.+)$/s.exec(key);
  if (setterKey) {
    const setter = findSetter(svc, setterKey[1]!, setterKey[2]!);
    if (setter) return setter.apply(op, svc, value, spans);
  }
  return unknownParameter(op, svc, key, spans);
}

function setTunable(
  op: Op,
  svc: ServiceModel,
  def: TunableDef,
  value: string,
  spans: SetSpans,
): boolean {
  if (def.roles !== '*' && (svc.role === null || !def.roles.includes(svc.role))) {
    const required = def.roles.join(' or ');
    const actual = svc.role
      ? `service '${svc.name}' is a ${svc.role} service`
      : `service '${svc.name}' has no role yet (SET role = ${def.roles[0]} first)`;
    return fail(
      op,
      'tunable_wrong_role',
      { key: def.name, required, actual },
      spans.key,
      `The '${def.name}' option can only be set on a '${def.roles[0]}' service`,
    );
  }
  if (def.type === 'role') return setRole(op, svc, value, spans);
  const r = checkTunableValue(def, value, { env: op.env, model: op.model, serviceName: svc.name });
  if (!r.ok) return fail(op, r.code, r.params, spans.value, r.perlbal);
  if (r.warning) note(op, r.warning.code, r.warning.params, spans.value);
  storeTunable(svc, def, r.value);
  return ok(op);
}

/** A setter registered on `svc` (Perlbal keys them by lc plugin name and lc key). */
function findSetter(svc: ServiceModel, plugin: string, key: string): SetterDef | undefined {
  if (!svc.plugins.includes(plugin)) return undefined;
  return pluginByName(plugin)?.setters?.find((s) => s.key === key);
}

/** Unregisters every current plugin; fails (changing nothing) if one has no unregister. */
function unregisterAll(op: Op, svc: ServiceModel, span: Span): boolean {
  for (const name of svc.plugins) {
    const def = pluginByName(name)!;
    if (!def.hasUnregister) {
      const perlbal = `Can't locate object method "unregister" via package "Perlbal::Plugin::${def.module}"`;
      return fail(
        op,
        'plugin_register_failed',
        {
          module: def.module,
          what: `can't be unregistered, so SET plugins can't run again on service '${svc.name}'`,
        },
        span,
        perlbal,
      );
    }
  }
  for (const name of svc.plugins) pluginByName(name)!.onUnregister?.(svc);
  svc.plugins = [];
  return true;
}

/** `SET plugins = a, b`: unregister all, then register each loaded plugin in order. */
function setPlugins(op: Op, svc: ServiceModel, value: string, spans: SetSpans): boolean {
  if (!unregisterAll(op, svc, spans.value)) return false;
  op.keepOnFailure = true;
  for (const typed of perlSplit(value, LIST_SEPARATOR)) {
    if (typed === 'none') continue;
    const def = pluginByName(typed);
    const loaded = def !== undefined && op.model.plugins.includes(def.name);
    if (loaded && svc.plugins.includes(def.name)) continue;
    if (!loaded) {
      // Perlbal prints an ERROR but the command still succeeds.
      const fn = typed.toLowerCase();
      const text = `Plugin ${fn} not loaded; not registered for ${svc.name}.`;
      const hint = def
        ? `; add 'LOAD ${def.module}' first`
        : didYouMean(
            typed,
            PLUGINS.map((p) => p.name),
          );
      note(
        op,
        'plugin_unknown_in_list',
        { name: typed, service: svc.name, hint },
        spans.value,
        text,
      );
      op.output.push(`ERROR: ${text}`);
      continue;
    }
    if (!registerPlugin(op, svc, def.name, spans.value)) return false;
  }
  return ok(op);
}

function registerPlugin(op: Op, svc: ServiceModel, name: string, span: Span): boolean {
  const def = pluginByName(name)!;
  if (!def.hasRegister) {
    const perlbal = `Can't locate object method "register" via package "Perlbal::Plugin::${def.module}"`;
    return fail(
      op,
      'plugin_register_failed',
      { module: def.module, what: 'has no register: it is not a per-service plugin' },
      span,
      perlbal,
    );
  }
  if (def.roles && (svc.role === null || !def.roles.includes(svc.role))) {
    return fail(
      op,
      'plugin_wrong_role',
      {
        what: `The ${def.module} plugin only works on a ${def.roles.join(' or ')} service; service '${svc.name}' is ${svc.role ? `a ${svc.role}` : 'role-less'}`,
      },
      span,
      def.roleError,
    );
  }
  def.onRegister?.(svc);
  svc.plugins.push(def.name);
  return true;
}

/** The nearest tunable, preferring ones valid for the role; others say which role they need. */
function tunableHint(key: string, role: string | null, loaded: readonly string[]): string {
  const own = didYouMean(key, [...tunablesForRole(role, loaded).map((t) => t.name), 'plugins']);
  if (own) return own;
  const match = nearest(
    key,
    allTunables().map((t) => t.name),
  );
  const def = match === undefined ? undefined : tunableFor(match);
  if (!def || def.roles === '*') return '';
  return `; did you mean '${def.name}'? (it is a ${def.roles.join(' or ')} tunable)`;
}

/** `Unknown service parameter 'k'`, explained: plugin not loaded, not registered, or a typo. */
function unknownParameter(op: Op, svc: ServiceModel, key: string, spans: SetSpans): false {
  const perlbal = `Unknown service parameter '${key}'`;
  const owner = pluginOfTunable(key);
  if (owner && !op.model.plugins.includes(owner.name)) {
    return fail(
      op,
      'plugin_not_loaded',
      { what: `'${key}'`, module: owner.module },
      spans.key,
      perlbal,
    );
  }
  const dotted = /^(.+)\.(.+)$/s.exec(key);
  const setterPlugin = dotted ? pluginByName(dotted[1]!) : undefined;
  if (setterPlugin?.setters?.some((s) => s.key === dotted![2])) {
    if (!op.model.plugins.includes(setterPlugin.name)) {
      return fail(
        op,
        'plugin_not_loaded',
        { what: `'${key}'`, module: setterPlugin.module },
        spans.key,
        perlbal,
      );
    }
    return fail(
      op,
      'plugin_not_registered',
      { key, module: setterPlugin.module, service: svc.name, plugin: setterPlugin.name },
      spans.key,
      perlbal,
    );
  }
  const where = svc.role ? `a ${svc.role} service` : 'a service';
  return fail(
    op,
    'unknown_tunable',
    { key, where, hint: tunableHint(key, svc.role, op.model.plugins) },
    spans.key,
    perlbal,
  );
}
