/**
 * Per-node statistics and verification skips, shared by every service of a core (Perlbal
 * BackendHTTP %NodeStats and %NoVerify): what `nodes`, `node` and `noverify` print.
 */
import { nowSeconds } from '../util/clock.js';

/** Perlbal keeps the last 500 response codes per node. */
const MAX_CODES = 500;

/** attempts, lastattempt, connects, lastconnect, verifies, requests, lastresponse, responsecodes. */
export type NodeStat = Record<string, number | number[]>;

function bump(s: NodeStat, key: string): void {
  s[key] = ((s[key] as number | undefined) ?? 0) + 1;
}

export class NodeStatsTable {
  readonly stats = new Map<string, NodeStat>();
  /** ip:port -> epoch second until which new connections skip verify_backend. */
  readonly noVerify = new Map<string, number>();

  #get(ipport: string): NodeStat {
    let s = this.stats.get(ipport);
    if (!s) {
      s = {};
      this.stats.set(ipport, s);
    }
    return s;
  }

  attempt(ipport: string): void {
    const s = this.#get(ipport);
    bump(s, 'attempts');
    s['lastattempt'] = nowSeconds();
  }

  connect(ipport: string): void {
    const s = this.#get(ipport);
    bump(s, 'connects');
    s['lastconnect'] = nowSeconds();
  }

  verified(ipport: string): void {
    bump(this.#get(ipport), 'verifies');
  }

  responseCode(ipport: string, code: number): void {
    const s = this.#get(ipport);
    const codes = (s['responsecodes'] ??= []) as number[];
    codes.push(code);
    if (codes.length > MAX_CODES) codes.shift();
  }

  /** Perlbal next_request: a response completed (initial = a verify, not counted as a request). */
  response(ipport: string, initial: boolean): void {
    const s = this.#get(ipport);
    if (!initial) bump(s, 'requests');
    s['lastresponse'] = nowSeconds();
  }

  /** Skip verification of new connections to this node for 60 s (a failed OPTIONS). */
  skipVerify(ipport: string): void {
    this.noVerify.set(ipport, nowSeconds() + 60);
  }

  /** Whether verification is currently skipped (expired entries are dropped, as Perlbal does). */
  verifySkipped(ipport: string): boolean {
    const until = this.noVerify.get(ipport);
    if (until === undefined) return false;
    if (until < nowSeconds()) {
      this.noVerify.delete(ipport);
      return false;
    }
    return true;
  }
}
