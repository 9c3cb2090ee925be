/**
 * The backend side of one reverse_proxy service (the backend half of Perlbal::Service):
 * idle ("bored") connections, pending connects (at most one per node), the three client
 * queues (high, normal, low priority), and spawn_backends, which opens as many connections as
 * waiting clients plus connect_ahead need. Perlbal's rules are kept; the one addition is that
 * a client never waits forever: when no node can be reached it gets a 502, 503 or 504.
 */
import { nowSeconds } from '../util/clock.js';
import type { Service } from '../service/service.js';
import { BackendHTTP, CONNECT_TIMEOUT_MS, type BackendOwner } from './backend-http.js';
import type { NodeStatsTable } from './node-stats.js';
import type { Pool } from './pool.js';
import { describeSocketError } from './proxy-errors.js';
import type { BackendFailure } from './proxy-errors.js';
import type { SocketRegistry } from '../socket-registry.js';

/** A client waiting for a backend (the proxy side implements it). */
export interface WaitingClient {
  readonly closed: boolean;
  readonly fd: number;
  highPriority: boolean;
  lowPriority: boolean;
  /** Epoch seconds of its request (for `queues`). */
  readonly lastRequestTime: number;
  /** Give it this backend; false if it can no longer use one. */
  takeBackend(be: BackendHTTP, reused: boolean): boolean;
  /** No backend can be had: answer with this failure. */
  failBackend(f: BackendFailure): void;
}

export interface BackendEnv {
  readonly sockets: SocketRegistry;
  readonly stats: NodeStatsTable;
  pool(name: string): Pool | undefined;
}

const MAX_SPAWN_AT_ONCE = 10;
/** A bored backend that never served or verified is dropped after this long (too_old_bored). */
const UNATTENDED_BORED_SECONDS = 5;

export class BackendManager implements BackendOwner {
  readonly #svc: Service;
  readonly #env: BackendEnv;
  bored: BackendHTTP[] = [];
  readonly pending = new Map<string, BackendHTTP>();
  readonly queues = { highpri: [] as WaitingClient[], normal: [] as WaitingClient[], lowpri: [] as WaitingClient[] };
  waitingCount = 0;
  /** Bumped when the service's pool changes: older backends are closed when next touched. */
  generation = 0;
  readonly #noSpawn = new Set<string>();
  #spawnLock = false;
  #lastFailure: { cause: string; node: string } | null = null;

  constructor(svc: Service, env: BackendEnv) {
    this.#svc = svc;
    this.#env = env;
  }

  get serviceName(): string {
    return this.#svc.name;
  }

  get verify(): boolean {
    return this.#svc.bool('verify_backend');
  }

  get verifyPath(): string {
    return this.#svc.str('verify_backend_path') ?? '*';
  }

  get pool(): Pool | undefined {
    const name = this.#svc.str('pool');
    return name ? this.#env.pool(name) : undefined;
  }

  /** Perlbal request_backend_connection: a bored backend now, or a place in a queue. */
  requestBackend(cp: WaitingClient): void {
    if (cp.closed) return;
    const now = nowSeconds();
    for (let be = this.bored.shift(); be; be = this.bored.shift()) {
      if (be.closed || !this.#verifyGeneration(be)) continue;
      if (!be.hasAttention && be.createdAt < now - UNATTENDED_BORED_SECONDS) {
        be.close('too_old_bored');
        continue;
      }
      if (be.disconnectAt !== null && now + 2 > be.disconnectAt) {
        be.close('too_close_disconnect');
        continue;
      }
      if (cp.takeBackend(be, be.useCount > 0 || be.hasAttention)) {
        this.spawnBackends();
        return;
      }
      this.bored.unshift(be);
      return;
    }
    const queue = cp.highPriority ? this.queues.highpri : cp.lowPriority ? this.queues.lowpri : this.queues.normal;
    queue.push(cp);
    this.waitingCount++;
    if (!this.#failIfUnservable()) this.spawnBackends();
  }

  /** Perlbal get_client: high priority first (unless queue relief skips it), then normal, then low. */
  #nextClient(): WaitingClient | null {
    let hpFirst = true;
    const reliefSize = this.#svc.num('queue_relief_size');
    if (reliefSize > 0 && this.queues.normal.length >= reliefSize) {
      if (Math.random() * 100 < this.#svc.num('queue_relief_chance')) hpFirst = false;
    }
    const order = hpFirst ? [this.queues.highpri, this.queues.normal, this.queues.lowpri] : [this.queues.normal, this.queues.lowpri];
    for (const q of order) {
      for (let cp = q.shift(); cp; cp = q.shift()) {
        if (cp.closed) continue;
        this.waitingCount--;
        return cp;
      }
    }
    return null;
  }

  /** Perlbal register_boredom: a backend is free; give it to a waiting client or keep it. */
  registerBoredom(be: BackendHTTP): void {
    if (be.useCount === 0) this.#clearPending(be);
    if (!this.#verifyGeneration(be)) return;
    for (let cp = this.#nextClient(); cp; cp = this.#nextClient()) {
      this.spawnBackends();
      if (cp.takeBackend(be, be.useCount > 0 || be.hasAttention)) return;
    }
    if (be.useCount > 0 && this.bored.length >= this.#svc.num('backend_persist_cache', 2)) {
      be.close('too_many_bored');
      return;
    }
    if (be.hasAttention) this.bored.unshift(be);
    else this.bored.push(be);
  }

  /**
   * Perlbal verify_generation: a backend from before a pool change may stay only if its node
   * still belongs. Here the node must belong in any case: after POOL REMOVE or a nodefile edit,
   * an idle connection to a node that left is closed when next touched, so no new request goes
   * there (Perlbal kept reusing it until it closed).
   */
  #verifyGeneration(be: BackendHTTP): boolean {
    if (!this.pool?.hasNode(be.ipport)) {
      be.close(be.generation === this.generation ? 'node_removed' : 'invalid_generation');
      return false;
    }
    be.generation = this.generation;
    return true;
  }

  /** Perlbal note_bad_backend_connect: forget it, skip the node for a second, try again. */
  noteBadConnect(be: BackendHTTP, cause: string, noSpawn: boolean): void {
    this.#clearPending(be);
    this.#lastFailure = { cause, node: be.ipport };
    if (noSpawn) {
      this.#noSpawn.add(be.ipport);
      const t = setTimeout(() => {
        this.#noSpawn.delete(be.ipport);
        this.spawnBackends();
      }, 1000);
      t.unref();
    }
    if (!this.#failIfUnservable()) this.spawnBackends();
  }

  noteBackendClose(be: BackendHTTP): void {
    this.#env.sockets.delete(be);
    this.#clearPending(be);
    const i = this.bored.indexOf(be);
    if (i !== -1) this.bored.splice(i, 1);
    if (this.waitingCount > 0) this.spawnBackends();
  }

  shouldLive(be: BackendHTTP): boolean {
    const pool = this.pool;
    if (!pool || pool.useCount === 0 || pool !== be.pool) return false;
    const max = this.#svc.num('max_backend_uses');
    // Perlbal's off-by-one is kept: a connection serves max_backend_uses + 1 requests.
    return !(max > 0 && be.useCount > max);
  }

  #clearPending(be: BackendHTTP): void {
    if (this.pending.get(be.ipport) === be) this.pending.delete(be.ipport);
  }

  /** Perlbal spawn_backends: open connections for waiting clients plus connect_ahead. */
  spawnBackends(): void {
    if (this.#spawnLock) return;
    this.#spawnLock = true;
    try {
      const pool = this.pool;
      if (!pool) return;
      pool.refreshNodefile();
      const have = this.bored.length + this.pending.size;
      const need = this.waitingCount + this.#svc.num('connect_ahead');
      let toCreate = Math.min(need - have, pool.nodes.length - this.pending.size, MAX_SPAWN_AT_ONCE);
      const usable = (ipport: string): boolean => {
        const existing = this.pending.get(ipport);
        return !this.#noSpawn.has(ipport) && !(existing && !existing.closed);
      };
      while (toCreate-- > 0) {
        const node = pool.pickNode(usable);
        if (!node) return;
        const be = new BackendHTTP(this, this.#env.stats, node, pool, this.generation);
        this.pending.set(node.ipport, be);
        this.#env.sockets.add(be);
      }
    } finally {
      this.#spawnLock = false;
    }
  }

  /**
   * Perlbal lets clients wait until their idle timeout when no node can be reached. Here a
   * waiting client is answered as soon as nothing can serve it: no pool or an empty pool
   * (503; a nodefile is re-checked first), or every node failing with nothing pending or idle
   * (502, or 504 for a connect that timed out).
   */
  #failIfUnservable(): boolean {
    if (this.waitingCount === 0) return false;
    const pool = this.pool;
    // An empty pool may have been refilled through its nodefile since it was last read.
    if (pool?.nodes.length === 0) pool.refreshNodefile();
    let failure: BackendFailure | null = null;
    if (!pool) {
      failure = { status: 503, code: 'PB_ERR_BACKEND_CONNECT', message: 'the service has no pool to send requests to' };
    } else if (pool.nodes.length === 0) {
      const file = pool.nodefilePath;
      failure = {
        status: 503,
        code: 'PB_ERR_BACKEND_CONNECT',
        message: `pool '${pool.name}' has no nodes${file ? ` (its nodefile ${file} lists none; it is re-read when it changes, checked at most every 3 s)` : ''}`,
      };
    } else if (this.pending.size === 0 && this.bored.length === 0 && pool.nodes.every((n) => this.#noSpawn.has(n.ipport))) {
      const last = this.#lastFailure;
      const timeout = last?.cause === 'ETIMEDOUT';
      failure = {
        status: timeout ? 504 : 502,
        code: timeout ? 'PB_ERR_BACKEND_TIMEOUT' : 'PB_ERR_BACKEND_CONNECT',
        message: last ? `could not connect to backend ${last.node}: ${this.#describeFailure(last.cause)}` : 'no backend could be reached',
        ...(last ? { node: last.node, syscallCode: last.cause } : {}),
      };
    }
    if (!failure) return false;
    for (let cp = this.#nextClient(); cp; cp = this.#nextClient()) cp.failBackend(failure);
    return true;
  }

  #describeFailure(cause: string): string {
    if (cause === 'EVERIFY') return `it failed verify_backend (OPTIONS ${this.verifyPath} was not answered with keep-alive)`;
    // Perlbal would replace the connect after 5 s and keep trying until the client's idle timeout.
    if (cause === 'ETIMEDOUT') return `the connect was not answered within ${CONNECT_TIMEOUT_MS / 1000} s`;
    return describeSocketError(cause);
  }

  /** A client left while queued (Perlbal note_client_close). */
  forgetClient(cp: WaitingClient): void {
    for (const q of [this.queues.highpri, this.queues.normal, this.queues.lowpri]) {
      const i = q.indexOf(cp);
      if (i !== -1) {
        q.splice(i, 1);
        this.waitingCount--;
        return;
      }
    }
  }

  /** Graceful shutdown and reloads: drop idle connections. */
  closeIdle(reason: string): void {
    for (const be of [...this.bored]) be.close(reason);
    this.bored = [];
  }
}
