/**
 * Perlbal::Plugin::Throttle::Store::Memory: per key (instance name + IP), when the last
 * throttled request started and how many violations it has, until an expiry. Perlbal checks
 * the expiry against whole seconds, so an entry can vanish up to a second early; here it
 * lasts exactly its `exptime`. (Memcached sharing is not supported: one store per service.)
 */
export interface StoreEntry {
  /** Epoch seconds (fractional) at which the last request started. */
  start: number;
  violations: number;
}

export class ThrottleStore {
  readonly #entries = new Map<string, StoreEntry & { expires: number }>();

  get(key: string, now: number): StoreEntry | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (now < e.expires) return e;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, start: number, violations: number, exptime: number): void {
    this.#entries.set(key, { start, violations, expires: start + exptime });
    if (this.#entries.size > 10_000) this.#sweep(start);
  }

  /** Drop expired entries, so a long run with many clients stays bounded. */
  #sweep(now: number): void {
    for (const [k, e] of this.#entries) if (now >= e.expires) this.#entries.delete(k);
  }
}
