/**
 * Concurrent requests per IP (Perlbal's %throttled): counted when a request reaches the
 * Throttle, released exactly once, at end_proxy_request, when the connection closes, or when
 * the next request on the same connection starts (so a request that ends on a path the core
 * doesn't report, such as a 503 kept alive, can't hold its count forever).
 */
import type { ClientHTTPBase } from '../plugin-api.js';

interface Ticket {
  ip: string;
  release: () => void;
}

export class ThrottleCounters {
  readonly #byIp = new Map<string, number>();
  readonly #tickets = new WeakMap<ClientHTTPBase, Ticket>();

  /** Count this request; returns the IP's concurrent count including it. */
  begin(client: ClientHTTPBase, ip: string): number {
    this.finish(client);
    const n = (this.#byIp.get(ip) ?? 0) + 1;
    this.#byIp.set(ip, n);
    const release = (): void => this.finish(client);
    this.#tickets.set(client, { ip, release });
    client.socket.once('close', release);
    return n;
  }

  finish(client: ClientHTTPBase): void {
    const t = this.#tickets.get(client);
    if (!t) return;
    this.#tickets.delete(client);
    client.socket.off('close', t.release);
    const n = (this.#byIp.get(t.ip) ?? 1) - 1;
    if (n > 0) this.#byIp.set(t.ip, n);
    else this.#byIp.delete(t.ip);
  }

  /** Current count for an IP (for tests and diagnostics). */
  count(ip: string): number {
    return this.#byIp.get(ip) ?? 0;
  }
}
