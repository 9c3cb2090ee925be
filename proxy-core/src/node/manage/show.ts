/**
 * `show service`, `show service NAME` (Perlbal Service::stats_info) and `show pool [NAME]`,
 * with Perlbal's exact spacing.
 */
import type { ConfigModel, ServiceModel } from '../../common/config/model.js';
import { nowSeconds } from '../util/clock.js';
import type { ProxyStats } from './proxy-stats.js';
import { ManageError } from './manage-error.js';

export function showServiceList(model: ConfigModel): string[] {
  return [...model.services]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => `${s.name} ${listenOf(s) || 'not_listening'} ${s.enabled ? 'ENABLED' : 'DISABLED'}`);
}

function listenOf(s: ServiceModel): string {
  const l = s.tunables['listen'];
  return typeof l === 'string' ? l : '';
}

/** Perlbal Service::stats_info. */
export function showService(model: ConfigModel, name: string, stats: ProxyStats): string[] {
  const s = model.services.find((x) => x.name === name);
  if (!s) throw new ManageError('Unknown service');
  const role = s.role ?? '';
  const out = [`SERVICE ${s.name}`, `     listening: ${listenOf(s) || '--'}`, `          role: ${role}`];
  if (role === 'reverse_proxy' || role === 'web_server') {
    const pending = stats.pendingConnects(s.name);
    out.push(`  pend clients: ${stats.waitingClients(s.name)}`, `  pend backend: ${pending.length}`);
    const now = nowSeconds();
    for (const p of [...pending].sort((a, b) => (a.ipport < b.ipport ? -1 : 1))) {
      out.push(`   ${p.ipport} - ${p.closed ? '(closed)' : p.state} - ${now - p.createdAt}s`);
    }
  }
  if (role === 'reverse_proxy') out.push(...proxyLines(model, s, stats));
  else if (role === 'web_server') out.push(`        docroot: ${String(s.tunables['docroot'] ?? '')}`);
  return out;
}

function proxyLines(model: ConfigModel, s: ServiceModel, stats: ProxyStats): string[] {
  const out: string[] = [];
  const cache = stats.reproxyCache(s.name);
  if (cache) {
    const rate = cache.requests ? (cache.hits / cache.requests) * 100 : 0;
    const pct = cache.maxsize ? `${((cache.size / cache.maxsize) * 100).toFixed(2)}%` : 'undef';
    out.push(`    cache size: ${cache.size}/${cache.maxsize} (${pct})`, `    cache hits: ${cache.hits}`, `cache hit rate: ${rate.toFixed(2)}%`);
  }
  out.push(` connect-ahead: ${stats.boredBackends(s.name)}/${Number(s.tunables['connect_ahead'] ?? 0)}`);
  const poolName = s.tunables['pool'];
  const pool = typeof poolName === 'string' ? model.pools.find((p) => p.name === poolName) : undefined;
  if (pool) {
    out.push(`          pool: ${pool.name}`, '         nodes:');
    for (const n of stats.poolNodes(pool.name) ?? pool.nodes) {
      out.push(`                ${n.padEnd(21)} ${String(stats.nodeUsed(pool.name, n)).padStart(7)}`);
    }
  }
  return out;
}

/** `show pool` (all, sorted) or `show pool NAME` (its nodes in order). */
export function showPool(model: ConfigModel, name: string | undefined, stats: ProxyStats): string[] {
  if (name) {
    const pool = model.pools.find((p) => p.name === name);
    if (!pool) throw new ManageError(`pool '${name}' does not exist`);
    return (stats.poolNodes(name) ?? pool.nodes).map((n) => `${n} ${stats.nodeUsed(name, n)}`);
  }
  const out: string[] = [];
  for (const p of [...model.pools].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const users = model.services.filter((s) => s.tunables['pool'] === p.name).length;
    out.push(`${p.name} nodes ${(stats.poolNodes(p.name) ?? p.nodes).length}`, `${p.name} services ${users}`);
  }
  return out;
}
