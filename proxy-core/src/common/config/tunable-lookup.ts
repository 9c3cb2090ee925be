/**
 * Looking tunables up across the core table and plugin rows: which rows exist once some plugins
 * are loaded, which apply to a role. Perlbal keeps one mutable `$tunables` hash that `LOAD`
 * extends; we derive the same view from `model.plugins`.
 */
import { pluginTunables } from './plugins/registry.js';
import { coreTunable, TUNABLES } from './tunables.js';
import { roleMatches, type TunableDef } from './tunable-types.js';

/**
 * The row for `name`: core rows always, plugin rows only for plugins in `loadedPlugins`
 * (every plugin when `loadedPlugins` is omitted, e.g. for editor help).
 */
export function tunableFor(
  name: string,
  loadedPlugins?: readonly string[],
): TunableDef | undefined {
  return coreTunable(name) ?? pluginTunables(loadedPlugins).find((t) => t.name === name);
}

/** Core rows followed by the rows of the given plugins (all plugins when omitted). */
export function allTunables(loadedPlugins?: readonly string[]): TunableDef[] {
  return [...(TUNABLES as readonly TunableDef[]), ...pluginTunables(loadedPlugins)];
}

/** The rows that may be set on a service of `role` (all rows when the role is null). */
export function tunablesForRole(
  role: string | null,
  loadedPlugins?: readonly string[],
): TunableDef[] {
  return allTunables(loadedPlugins).filter((t) => role === null || roleMatches(t, role));
}
