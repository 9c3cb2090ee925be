/**
 * Collects items and hands them on as one array at most every `intervalMs`, keeping at most
 * `max` per batch (the newest; older ones are counted as dropped). The request log is the hot
 * path: one IPC or WebSocket message per request would let a busy proxy flood the UI.
 */
export class Batcher<T> {
  #items: T[] = [];
  #dropped = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly max: number,
    private readonly flush: (items: T[], dropped: number) => void,
  ) {}

  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.max) {
      this.#items.shift();
      this.#dropped++;
    }
    if (this.#timer === null) {
      this.#timer = setTimeout(() => this.#flushNow(), this.intervalMs);
      this.#timer.unref?.();
    }
  }

  #flushNow(): void {
    this.#timer = null;
    const items = this.#items;
    const dropped = this.#dropped;
    this.#items = [];
    this.#dropped = 0;
    if (items.length > 0 || dropped > 0) this.flush(items, dropped);
  }

  /** Drop anything pending without sending it (the API is being disposed). */
  clear(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#items = [];
    this.#dropped = 0;
  }
}
