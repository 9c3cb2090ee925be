/**
 * The Status view's state: the last CoreStatus (from getStatus, then every `status` event),
 * and the outcome of the last action, so a refused change shows its sentence next to the
 * button that caused it. Actions refresh at once rather than waiting for the next event.
 */
import type { CoreClient, CoreStatus } from '../../../proxy-core/src/common/api/index.js';

export class LiveStatus {
  status = $state<CoreStatus | null>(null);
  /** The last failure, as the core worded it. */
  error = $state<string | null>(null);
  /** Set while an action runs, to disable its button. */
  busy = $state<string | null>(null);
  readonly #client: CoreClient;
  readonly #off: () => void;

  constructor(client: CoreClient) {
    this.#client = client;
    this.#off = client.on('status', (s) => (this.status = s));
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.status = await this.#client.getStatus();
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** Run one change (`key` names it for `busy`); its error, if any, lands in `error`. */
  async act(key: string, run: (c: CoreClient) => Promise<unknown>): Promise<boolean> {
    this.busy = key;
    this.error = null;
    try {
      await run(this.#client);
      await this.refresh();
      return true;
    } catch (e) {
      this.error = (e as Error).message;
      return false;
    } finally {
      this.busy = null;
    }
  }

  dispose(): void {
    this.#off();
  }
}
