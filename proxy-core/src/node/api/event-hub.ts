/**
 * Listeners per CoreApi event. A throwing listener (a transport that lost its window or
 * socket) is logged to nobody and skipped: a UI problem must never reach the proxy.
 */
import type { CoreEventMap, CoreEventName, CoreListener } from '../../common/api/core-api.js';

export class EventHub {
  readonly #listeners = new Map<CoreEventName, Set<CoreListener<CoreEventName>>>();

  on<E extends CoreEventName>(event: E, listener: CoreListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const l = listener as CoreListener<CoreEventName>;
    set.add(l);
    return () => void set.delete(l);
  }

  has(event: CoreEventName): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }

  emit<E extends CoreEventName>(event: E, payload: CoreEventMap[E]): void {
    for (const l of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (l as CoreListener<E>)(payload);
      } catch {
        /* the listener's own problem; others still get the event */
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
