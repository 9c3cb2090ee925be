/**
 * Which sockets a config needs, compared with what is open: the plan a reload executes.
 * Enabled services with a `listen` need a TCP listener, except upload_tracker services,
 * which need a UDP socket. Two services on one address are refused here, before anything is
 * bound, with Perlbal's message for the second one.
 */
import type { ConfigModel, ServiceModel } from '../common/config/model.js';
import { PerlbalError } from '../common/errors.js';
import { parseListenAddress } from './net/tcp-listener.js';

export interface ListenNeed {
  /** Normalised `host:port` (a bare port means 0.0.0.0). */
  key: string;
  /** The address as configured. */
  listen: string;
  service: ServiceModel;
}

export interface ReconcilePlan {
  tcp: ListenNeed[];
  udp: ListenNeed[];
  openTcp: ListenNeed[];
  closeTcp: string[];
  openUdp: ListenNeed[];
  closeUdp: string[];
}

export function planSockets(model: ConfigModel, openTcp: Iterable<string>, openUdp: Iterable<string>): ReconcilePlan {
  const tcp: ListenNeed[] = [];
  const udp: ListenNeed[] = [];
  const seen = new Map<string, string>();
  for (const svc of model.services) {
    const listen = svc.tunables['listen'];
    if (!svc.enabled || typeof listen !== 'string' || listen === '') continue;
    const addr = parseListenAddress(listen);
    // Port 0 means "any free port": several services may ask for it (tests do), so such a
    // listener belongs to its service rather than to the address.
    const key = addr.port === 0 ? `${addr.key}/${svc.name}` : addr.key;
    const kind = svc.role === 'upload_tracker' ? 'udp' : 'tcp';
    const owner = seen.get(`${kind}:${key}`);
    if (owner !== undefined) {
      throw new PerlbalError(
        'PB_ERR_LISTEN_IN_USE',
        `Can't start service '${svc.name}' on ${listen}: Error creating listening socket: Address already in use (service '${owner}' listens there)`,
        { service: svc.name, listen, other: owner },
      );
    }
    seen.set(`${kind}:${key}`, svc.name);
    (kind === 'udp' ? udp : tcp).push({ key, listen, service: svc });
  }
  const tcpKeys = new Set(tcp.map((n) => n.key));
  const udpKeys = new Set(udp.map((n) => n.key));
  const haveTcp = new Set(openTcp);
  const haveUdp = new Set(openUdp);
  return {
    tcp,
    udp,
    openTcp: tcp.filter((n) => !haveTcp.has(n.key)),
    closeTcp: [...haveTcp].filter((k) => !tcpKeys.has(k)),
    openUdp: udp.filter((n) => !haveUdp.has(n.key)),
    closeUdp: [...haveUdp].filter((k) => !udpKeys.has(k)),
  };
}
