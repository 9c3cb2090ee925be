/**
 * Where a palimg web_server can be reached, for the palette preview's URL. Its own listener
 * when it has one; otherwise through a selector whose VHOST rules route to it, as in
 * LiveJournal's layout (`VHOST stat.lj.localhost = web_stat` on the selector `ss`): then the
 * URL names a concrete host for the rule's pattern, checked against the same lookup order the
 * Vhosts plugin uses (exact host, `*.host`, wildcards peeled a label at a time, then `*`), on
 * the selector's port.
 */
import type { ProxyCore } from '../core.js';
import { vhostRules } from '../plugins/plugin-config.js';

type Listener = ReturnType<ProxyCore['listening']>[number];

/** `http://host:port` on listener `l`; a wildcard address becomes loopback. */
function listenerOrigin(l: Listener, name?: string): string {
  const colon = l.listen.lastIndexOf(':');
  let host = colon === -1 ? '' : l.listen.slice(0, colon).replace(/^\[|\]$/g, '');
  if (host === '' || host === '0.0.0.0' || host === '*') host = '127.0.0.1';
  if (host === '::') host = '::1';
  if (host.includes(':')) host = `[${host}]`;
  return `${l.tls ? 'https' : 'http'}://${name ?? host}:${l.port}`;
}

/** Perlbal Vhosts: `a.b.c` is looked up as `a.b.c`, `*.a.b.c`, `*.b.c`, `*.c`, then `*`. */
export function vhostTarget(rules: ReadonlyMap<string, string>, host: string): string | undefined {
  const tried = [host, `*.${host}`];
  const labels = host.split('.');
  for (let i = 1; i < labels.length; i++) tried.push(`*.${labels.slice(i).join('.')}`);
  for (const key of tried) {
    const hit = rules.get(key);
    if (hit !== undefined) return hit;
  }
  return rules.get('*');
}

/**
 * A host name that the rules route to `service`: the pattern itself when it is a plain name;
 * for `*.x`, `x` or `palimg.x` (whichever no more specific rule takes); for `*`, `fallback`.
 * Names that routing would send elsewhere are skipped; null when there is none.
 */
export function concreteHostFor(
  rules: ReadonlyMap<string, string>,
  service: string,
  fallback: string,
): string | null {
  for (const [pattern, target] of rules) {
    if (target !== service || pattern.includes(';')) continue;
    const tries =
      pattern === '*'
        ? [fallback]
        : pattern.startsWith('*.')
          ? [pattern.slice(2), `palimg.${pattern.slice(2)}`]
          : [pattern];
    const host = tries.find((h) => !h.includes('*') && vhostTarget(rules, h) === service);
    if (host) return host;
  }
  return null;
}

/** Where `service` answers: its own listener, else a selector's VHOST route; null for neither. */
export function serviceOrigin(core: ProxyCore, service: string): string | null {
  const tcp = core.listening().filter((x) => x.protocol === 'tcp');
  const own = tcp.find((x) => x.service === service);
  if (own) return listenerOrigin(own);
  for (const sel of core.model.services) {
    if (sel.role !== 'selector' || !sel.plugins.includes('vhosts')) continue;
    const l = tcp.find((x) => x.service === sel.name);
    if (!l) continue;
    const rules = new Map(vhostRules(sel).map(([p, t]) => [p.toLowerCase(), t.toLowerCase()]));
    const loopback = new URL(listenerOrigin(l)).hostname.replace(/^\[|\]$/g, '');
    const host = concreteHostFor(rules, service, loopback);
    if (host) return listenerOrigin(l, host.includes(':') ? `[${host}]` : host);
  }
  return null;
}
