/**
 * The management `dumpconfig` command in Perlbal's exact format (MANAGE_dumpconfig,
 * Pool::dumpconfig, Service::dumpconfig and the plugins' dumpconfig), without the final `OK`.
 * Perlbal walks its hashes in random order; we use insertion order.
 */
import type { ConfigModel, PoolModel, ServiceModel, TunableValue } from './model.js';
import { perlString } from './perl-text.js';
import { pluginByName } from './plugins/registry.js';
import { allTunables } from './tunable-lookup.js';
import { roleMatches, type TunableDef } from './tunable-types.js';

function poolLines(pool: PoolModel): string[] {
  if (pool.nodefile) return [`SET nodefile = ${pool.nodefile}`];
  return pool.nodes.map((node) => `POOL ADD ${pool.name} ${node}`);
}

/** Service::dumpconfig's value text: bools print `on` when true and `0` when false. */
function valueText(def: TunableDef, value: TunableValue): string {
  if (typeof value === 'boolean') return value ? 'on' : '0';
  return perlString(value);
}

function tunableLine(def: TunableDef, svc: ServiceModel): string | undefined {
  if (def.neverDump) return undefined;
  if (def.name === 'role') return `SET role = ${svc.role ?? ''}`;
  if (!roleMatches(def, svc.role)) return undefined;
  const value = svc.tunables[def.name];
  if (value === undefined || value === null) return undefined;
  // Perlbal compares with `eq`; an arrayref (index_files) never equals its string default.
  const isDefault =
    def.default !== undefined &&
    def.default !== null &&
    !def.dumpAlways &&
    perlString(value) === perlString(def.default);
  if (isDefault) return undefined;
  return `SET ${def.name} = ${valueText(def, value)}`;
}

function serviceLines(model: ConfigModel, svc: ServiceModel): string[] {
  const defs = allTunables(model.plugins);
  const byName = new Map(defs.map((d) => [d.name, d]));
  const rest = defs
    .map((d) => d.name)
    .filter((n) => n !== 'role' && n !== 'listen' && n !== 'pool')
    .sort();
  const lines: string[] = [];
  for (const name of ['role', 'listen', 'pool', ...rest]) {
    const line = tunableLine(byName.get(name)!, svc);
    if (line !== undefined) lines.push(line);
  }
  for (const name of svc.plugins) {
    const plugin = pluginByName(name)!;
    if (plugin.dumpPerlbal) lines.push(...plugin.dumpPerlbal(svc));
    else lines.push(`# Plugin '${plugin.module}' isn't capable of dumping config.`);
  }
  return lines;
}

/** The lines of `dumpconfig`, without the trailing `OK`. */
export function dumpconfigPerlbal(model: ConfigModel): string[] {
  const out: string[] = [];
  for (const pool of model.pools) {
    out.push(`CREATE POOL ${pool.name}`, ...poolLines(pool).map((l) => `  ${l}`), '');
  }
  for (const svc of model.services) {
    out.push(`CREATE SERVICE ${svc.name}`, ...serviceLines(model, svc).map((l) => `  ${l}`));
    out.push(`${svc.enabled ? 'ENABLE' : 'DISABLE'} ${svc.name}`, '');
  }
  return out;
}
