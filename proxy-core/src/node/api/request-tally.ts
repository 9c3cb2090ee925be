/**
 * Per-service and per-node request counts kept from the core's request records: how many,
 * how many failed, and a node's last error and health. Perlbal's own NodeStats count
 * connections and responses but not failures, which is what a developer looks for first.
 */
import type { RequestRecord } from '../../common/request-record.js';
import type { NodeError, NodeHealth } from '../../common/api/status.js';

export interface Tally {
  recorded: number;
  errors: number;
}

export interface NodeTally extends Tally {
  health: Exclude<NodeHealth, 'verify-failed'>;
  lastError: NodeError | null;
}

/** A record failed when it carries an error or the answer is a 5xx. */
function failed(r: RequestRecord): boolean {
  return r.error !== undefined || r.status >= 500;
}

/**
 * The node a record is about. A request that never got a backend has no `node`, but the
 * failure message names the node that refused (proxy-errors.ts: "... (pool p, node ip:port)").
 */
function nodeOf(r: RequestRecord): string | undefined {
  if (r.node) return r.node;
  const m = r.error ? /\bnode (\S+?:\d+)\b/.exec(r.error.message) : null;
  return m?.[1];
}

export class RequestTally {
  readonly total: Tally = { recorded: 0, errors: 0 };
  readonly services = new Map<string, Tally>();
  /** Keyed by `ip:port`: nodes are shared by every pool naming them, as in Perlbal's NodeStats. */
  readonly nodes = new Map<string, NodeTally>();

  add(r: RequestRecord): void {
    const bad = failed(r);
    this.#count(this.total, bad);
    let svc = this.services.get(r.service);
    if (!svc) this.services.set(r.service, (svc = { recorded: 0, errors: 0 }));
    this.#count(svc, bad);
    const node = nodeOf(r);
    if (!node) return;
    let n = this.nodes.get(node);
    if (!n)
      this.nodes.set(node, (n = { recorded: 0, errors: 0, health: 'unknown', lastError: null }));
    this.#count(n, bad);
    // Only the backend's own failures make it unhealthy: a 404 or a client hanging up does not.
    const backendFault =
      r.error !== undefined &&
      (r.error.syscallCode !== undefined || r.error.code.startsWith('PB_ERR_BACKEND'));
    if (backendFault) {
      n.health = 'failing';
      n.lastError = {
        code: r.error!.syscallCode ?? r.error!.code,
        message: r.error!.message,
        at: r.startedAt + r.timings.totalMs,
      };
    } else if (r.status > 0 && r.status < 500) {
      n.health = 'ok';
    }
  }

  #count(t: Tally, bad: boolean): void {
    t.recorded++;
    if (bad) t.errors++;
  }
}
