/**
 * What the desktop UI shows about a running core: services, pools and their nodes, and live
 * counters. Plain JSON (it crosses IPC and the WebSocket), built by node/api/status-snapshot.ts
 * from the running objects; the names follow Perlbal's `show service`, `show pool` and `nodes`.
 */

/** One service (Perlbal::Service) as `show service` sees it, plus live figures. */
export interface ServiceStatus {
  name: string;
  /** Null until `SET role` (such a service never runs). */
  role: string | null;
  /** The configured `listen` value ('' for services reached only through a selector). */
  listen: string;
  /** Where it actually listens (`127.0.0.1:8080`; the real port when configured with 0). */
  listening: string[];
  enabled: boolean;
  tls: boolean;
  /** The pool a reverse_proxy sends to, if any. */
  pool: string | null;
  /** Client connections this service holds now. */
  connections: number;
  /** Requests this service answered since the API started, and those that failed (5xx, cut short). */
  requests: number;
  errors: number;
}

/**
 * How a node looks from the proxy: `ok` after a good answer, `failing` after a refused or
 * broken connection or a 5xx caused by the backend, `verify-failed` while Perlbal skips
 * verify_backend for it (its OPTIONS was not answered with keep-alive), `unknown` until
 * it has been used.
 */
export type NodeHealth = 'unknown' | 'ok' | 'failing' | 'verify-failed';

export interface NodeError {
  /** A PB_ERR_* code, or the socket code (ECONNREFUSED) when that is all there is. */
  code: string;
  message: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface NodeStatus {
  /** `ip:port`. */
  node: string;
  health: NodeHealth;
  /** Whether a service sending to this pool has verify_backend on. */
  verified: boolean;
  /** Perlbal NodeStats: connection attempts, connections made, verifications passed. */
  attempts: number;
  connects: number;
  verifies: number;
  /** Responses relayed from this node (Perlbal NodeStats `requests`). */
  requests: number;
  /** Requests through this node that failed, since the API started. */
  errors: number;
  lastError: NodeError | null;
  /** Times the pool picked this node (Perlbal node_used). */
  used: number;
}

export interface PoolStatus {
  name: string;
  nodes: NodeStatus[];
  /** Services sending to this pool. */
  services: string[];
  /** Set when the node list comes from a file. */
  nodefile: string | null;
}

export interface CoreCounters {
  /** Request heads parsed since start (Perlbal $reqs, `proc`). */
  requests: number;
  /** Open client connections, all services. */
  connections: number;
  /** Requests recorded and failed ones, since the API started. */
  recorded: number;
  errors: number;
  /** Seconds since the core started. */
  uptime: number;
}

export interface CoreStatus {
  /** Epoch milliseconds when this snapshot was taken. */
  at: number;
  services: ServiceStatus[];
  pools: PoolStatus[];
  counters: CoreCounters;
}
