/**
 * Connections to X-REPROXY-URL targets (Perlbal::ReproxyManager): one pool per `host:port`,
 * shared by every service, with at most one connect in progress per target, idle connections
 * reused (not after 5 s idle or within 2 s of the target's keep-alive timeout), an optional
 * cap (`SERVER max_reproxy_connections`), and a queue of fetches waiting for each target.
 * When a target can't be reached and has no live connection, its queued fetches move on to
 * their next URL.
 */
import { nowSeconds } from '../util/clock.js';
import type { SocketRegistry } from '../socket-registry.js';
import { BackendHTTP, type BackendOwner } from './backend-http.js';
import type { NodeStatsTable } from './node-stats.js';
import { parseNode } from './pool.js';

/** A fetch waiting for a connection to a target. */
export interface ReproxyWaiter {
  readonly closed: boolean;
  useBackend(be: BackendHTTP): void;
  /** The target can't be reached: go on to the next URL. */
  targetFailed(cause: string): void;
}

interface Target {
  connecting: BackendHTTP | null;
  bored: BackendHTTP[];
  queue: ReproxyWaiter[];
  backends: BackendHTTP[];
  /** When each bored connection became idle (epoch s). */
  idleSince: Map<BackendHTTP, number>;
}

const IDLE_SECONDS = 5;

export class ReproxyManager implements BackendOwner {
  readonly serviceName = null;
  readonly verify = false;
  readonly verifyPath = '*';
  readonly #targets = new Map<string, Target>();
  readonly #sockets: SocketRegistry;
  readonly #stats: NodeStatsTable;
  /** SERVER max_reproxy_connections (0 = unlimited). */
  maxConnections = 0;
  /**
   * SERVER max_reproxy_connections(host:port) and (host): caps for single targets. The form
   * without a port, the one Perlbal's manual shows, caps each port of that host on its own.
   */
  perHostMax = new Map<string, number>();
  /**
   * Perlbal's $NoSpawn: closing a stale idle connection calls noteBackendClose, which would
   * spawn again from inside #spawn and leave a connection that no target counts.
   */
  #noSpawn = false;

  constructor(sockets: SocketRegistry, stats: NodeStatsTable) {
    this.#sockets = sockets;
    this.#stats = stats;
  }

  #target(hostport: string): Target {
    let t = this.#targets.get(hostport);
    if (!t) {
      t = { connecting: null, bored: [], queue: [], backends: [], idleSince: new Map() };
      this.#targets.set(hostport, t);
    }
    return t;
  }

  /** Perlbal do_reproxy: queue a fetch for `hostport` and get it a connection. */
  enqueue(hostport: string, w: ReproxyWaiter): void {
    this.#target(hostport).queue.push(w);
    this.#spawn(hostport);
  }

  /** A fetch gave up waiting (its client left). */
  dequeue(hostport: string, w: ReproxyWaiter): void {
    const q = this.#targets.get(hostport)?.queue;
    const i = q ? q.indexOf(w) : -1;
    if (i !== -1) q!.splice(i, 1);
  }

  /** Perlbal spawn_backend: reuse an idle connection, or open one (within the cap). */
  #spawn(hostport: string): void {
    if (this.#noSpawn) return;
    const t = this.#target(hostport);
    if (t.connecting) return;
    if (!t.queue.some((w) => !w.closed)) return;
    const now = nowSeconds();
    for (let be = t.bored.pop(); be; be = t.bored.pop()) {
      const idle = t.idleSince.get(be) ?? now;
      if ((be.disconnectAt !== null && now + 2 > be.disconnectAt) || idle < now - IDLE_SECONDS) {
        this.#closeQuietly(be, 'too_close_disconnect');
        continue;
      }
      return this.registerBoredom(be);
    }
    const max = this.#capFor(hostport);
    if (max > 0 && t.backends.length >= max) return;
    const be = new BackendHTTP(this, this.#stats, parseNode(hostport), null, 0);
    t.connecting = be;
    this.#sockets.add(be);
  }

  /** The cap for `hostport`: its own, else its host's, else the global one (0 = none). */
  #capFor(hostport: string): number {
    const host = hostport.slice(0, hostport.lastIndexOf(':'));
    return this.perHostMax.get(hostport) || this.perHostMax.get(host) || this.maxConnections;
  }

  registerBoredom(be: BackendHTTP): void {
    const t = this.#target(be.ipport);
    if (t.connecting === be) {
      t.connecting = null;
      t.backends.push(be);
    }
    t.idleSince.delete(be);
    for (let w = t.queue.shift(); w; w = t.queue.shift()) {
      if (w.closed) continue;
      return w.useBackend(be);
    }
    const now = nowSeconds();
    t.idleSince.set(be, now);
    t.bored.push(be);
    // Reuse takes the newest idle connection, so the oldest would sit at the front for ever:
    // close it once it has been idle too long (Perlbal's have_newer_bored).
    const oldest = t.bored[0]!;
    if (oldest !== be && (t.idleSince.get(oldest) ?? now) < now - IDLE_SECONDS)
      this.#closeQuietly(oldest, 'have_newer_bored');
  }

  #closeQuietly(be: BackendHTTP, reason: string): void {
    this.#noSpawn = true;
    try {
      be.close(reason);
    } finally {
      this.#noSpawn = false;
    }
  }

  /** Perlbal note_bad_backend_connect: with no live connection, the queue moves on. */
  noteBadConnect(be: BackendHTTP, cause: string): void {
    const t = this.#target(be.ipport);
    if (t.connecting === be) t.connecting = null;
    if (t.backends.some((b) => !b.closed)) return;
    const waiting = t.queue;
    t.queue = [];
    for (const w of waiting) if (!w.closed) w.targetFailed(cause);
  }

  noteBackendClose(be: BackendHTTP): void {
    this.#sockets.delete(be);
    const t = this.#target(be.ipport);
    if (t.connecting === be) t.connecting = null;
    t.backends = t.backends.filter((b) => b !== be && !b.closed);
    t.bored = t.bored.filter((b) => b !== be);
    t.idleSince.delete(be);
    this.#spawn(be.ipport);
  }

  shouldLive(): boolean {
    return true;
  }

  /** `reproxy_state` lines (before the final `.`). */
  state(): string[] {
    const out: string[] = [];
    for (const [hp, t] of this.#targets) if (t.connecting) out.push(`connecting ${hp} 1`);
    for (const [hp, t] of this.#targets)
      if (t.bored.length || t.idleSince.size) out.push(`bored ${hp} ${t.bored.length}`);
    for (const [hp, t] of this.#targets) out.push(`clients_queued ${hp} ${t.queue.length}`);
    for (const [hp, t] of this.#targets) {
      out.push(`backends ${hp} ${t.backends.length}`);
      for (const be of t.backends) out.push(`... ${be.asString()}`);
    }
    for (const [hp, n] of this.perHostMax) out.push(`SERVER max_reproxy_connections(${hp}) = ${n}`);
    out.push(`SERVER max_reproxy_connections = ${this.maxConnections}`);
    return out;
  }

  closeIdle(reason: string): void {
    for (const t of this.#targets.values()) for (const be of [...t.bored]) be.close(reason);
  }
}
