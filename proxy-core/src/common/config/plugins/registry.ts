/**
 * The built-in plugins of Perlbal 1.80 (the 18 modules in Perlbal/Plugin/) and the lookups the
 * config language needs: by canonical name, by command verb, and LOAD's case rules.
 */
import type { TunableDef } from '../tunable-types.js';
import { lcAscii, ucfirstLc } from '../perl-text.js';
import { ACCESS_CONTROL_PLUGIN } from './access-control.js';
import { CGILIKE_PLUGIN, INCLUDE_PLUGIN, THROTTLE_PLUGIN } from './command-plugins.js';
import { HIGHPRI_PLUGIN, NOT_MODIFIED_PLUGIN, REDIRECT_PLUGIN } from './host-plugins.js';
import { VHOSTS_PLUGIN, VPATHS_PLUGIN } from './selector-plugins.js';
import {
  AUTO_REMOVE_LEADING_DIR_PLUGIN,
  ECHO_SERVICE_PLUGIN,
  FLV_STREAMING_PLUGIN,
  LAZY_CDN_PLUGIN,
  MAX_CONTENT_LENGTH_PLUGIN,
  PALIMG_PLUGIN,
  QUEUES_PLUGIN,
  STATS_PLUGIN,
  XFF_EXTRAS_PLUGIN,
} from './simple-plugins.js';
import type { PluginCommandDef, PluginDef } from './types.js';

export const PLUGINS: readonly PluginDef[] = [
  ACCESS_CONTROL_PLUGIN,
  AUTO_REMOVE_LEADING_DIR_PLUGIN,
  CGILIKE_PLUGIN,
  ECHO_SERVICE_PLUGIN,
  FLV_STREAMING_PLUGIN,
  HIGHPRI_PLUGIN,
  INCLUDE_PLUGIN,
  LAZY_CDN_PLUGIN,
  MAX_CONTENT_LENGTH_PLUGIN,
  NOT_MODIFIED_PLUGIN,
  PALIMG_PLUGIN,
  QUEUES_PLUGIN,
  REDIRECT_PLUGIN,
  STATS_PLUGIN,
  THROTTLE_PLUGIN,
  VHOSTS_PLUGIN,
  VPATHS_PLUGIN,
  XFF_EXTRAS_PLUGIN,
];

const BY_NAME = new Map(PLUGINS.map((p) => [p.name, p]));
const BY_MODULE = new Map(PLUGINS.map((p) => [p.module, p]));
const COMMANDS = new Map<string, { plugin: PluginDef; command: PluginCommandDef }>();
const MANAGE = new Map<string, PluginDef>();
for (const plugin of PLUGINS) {
  for (const command of plugin.commands ?? []) COMMANDS.set(command.base, { plugin, command });
  for (const verb of plugin.manageVerbs ?? []) MANAGE.set(verb, plugin);
}

/** A plugin by canonical (lower-case) name. */
export function pluginByName(name: string): PluginDef | undefined {
  return BY_NAME.get(lcAscii(name));
}

/** The plugin command registered under a lower-case base word (`vhost`). */
export function pluginCommand(
  base: string,
): { plugin: PluginDef; command: PluginCommandDef } | undefined {
  return COMMANDS.get(base);
}

/** The plugin that registers a management query verb (`stats`, `recent`, `patterns`). */
export function pluginForManageVerb(verb: string): PluginDef | undefined {
  return MANAGE.get(verb);
}

export function pluginCommandBases(): string[] {
  return [...COMMANDS.keys()];
}

/**
 * `MANAGE_load`: tries the name as typed, then lower-cased, then ucfirst-lower-cased, against
 * the module names (case-sensitive, as on Linux). Undefined when all three fail.
 */
export function resolveLoadName(typed: string): PluginDef | undefined {
  for (const candidate of [typed, lcAscii(typed), ucfirstLc(typed)]) {
    const found = BY_MODULE.get(candidate);
    if (found) return found;
  }
  return undefined;
}

/** Tunables of the given loaded plugins (all plugins when `loaded` is undefined). */
export function pluginTunables(loaded?: readonly string[]): TunableDef[] {
  const out: TunableDef[] = [];
  for (const p of PLUGINS) {
    if (loaded && !loaded.includes(p.name)) continue;
    out.push(...(p.tunables ?? []));
  }
  return out;
}

/** The plugin that adds a tunable, whether or not it is loaded. */
export function pluginOfTunable(name: string): PluginDef | undefined {
  return PLUGINS.find((p) => p.tunables?.some((t) => t.name === name));
}

/** Roles added by the given loaded plugins. */
export function pluginRoles(loaded: readonly string[]): string[] {
  return PLUGINS.filter((p) => loaded.includes(p.name)).flatMap((p) => [...(p.addsRoles ?? [])]);
}

/** The Perl module name of a plugin (`vhosts` -> `Vhosts`), or the name itself when unknown. */
export function pluginModuleName(name: string): string {
  return pluginByName(name)?.module ?? name;
}
