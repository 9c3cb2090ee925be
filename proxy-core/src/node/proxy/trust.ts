/**
 * Whether a client is a trusted upstream proxy (Perlbal Service::trusted_ip): `always_trusted`,
 * or its address is in `trusted_upstream_proxies` (CIDR netmasks). A trusted client's
 * X-Forwarded-For is kept and extended, and its first entry is the "observed" client IP.
 */
import net from 'node:net';
import type { ServiceModel } from '../../common/config/model.js';
import type { Service } from '../service/service.js';

/**
 * One list per family: Net::Netmask's match never crosses families, while a BlockList
 * matches an IPv4 address against IPv6 subnets (as `::ffff:a.b.c.d`), so `::/0` would trust
 * every IPv4 peer.
 */
interface TrustLists {
  ipv4: net.BlockList;
  ipv6: net.BlockList;
}

const lists = new WeakMap<ServiceModel, TrustLists | null>();

function blockListsOf(model: ServiceModel): TrustLists | null {
  let found = lists.get(model);
  if (found !== undefined) return found;
  const masks = model.tunables['trusted_upstream_proxies'];
  found = null;
  if (Array.isArray(masks) && masks.length) {
    found = { ipv4: new net.BlockList(), ipv6: new net.BlockList() };
    for (const m of masks) {
      const [base, bits] = m.split('/') as [string, string | undefined];
      const family = net.isIPv6(base) ? 'ipv6' : 'ipv4';
      if (!net.isIP(base)) continue;
      found[family].addSubnet(base, bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits), family);
    }
  }
  lists.set(model, found);
  return found;
}

export function isTrusted(svc: Service, ip: string): boolean {
  if (svc.bool('always_trusted')) return true;
  const found = blockListsOf(svc.model);
  if (!found || !net.isIP(ip)) return false;
  const family = net.isIPv6(ip) ? 'ipv6' : 'ipv4';
  return found[family].check(ip, family);
}

/** The first X-Forwarded-For entry of a trusted client (Perlbal observed_ip), or null. */
export function observedIp(xff: string | undefined): string | null {
  if (!xff) return null;
  const first = xff.split(/,\s*/)[0];
  return first ? first : null;
}
