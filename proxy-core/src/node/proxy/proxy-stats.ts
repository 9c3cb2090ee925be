/**
 * The management commands' view of reverse proxying (show service, show pool, nodes,
 * noverify, pending, queues), read from the running pools, backend managers and node stats.
 */
import type { ProxyStats, QueueInfo } from '../manage/proxy-stats.js';
import type { Service } from '../service/service.js';
import { reproxyCacheOf } from '../roles/reverse-proxy/reproxy-cache.js';
import type { WaitingClient } from './backend-manager.js';
import type { NodeStatsTable } from './node-stats.js';
import type { Pool } from './pool.js';

export interface ProxyStatsSource {
  readonly services: ReadonlyMap<string, Service>;
  readonly pools: ReadonlyMap<string, Pool>;
  readonly nodeStats: NodeStatsTable;
  readonly reproxy: { state(): string[] };
}

function queueInfo(q: readonly WaitingClient[]): QueueInfo {
  // Perlbal counts closed clients still in the array (its `queues` quirk); so do we.
  return { count: q.length, oldestRequestTime: q[0]?.lastRequestTime ?? null };
}

export function proxyStatsOf(src: ProxyStatsSource): ProxyStats {
  return {
    nodeUsed: (pool, ipport) => src.pools.get(pool)?.nodeUsed.get(ipport) ?? 0,
    poolNodes: (pool) => src.pools.get(pool)?.nodes.map((n) => n.ipport) ?? null,
    nodeStats: () => src.nodeStats.stats,
    noVerify: () => src.nodeStats.noVerify,
    pendingConnects: (svc) =>
      [...(src.services.get(svc)?.backends?.pending.values() ?? [])].map((be) => ({
        ipport: be.ipport,
        state: be.state,
        closed: be.closed,
        createdAt: be.createdAt,
      })),
    waitingClients: (svc) => src.services.get(svc)?.backends?.waitingCount ?? 0,
    boredBackends: (svc) => src.services.get(svc)?.backends?.bored.length ?? 0,
    queues: (svc) => {
      const q = src.services.get(svc)?.backends?.queues;
      return {
        normal: queueInfo(q?.normal ?? []),
        highpri: queueInfo(q?.highpri ?? []),
        lowpri: queueInfo(q?.lowpri ?? []),
      };
    },
    reproxyCache: (svc) => {
      const s = src.services.get(svc);
      const c = s && s.role === 'reverse_proxy' ? reproxyCacheOf(s) : null;
      return c ? { size: c.size, maxsize: c.maxsize, hits: c.hits, requests: c.requests } : null;
    },
    reproxyState: () => src.reproxy.state(),
  };
}
