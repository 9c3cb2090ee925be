/**
 * State of the HTTPS panel: the last getHttpsStatus, the last enableHttps result, and a
 * "trusted?" check that re-runs by itself until the authority is trusted (the user runs the
 * trust steps in a terminal; the panel notices without a click).
 */
import type { CoreClient } from '../../../proxy-core/src/common/api/index.js';
import type { EnableHttpsResult, HttpsStatus } from '../../../proxy-core/src/common/api/https.js';

/** How often the trust check re-runs while the authority is not trusted yet. */
export const TRUST_POLL_MS = 5000;

export class HttpsPanel {
  status = $state<HttpsStatus | null>(null);
  result = $state<EnableHttpsResult | null>(null);
  busy = $state(false);
  checking = $state(false);
  error = $state<string | null>(null);
  readonly #client: CoreClient;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(client: CoreClient) {
    this.#client = client;
    void this.refresh();
    this.#timer = setInterval(() => {
      if (this.status?.authority && this.status.trusted !== true && !this.busy) void this.refresh();
    }, TRUST_POLL_MS);
  }

  async refresh(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      this.status = await this.#client.getHttpsStatus();
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.checking = false;
    }
  }

  /** Turn HTTPS on; the result (null when it failed: `error` says why). */
  async enable(): Promise<EnableHttpsResult | null> {
    this.busy = true;
    this.error = null;
    try {
      this.result = await this.#client.enableHttps();
      this.status = this.result.status;
      return this.result;
    } catch (e) {
      this.error = (e as Error).message;
      return null;
    } finally {
      this.busy = false;
    }
  }

  dispose(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
