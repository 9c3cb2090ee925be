/**
 * Whether a client is a trusted upstream proxy (Perlbal Service::trusted_ip): `always_trusted`,
 * or its address is in `trusted_upstream_proxies` (CIDR netmasks). A trusted client's
 * X-Forwarded-For is kept and extended, and its first entry is the "observed" client IP.
 */
import net from 'node:net';
import type { ServiceModel } from '../../common/config/model.js';
import type { Service } from '../service/service.js';

const lists = new WeakMap<ServiceModel, net.BlockList | null>();

function blockListOf(model: ServiceModel): net.BlockList | null {
  let list = lists.get(model);
  if (list !== undefined) return list;
  const masks = model.tunables['trusted_upstream_proxies'];
  list = null;
  if (Array.isArray(masks) && masks.length) {
    list = new net.BlockList();
    for (const m of masks) {
      const [base, bits] = m.split('/') as [string, string | undefined];
      const family = net.isIPv6(base) ? 'ipv6' : 'ipv4';
      if (!net.isIP(base)) continue;
      list.addSubnet(base, bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits), family);
    }
  }
  lists.set(model, list);
  return list;
}

export function isTrusted(svc: Service, ip: string): boolean {
  if (svc.bool('always_trusted')) return true;
  const list = blockListOf(svc.model);
  if (!list || !net.isIP(ip)) return false;
  return list.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
}

/** The first X-Forwarded-For entry of a trusted client (Perlbal observed_ip), or null. */
export function observedIp(xff: string | undefined): string | null {
  if (!xff) return null;
  const first = xff.split(/,\s*/)[0];
  return first ? first : null;
}
