/**
 * The config model: what a Perlbal config *means*, as plain JSON.
 *
 * It is the data-only counterpart of Perlbal's live objects (Perlbal::Service,
 * Perlbal::Pool, the global SERVER settings). No classes, no Maps: it must survive
 * structuredClone and JSON.stringify because it crosses IPC and the WebSocket.
 * Services and pools keep insertion order. Tunable keys keep Perlbal's snake_case names.
 */

/** A value as stored after type checking (Perlbal `Service::set`): bools are booleans,
 *  int and size are numbers (sizes in bytes), lists are string arrays, undef is null. */
export type TunableValue = string | number | boolean | string[] | null;

/** The five core roles; plugins may add more (EchoService adds `echo`). */
export type CoreRole =
  'reverse_proxy' | 'web_server' | 'management' | 'selector' | 'upload_tracker';

export interface HeaderRules {
  /** HEADER <svc> INSERT name: value, in command order (an insert replaces an earlier one). */
  insert: Array<[name: string, value: string]>;
  /** HEADER <svc> REMOVE name, in command order. */
  remove: string[];
}

export interface ServiceModel {
  /** Lower-case `\w+` (everything before `=` is lower-cased by Perlbal). */
  name: string;
  /** Null until `SET role = ...`. */
  role: string | null;
  enabled: boolean;
  /**
   * Every tunable valid for the role, defaults included (Perlbal `init` fills them when the
   * role is set), plus `*` tunables set before the role. Plugin tunables (add_tunable) live
   * here too once their plugin is loaded.
   */
  tunables: Record<string, TunableValue>;
  /** `SET svc.extra.KEY = v` (Perlbal extra_config). */
  extra: Record<string, string>;
  /** `SET plugins = a, b`: canonical plugin names, in registration order. */
  plugins: string[];
  headers: HeaderRules;
  /**
   * Per-plugin configuration written by plugin commands and plugin setters, keyed by the
   * canonical lower-case plugin name (`vhosts`, `accesscontrol`, ...). Each plugin owns the
   * shape of its slice; it must be plain JSON.
   */
  pluginConfig: Record<string, unknown>;
}

export interface PoolModel {
  name: string;
  /** `ip:port` strings from POOL ADD, in order, de-duplicated. */
  nodes: string[];
  /** `SET pool.nodefile = path`; null when unset. */
  nodefile: string | null;
  /** Only `random` exists in 1.80. */
  balance_method: 'random';
}

export interface ConfigModel {
  /** Canonical names of LOADed plugins, in load order (`vhosts`, `palimg`, `accesscontrol`). */
  plugins: string[];
  /** SERVER key = value (aio_mode, max_reproxy_connections, pidfile, ...). */
  server: Record<string, string | number>;
  /** DEFAULT key = value: raw values applied when a service's role is set. */
  defaults: Record<string, string>;
  /** MIME table changes relative to the built-in table: ext -> type, or null for removed. */
  mime: Record<string, string | null>;
  pools: PoolModel[];
  services: ServiceModel[];
  /** True once any CREATE POOL ran: it turns off pool auto-vivification (nodefile on a service). */
  poolsDeclared: boolean;
  /**
   * Global (not per-service) plugin state, keyed by canonical plugin name; absent until a
   * plugin writes some. Only Cgilike uses it: `{ cgilike: { requires: string[] } }` (PERLREQUIRE).
   */
  pluginGlobals?: Record<string, unknown>;
}

export function emptyModel(): ConfigModel {
  return {
    plugins: [],
    server: {},
    defaults: {},
    mime: {},
    pools: [],
    services: [],
    poolsDeclared: false,
  };
}

export function findService(model: ConfigModel, name: string): ServiceModel | undefined {
  return model.services.find((s) => s.name === name);
}

export function findPool(model: ConfigModel, name: string): PoolModel | undefined {
  return model.pools.find((p) => p.name === name);
}
