/**
 * What the management commands need to know about reverse proxying (pools in use, node
 * statistics, pending connects, queues, the reproxy manager). The proxy runtime provides
 * it; until a service proxies anything every figure is zero, as in a fresh Perlbal.
 */

/** One pending backend connect (Perlbal Service pending_connects). */
export interface PendingConnect {
  ipport: string;
  state: string;
  closed: boolean;
  createdAt: number;
}

/** Perlbal BackendHTTP NodeStats for one ip:port: counters, times, and recent response codes. */
export type NodeStat = Record<string, number | number[]>;

export interface QueueInfo {
  count: number;
  /** Epoch seconds of the oldest queued client's request, if any. */
  oldestRequestTime: number | null;
}

export interface ReproxyCacheInfo {
  size: number;
  maxsize: number;
  hits: number;
  requests: number;
}

export interface ProxyStats {
  /** Per-node use counter of a pool (Perlbal Pool node_used). */
  nodeUsed(pool: string, ipport: string): number;
  /** Runtime node list of a pool (nodefile-aware); null to use the config's. */
  poolNodes(pool: string): string[] | null;
  nodeStats(): ReadonlyMap<string, NodeStat>;
  /** ip:port -> epoch second until which verification is skipped. */
  noVerify(): ReadonlyMap<string, number>;
  pendingConnects(service: string): PendingConnect[];
  waitingClients(service: string): number;
  boredBackends(service: string): number;
  queues(service: string): { normal: QueueInfo; highpri: QueueInfo; lowpri: QueueInfo };
  reproxyCache(service: string): ReproxyCacheInfo | null;
  /** Lines of `reproxy_state` before the final `.`. */
  reproxyState(): string[];
}

const EMPTY_QUEUE: QueueInfo = { count: 0, oldestRequestTime: null };

export const NO_PROXY_STATS: ProxyStats = {
  nodeUsed: () => 0,
  poolNodes: () => null,
  nodeStats: () => new Map(),
  noVerify: () => new Map(),
  pendingConnects: () => [],
  waitingClients: () => 0,
  boredBackends: () => 0,
  queues: () => ({ normal: EMPTY_QUEUE, highpri: EMPTY_QUEUE, lowpri: EMPTY_QUEUE }),
  reproxyCache: () => null,
  reproxyState: () => ['SERVER max_reproxy_connections = 0'],
};
