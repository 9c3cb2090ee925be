/**
 * AccessControl (Perlbal::Plugin::AccessControl): on start_http_request, the ACCESS rules of
 * the service are tried in order and the first match decides: deny answers 403 "Access
 * denied.", allow lets the request through, queue_low puts it in the low-priority backend
 * queue. With no match the policy decides. Perlbal crashes on a queue_low match outside a
 * reverse_proxy; here the config has a diagnostic for it and the rule only lets the request on.
 */
import net from 'node:net';
import type { ServiceModel } from '../../common/config/model.js';
import { getSlice, type AccessControlSlice } from '../../common/config/plugins/slices.js';
import { effectiveIp } from './client-ip.js';
import type { ClientHTTPBase, PerlbalPlugin, Service } from './plugin-api.js';

type Matcher = (ip: string) => boolean;

interface CompiledRule {
  action: 'allow' | 'deny' | 'queue_low';
  match: Matcher;
}

/** Compiled once per config (the model is frozen, so it is a safe key). */
const compiled = new WeakMap<ServiceModel, CompiledRule[]>();

function rulesOf(model: ServiceModel, cfg: AccessControlSlice): CompiledRule[] {
  let rules = compiled.get(model);
  if (!rules) {
    rules = cfg.rules.map((r) => ({ action: r.action, match: matcher(r.type, r.value) }));
    compiled.set(model, rules);
  }
  return rules;
}

function matcher(type: 'ip' | 'netmask', value: string | null): Matcher {
  // `ACCESS DENY IP` with no value: Perl compares against undef, which no peer IP equals.
  if (value === null) return () => false;
  if (type === 'ip') return (ip) => ip === value;
  // `base/bits` as common/config/netmask.ts normalised it (bits may be written `08`).
  const slash = value.lastIndexOf('/');
  const base = value.slice(0, slash);
  const family = base.includes(':') ? 'ipv6' : 'ipv4';
  const list = new net.BlockList();
  list.addSubnet(base, Number(value.slice(slash + 1)), family);
  // Net::Netmask's match: an address of the other family (by its colons) or a junk observed
  // IP never matches.
  if (family === 'ipv6') return (ip) => net.isIPv6(ip) && list.check(ip, 'ipv6');
  return (ip) => net.isIPv4(ip) && list.check(ip, 'ipv4');
}

export const accessControlPlugin: PerlbalPlugin = {
  name: 'accesscontrol',
  register(svc: Service) {
    svc.hooks.handle('accesscontrol', 'start_http_request', (client: ClientHTTPBase) =>
      checkAccess(svc, client),
    );
  },
};

/** The hook: true when the request was answered (denied). */
function checkAccess(svc: Service, client: ClientHTTPBase): boolean {
  if (!client.reqHeaders) return false;
  const cfg = getSlice(svc.model, 'accesscontrol');
  if (!cfg) return false;
  const ip = effectiveIp(client, cfg.useObservedIp);
  for (const rule of rulesOf(svc.model, cfg)) {
    if (!rule.match(ip)) continue;
    if (rule.action === 'deny') return deny(client, 'rule');
    if (rule.action === 'queue_low' && svc.role === 'reverse_proxy') client.queueLow = true;
    return false;
  }
  return cfg.policy === 'deny' ? deny(client, 'policy') : false;
}

function deny(client: ClientHTTPBase, why: 'rule' | 'policy'): true {
  client.tagRecord(`access-denied:${why}`);
  client.sendResponse(403, 'Access denied.');
  return true;
}
