/**
 * A CoreStatus built from the running objects: the config model for what is configured, the
 * listeners for where things really listen, Perlbal's NodeStats for connections to nodes and
 * the request tally for failures. Everything is copied: nothing live leaves this function.
 */
import type { CoreStatus, NodeStatus, PoolStatus, ServiceStatus } from '../../common/api/status.js';
import type { ProxyCore } from '../core.js';
import { nowSeconds } from '../util/clock.js';
import type { RequestTally } from './request-tally.js';

const num = (v: number | number[] | undefined): number => (typeof v === 'number' ? v : 0);

function connectionsByService(core: ProxyCore): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of core.clients) out.set(c.service.name, (out.get(c.service.name) ?? 0) + 1);
  return out;
}

function services(core: ProxyCore, tally: RequestTally): ServiceStatus[] {
  const conns = connectionsByService(core);
  const listening = core.listening();
  return core.model.services.map((m) => {
    const t = tally.services.get(m.name);
    const own = listening.filter((l) => l.service === m.name);
    const pool = m.tunables['pool'];
    return {
      name: m.name,
      role: m.role,
      listen: typeof m.tunables['listen'] === 'string' ? m.tunables['listen'] : '',
      listening: own.map(
        (l) =>
          `${l.listen.includes(':') ? l.listen.slice(0, l.listen.lastIndexOf(':')) : '0.0.0.0'}:${l.port}`,
      ),
      enabled: m.enabled,
      tls: own.some((l) => l.tls),
      pool: m.role === 'reverse_proxy' && typeof pool === 'string' && pool !== '' ? pool : null,
      connections: conns.get(m.name) ?? 0,
      requests: t?.recorded ?? 0,
      errors: t?.errors ?? 0,
    };
  });
}

function nodeStatus(
  core: ProxyCore,
  tally: RequestTally,
  pool: string,
  node: string,
  verified: boolean,
): NodeStatus {
  const s = core.nodeStats.stats.get(node) ?? {};
  const t = tally.nodes.get(node);
  // verifySkipped also expires old entries, as Perlbal's NoVerify check does.
  const verifyFailed = verified && core.nodeStats.verifySkipped(node);
  return {
    node,
    health: verifyFailed ? 'verify-failed' : (t?.health ?? 'unknown'),
    verified,
    attempts: num(s['attempts']),
    connects: num(s['connects']),
    verifies: num(s['verifies']),
    requests: num(s['requests']),
    errors: t?.errors ?? 0,
    lastError: t?.lastError ? { ...t.lastError } : null,
    used: core.pools.get(pool)?.nodeUsed.get(node) ?? 0,
  };
}

function pools(core: ProxyCore, tally: RequestTally): PoolStatus[] {
  return core.model.pools.map((m) => {
    const users = core.model.services.filter(
      (s) => s.role === 'reverse_proxy' && s.tunables['pool'] === m.name,
    );
    const verified = users.some((s) => s.tunables['verify_backend'] === true);
    // A nodefile pool's nodes are in the file: the running pool has read them.
    const nodes = core.pools.get(m.name)?.nodes.map((n) => n.ipport) ?? [...m.nodes];
    return {
      name: m.name,
      nodes: nodes.map((n) => nodeStatus(core, tally, m.name, n, verified)),
      services: users.map((s) => s.name),
      nodefile: m.nodefile,
    };
  });
}

export function statusSnapshot(core: ProxyCore, tally: RequestTally): CoreStatus {
  return {
    at: Date.now(),
    services: services(core, tally),
    pools: pools(core, tally),
    counters: {
      requests: core.reqs,
      connections: core.clients.size,
      recorded: tally.total.recorded,
      errors: tally.total.errors,
      uptime: Math.max(0, nowSeconds() - core.startTime),
    },
  };
}
