/**
 * What applying a config changes, as a list a person can read ("service web: listen
 * 127.0.0.1:8080 -> 127.0.0.1:8090"). Compares two models, not two texts, so comments and
 * layout never count as changes. Pure: the renderer may preview a diff with it too.
 */
import type { ConfigModel, PoolModel, ServiceModel } from '../config/model.js';
import type { ConfigChange } from './core-api.js';

const show = (v: unknown): string =>
  v === null || v === undefined ? '(unset)' : Array.isArray(v) ? v.join(', ') : String(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Changed tunables, then the other parts of a service, as `name old -> new` phrases. */
function serviceDetails(a: ServiceModel, b: ServiceModel): string[] {
  const out: string[] = [];
  if (a.role !== b.role) out.push(`role ${show(a.role)} -> ${show(b.role)}`);
  const keys = new Set([...Object.keys(a.tunables), ...Object.keys(b.tunables)]);
  for (const k of keys) {
    if (!same(a.tunables[k], b.tunables[k]))
      out.push(`${k} ${show(a.tunables[k])} -> ${show(b.tunables[k])}`);
  }
  if (!same(a.plugins, b.plugins)) out.push(`plugins ${show(a.plugins)} -> ${show(b.plugins)}`);
  if (!same(a.headers, b.headers)) out.push('header rules');
  if (!same(a.extra, b.extra)) out.push('extra settings');
  if (!same(a.pluginConfig, b.pluginConfig)) out.push('plugin settings');
  return out;
}

function poolDetails(a: PoolModel, b: PoolModel): string[] {
  const out = [
    ...b.nodes.filter((n) => !a.nodes.includes(n)).map((n) => `+${n}`),
    ...a.nodes.filter((n) => !b.nodes.includes(n)).map((n) => `-${n}`),
  ];
  if (a.nodefile !== b.nodefile) out.push(`nodefile ${show(a.nodefile)} -> ${show(b.nodefile)}`);
  return out;
}

function diffServices(prev: ConfigModel, next: ConfigModel): ConfigChange[] {
  const out: ConfigChange[] = [];
  for (const b of next.services) {
    const a = prev.services.find((s) => s.name === b.name);
    if (!a) {
      out.push({
        kind: 'service-added',
        name: b.name,
        detail: `${show(b.role)} on ${show(b.tunables['listen'])}`,
      });
      continue;
    }
    const details = serviceDetails(a, b);
    if (details.length)
      out.push({ kind: 'service-changed', name: b.name, detail: details.join('; ') });
    if (a.enabled !== b.enabled)
      out.push({
        kind: b.enabled ? 'service-enabled' : 'service-disabled',
        name: b.name,
        detail: '',
      });
  }
  for (const a of prev.services) {
    if (!next.services.some((s) => s.name === a.name))
      out.push({ kind: 'service-removed', name: a.name, detail: '' });
  }
  return out;
}

function diffPools(prev: ConfigModel, next: ConfigModel): ConfigChange[] {
  const out: ConfigChange[] = [];
  for (const b of next.pools) {
    const a = prev.pools.find((p) => p.name === b.name);
    if (!a) out.push({ kind: 'pool-added', name: b.name, detail: b.nodes.join(', ') });
    else if (poolDetails(a, b).length)
      out.push({ kind: 'pool-changed', name: b.name, detail: poolDetails(a, b).join(', ') });
  }
  for (const a of prev.pools) {
    if (!next.pools.some((p) => p.name === a.name))
      out.push({ kind: 'pool-removed', name: a.name, detail: '' });
  }
  return out;
}

/** Every difference between the running model `prev` and `next`; empty when they mean the same. */
export function diffModels(prev: ConfigModel, next: ConfigModel): ConfigChange[] {
  const out: ConfigChange[] = [];
  if (!same(prev.plugins, next.plugins)) {
    out.push({
      kind: 'plugins-changed',
      name: '',
      detail: `LOAD ${show(prev.plugins)} -> ${show(next.plugins)}`,
    });
  }
  const other = (m: ConfigModel) => ({
    server: m.server,
    defaults: m.defaults,
    mime: m.mime,
    globals: m.pluginGlobals ?? {},
  });
  if (!same(other(prev), other(next))) {
    const keys = new Set([...Object.keys(prev.server), ...Object.keys(next.server)]);
    const changed = [...keys]
      .filter((k) => prev.server[k] !== next.server[k])
      .map((k) => `${k} ${show(prev.server[k])} -> ${show(next.server[k])}`);
    out.push({
      kind: 'server-changed',
      name: '',
      detail: changed.join('; ') || 'DEFAULT, MIME or global plugin settings',
    });
  }
  return [...out, ...diffPools(prev, next), ...diffServices(prev, next)];
}
