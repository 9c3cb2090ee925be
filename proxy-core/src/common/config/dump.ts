/**
 * ConfigModel -> ConfigCommand[]: a complete, canonical config for a model (unlike Perlbal's
 * MANAGE_dumpconfig, it includes HEADER rules, plugins, extra.*, setters and globals), so that
 * applying the printed dump gives the same model back.
 */
import type {
  ConfigCommand,
  CreateCommand,
  EnableCommand,
  LoadCommand,
  MimeCommand,
  PoolCommand,
  ServerCommand,
  DefaultCommand,
  HeaderCommand,
  SetCommand,
} from './commands.js';
import { permissiveEnv } from './env.js';
import type { ConfigModel, PoolModel, ServiceModel, TunableValue } from './model.js';
import { hasOwn } from './own-keys.js';
import { pluginByName } from './plugins/registry.js';
import { dumpNode, setterNode, type PluginDef } from './plugins/types.js';
import { NO_SPAN } from './span.js';
import { checkTunableValue, formatTunableValue } from './tunable-check.js';
import { tunableFor } from './tunable-lookup.js';
import { roleMatches } from './tunable-types.js';

function setNode(key: string, value: string): SetCommand {
  return dumpNode<SetCommand>({
    kind: 'set',
    target: null,
    key,
    value,
    keySpan: NO_SPAN,
    valueSpan: NO_SPAN,
  });
}

function poolAddNodes(pool: PoolModel): PoolCommand[] {
  return pool.nodes.map((node) => {
    const at = node.lastIndexOf(':');
    return dumpNode<PoolCommand>({
      kind: 'pool',
      pool: pool.name,
      action: 'add',
      ip: node.slice(0, at),
      port: node.slice(at + 1),
    });
  });
}

function globalCommands(model: ConfigModel): ConfigCommand[] {
  const out: ConfigCommand[] = [];
  for (const name of model.plugins)
    out.push(dumpNode<LoadCommand>({ kind: 'load', plugin: pluginByName(name)!.module }));
  for (const name of model.plugins) out.push(...(pluginByName(name)!.dumpGlobal?.(model) ?? []));
  for (const [key, value] of Object.entries(model.server))
    out.push(dumpNode<ServerCommand>({ kind: 'server', key, value: String(value) }));
  for (const [key, value] of defaultsAfter(model, -1)) out.push(defaultNode(key, value));
  for (const [ext, type] of Object.entries(model.mime)) {
    out.push(
      dumpNode<MimeCommand>({ kind: 'mime', action: type === null ? 'remove' : 'set', ext, type }),
    );
  }
  return out;
}

function poolCommands(pool: PoolModel): ConfigCommand[] {
  const out: ConfigCommand[] = [
    dumpNode<CreateCommand>({ kind: 'create', what: 'pool', name: pool.name }),
  ];
  if (pool.nodefile !== null) out.push(setNode('nodefile', pool.nodefile));
  return [...out, ...poolAddNodes(pool)];
}

function defaultNode(key: string, value: string): DefaultCommand {
  return dumpNode<DefaultCommand>({
    kind: 'default',
    key,
    value,
    keySpan: NO_SPAN,
    valueSpan: NO_SPAN,
  });
}

/** Whether `SET key = <text>` can produce the value (no empty text, no space runs or ends). */
function expressible(value: TunableValue): boolean {
  const text = formatTunableValue(value);
  return text !== '' && text.trim() === text && !/[ \t\n\r\f\v]{2}/.test(text);
}

/**
 * Where each DEFAULT goes: after the last service that does not have the value it would give
 * and can't be given its own by a SET (its role was set before the DEFAULT ran), so no service
 * gets a value it doesn't have; -1 is the top.
 */
function defaultPosition(model: ConfigModel, key: string): number {
  const def = tunableFor(key, model.plugins);
  let after = -1;
  if (!def || def.name === 'persist_client_timeout') return after;
  model.services.forEach((svc, i) => {
    if (svc.role === null || !roleMatches(def, svc.role)) return;
    const value = svc.tunables[key];
    if (!hasOwn(svc.tunables, key) || value === undefined || !expressible(value)) after = i;
  });
  return after;
}

/** The DEFAULT lines to emit right after service `index` (-1: before all services). */
function defaultsAfter(model: ConfigModel, index: number): Array<[string, string]> {
  return Object.entries(model.defaults).filter(([key]) => defaultPosition(model, key) === index);
}

/**
 * The value a tunable gets when the service's role is set, given the DEFAULTs emitted before
 * it (in order; persist_client_timeout stands for both timeouts), else the table default.
 */
function effectiveDefault(
  model: ConfigModel,
  svc: ServiceModel,
  name: string,
  active: Array<[string, string]>,
): TunableValue | undefined {
  let value = tunableFor(name, model.plugins)?.default;
  const aliases =
    name === 'idle_timeout' || name === 'persist_client_idle_timeout'
      ? [name, 'persist_client_timeout']
      : [name];
  for (const [key, raw] of active) {
    const def = aliases.includes(key) ? tunableFor(key, model.plugins) : undefined;
    if (!def || def.type === 'role' || !roleMatches(def, svc.role)) continue;
    const r = checkTunableValue(def, raw, { env: permissiveEnv, model, serviceName: svc.name });
    if (r.ok) value = r.value;
  }
  return value;
}

function tunableCommands(
  model: ConfigModel,
  svc: ServiceModel,
  active: Array<[string, string]>,
): SetCommand[] {
  const out: SetCommand[] = [];
  const keys = Object.keys(svc.tunables)
    .filter((k) => k !== 'listen' && k !== 'pool')
    .sort();
  for (const key of keys) {
    const value = svc.tunables[key]!;
    if (
      svc.role !== null &&
      JSON.stringify(value) === JSON.stringify(effectiveDefault(model, svc, key, active))
    )
      continue;
    out.push(setNode(key, formatTunableValue(value)));
  }
  return out;
}

/** Plugins in the service's registration order, then the other loaded ones. */
function pluginsFor(model: ConfigModel, svc: ServiceModel) {
  const names = [...svc.plugins, ...model.plugins.filter((p) => !svc.plugins.includes(p))];
  return names.map((n) => pluginByName(n)!).filter((p) => model.plugins.includes(p.name));
}

function headerCommands(svc: ServiceModel): HeaderCommand[] {
  const node = (action: 'insert' | 'remove', name: string, value: string | null) =>
    dumpNode<HeaderCommand>({ kind: 'header', service: svc.name, action, name, value });
  return [
    ...svc.headers.remove.map((h) => node('remove', h, null)),
    ...svc.headers.insert.map(([h, v]) => node('insert', h, v)),
  ];
}

/**
 * The pool auto-created for this service by `SET nodefile|balance_method`. Only when no
 * CREATE POOL ever ran: then every pool was created that way.
 */
function vivifiedPool(model: ConfigModel, svc: ServiceModel): PoolModel | undefined {
  if (model.poolsDeclared) return undefined;
  return model.pools.find((p) => p.name === `${svc.name}_pool`);
}

interface Detour {
  role: string;
  /** Plugins whose registration and/or commands are replayed under `role`. */
  plugins: PluginDef[];
  register: boolean;
}

/**
 * The service's role changed after plugins were registered (Vhosts on a selector that became
 * something else) or after role-bound commands (VHOST, VPATH) ran. Those are replayed under
 * the old role first: the "detour".
 */
function detour(model: ConfigModel, svc: ServiceModel): Detour | undefined {
  const accepts = (roles: readonly string[]) => svc.role !== null && roles.includes(svc.role);
  const stale = svc.plugins
    .map((n) => pluginByName(n)!)
    .filter((p) => p.roles && !accepts(p.roles));
  const needs = (p: PluginDef) => p.commandRole?.(svc);
  const bound = pluginsFor(model, svc).filter(
    (p) => needs(p) !== undefined && !accepts([needs(p)!]) && (p.dump?.(svc).length ?? 0) > 0,
  );
  const role = stale[0]?.roles?.[0] ?? (bound[0] ? needs(bound[0]) : undefined);
  if (role === undefined) return undefined;
  return { role, plugins: [...new Set([...stale, ...bound])], register: stale.length > 0 };
}

/** CREATE SERVICE, the role (with a detour if needed), listen and the pool. */
function headCommands(
  model: ConfigModel,
  svc: ServiceModel,
  own: PoolModel | undefined,
  attached: boolean,
): ConfigCommand[] {
  const out: ConfigCommand[] = [
    dumpNode<CreateCommand>({ kind: 'create', what: 'service', name: svc.name }),
  ];
  // A pool auto-created while the service could not take it (no reverse_proxy role yet): the
  // same line before SET role recreates it, failing the same way (docs/compatibility.md).
  if (own && !attached) out.push(setNode('balance_method', 'random'));
  const d = detour(model, svc);
  if (d) {
    out.push(setNode('role', d.role));
    if (d.register) out.push(setNode('plugins', svc.plugins.join(', ')));
    out.push(...d.plugins.flatMap((p) => p.dump?.(svc) ?? []));
  }
  if (svc.role !== null) out.push(setNode('role', svc.role));
  if (svc.tunables['listen'] !== undefined)
    out.push(setNode('listen', formatTunableValue(svc.tunables['listen'])));
  if (own && attached)
    out.push(
      own.nodefile !== null
        ? setNode('nodefile', own.nodefile)
        : setNode('balance_method', 'random'),
    );
  else if (svc.tunables['pool'] !== undefined)
    out.push(setNode('pool', formatTunableValue(svc.tunables['pool'])));
  return out;
}

function serviceCommands(
  model: ConfigModel,
  svc: ServiceModel,
  active: Array<[string, string]>,
): ConfigCommand[] {
  const own = vivifiedPool(model, svc);
  const attached = own !== undefined && svc.tunables['pool'] === own.name;
  const d = detour(model, svc);
  const out = headCommands(model, svc, own, attached);
  out.push(...tunableCommands(model, svc, active));
  if (svc.plugins.length > 0 && !d?.register) out.push(setNode('plugins', svc.plugins.join(', ')));
  for (const [key, value] of Object.entries(svc.extra))
    out.push(setterNode(svc.name, `extra.${key}`, value));
  const plugins = pluginsFor(model, svc);
  for (const p of plugins) out.push(...(p.dumpSetters?.(svc) ?? []));
  out.push(...headerCommands(svc));
  for (const p of plugins) if (!d?.plugins.includes(p)) out.push(...(p.dump?.(svc) ?? []));
  if (svc.enabled) out.push(dumpNode<EnableCommand>({ kind: 'enable', name: svc.name }));
  if (own) out.push(...poolAddNodes(own));
  if (own?.nodefile && !attached)
    out.push(
      dumpNode<SetCommand>({
        kind: 'set',
        target: own.name,
        key: 'nodefile',
        value: own.nodefile,
        keySpan: NO_SPAN,
        valueSpan: NO_SPAN,
      }),
    );
  return out;
}

/**
 * Complete canonical commands for `model`: LOAD, plugin globals, SERVER, DEFAULT, MIME, pools,
 * services. Disabled services get no DISABLE line: a new service starts disabled, and
 * `DISABLE` on it would be an error.
 */
export function dump(model: ConfigModel): ConfigCommand[] {
  const out = globalCommands(model);
  const owned = new Set(
    model.services.map((s) => vivifiedPool(model, s)?.name).filter((n) => n !== undefined),
  );
  const declared = model.pools.filter((p) => !owned.has(p.name));
  // Without CREATE POOL every pool was auto-created; an orphan must come last or it would
  // switch auto-creation off for the services before it.
  if (model.poolsDeclared) for (const pool of declared) out.push(...poolCommands(pool));
  const active = defaultsAfter(model, -1);
  model.services.forEach((svc, i) => {
    out.push(...serviceCommands(model, svc, active));
    const late = defaultsAfter(model, i);
    out.push(...late.map(([key, value]) => defaultNode(key, value)));
    active.push(...late);
  });
  if (!model.poolsDeclared) for (const pool of declared) out.push(...poolCommands(pool));
  // A blank line before each block, like Perlbal's example configs.
  out.forEach((cmd, i) => {
    if (cmd.kind === 'create' && i > 0) cmd.blankLineBefore = true;
  });
  return out;
}
