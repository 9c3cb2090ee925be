/**
 * Unsaved config edits, guarded from main. Electron-free, so it is tested as is.
 * - UnsavedQuery asks the window whether the editor holds unsaved changes (main sends
 *   `desktop:query-unsaved` with an id; the preload answers on `desktop:unsaved-answer`, a
 *   trusted-sender channel). No window, or no answer in time (a hung page), counts as "no":
 *   a window that can't answer must not trap the user.
 * - QuitFlow holds the order of a quit: ask (and confirm when edits would be lost), drain the
 *   core gracefully, then let Electron quit; and a window close asks first as well.
 */

/** What the user is about to do that would drop the editor's text. */
export type DiscardAction = 'close' | 'quit' | 'open' | 'reload';

const UNSAVED_ANSWER_TIMEOUT_MS = 1500;

export class UnsavedQuery {
  readonly #send: (id: number) => boolean;
  readonly #timeoutMs: number;
  readonly #waiting = new Map<number, (dirty: boolean) => void>();
  #next = 1;

  /** `send` posts the question to the window; false when there is no window to ask. */
  constructor(send: (id: number) => boolean, timeoutMs = UNSAVED_ANSWER_TIMEOUT_MS) {
    this.#send = send;
    this.#timeoutMs = timeoutMs;
  }

  /** True when the window says its editor has unsaved changes. */
  ask(): Promise<boolean> {
    const id = this.#next++;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), this.#timeoutMs);
      const finish = (dirty: boolean): void => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(dirty);
      };
      this.#waiting.set(id, finish);
      let sent = false;
      try {
        sent = this.#send(id);
      } catch {
        sent = false;
      }
      if (!sent) finish(false);
    });
  }

  /** The window's answer (from the IPC handler: anything malformed is ignored). */
  answer(id: unknown, dirty: unknown): void {
    if (typeof id !== 'number' || typeof dirty !== 'boolean') return;
    this.#waiting.get(id)?.(dirty);
  }
}

/** Resolves true when nothing would be lost, or the user chose to lose it. */
export type MayDiscard = (action: DiscardAction) => Promise<boolean>;

export function createMayDiscard(
  query: Pick<UnsavedQuery, 'ask'>,
  confirm: (action: DiscardAction) => Promise<boolean>,
): MayDiscard {
  return async (action) => !(await query.ask()) || confirm(action);
}

export interface QuitFlowDeps {
  mayDiscard: MayDiscard;
  /** The core's graceful stop (core-host.ts). */
  stopCore(): Promise<void>;
  /** Electron's app.quit(). */
  quit(): void;
}

/** The part of an Electron event these handlers use. */
interface Preventable {
  preventDefault(): void;
}

export class QuitFlow {
  readonly #deps: QuitFlowDeps;
  /** Set once edits are dealt with and the core is stopped: then nothing holds the quit. */
  #ready = false;
  #running = false;

  constructor(deps: QuitFlowDeps) {
    this.#deps = deps;
  }

  /** True once the quit is under way (windows may close without asking again). */
  get quitting(): boolean {
    return this.#ready;
  }

  /** `before-quit`: hold it, ask, drain the core, then quit for real. */
  onBeforeQuit(event: Preventable): void {
    if (this.#ready) return;
    event.preventDefault();
    if (this.#running) return;
    this.#running = true;
    void this.#prepare().finally(() => (this.#running = false));
  }

  async #prepare(): Promise<void> {
    let ok = false;
    try {
      ok = await this.#deps.mayDiscard('quit');
    } catch {
      ok = true;
    }
    if (!ok) return;
    try {
      await this.#deps.stopCore();
    } catch (e) {
      console.error('perlbal-desktop: the proxy did not stop cleanly:', e);
    }
    this.#ready = true;
    this.#deps.quit();
  }

  /**
   * A window's `close`: ask first unless a quit already did. `close` closes the window again
   * once allowed (its own close event then passes, `confirmed`).
   */
  windowCloseHandler(close: () => void): (event: Preventable) => void {
    let confirmed = false;
    let asking = false;
    return (event) => {
      if (this.#ready || confirmed) return;
      event.preventDefault();
      if (asking) return;
      asking = true;
      void this.#deps
        .mayDiscard('close')
        .catch(() => true)
        .then((ok) => {
          asking = false;
          if (!ok) return;
          confirmed = true;
          close();
        });
    };
  }
}
