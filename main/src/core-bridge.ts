/**
 * The main-process half of the core bridge, free of Electron so it is tested with an in-memory
 * IPC pair. Guarantees:
 * - a call runs only when its sender frame is on the app origin (sender-check.ts) and its
 *   method is in the allow-list, with an array of arguments; anything else gets an error
 *   outcome and never reaches the core;
 * - calls never throw across IPC (Electron would keep only the message): they resolve to a
 *   CallOutcome with the error's code;
 * - events go only to windows that have made a trusted call (the renderer is ready once it
 *   asks for something), one message per batch the core API already made.
 */
import type { CallOutcome, CoreClient } from '../../proxy-core/src/common/api/index.js';
import type { SerializedError } from '../../proxy-core/src/common/errors.js';
import {
  BRIDGE_EVENTS,
  CORE_EVENT_CHANNEL,
  isBridgeMethod,
  type EventMessage,
} from './core-channels.js';
import { isTrustedSender } from './sender-check.js';

/** Where events go: a webContents, reduced to what is used. */
export interface EventSink {
  send(channel: string, message: EventMessage): void;
  isDestroyed(): boolean;
}

const fail = (code: SerializedError['code'], message: string): CallOutcome => ({
  ok: false,
  error: { name: 'PerlbalError', code, message },
});

function serialize(e: unknown): SerializedError {
  const { code, message, details } = (e ?? {}) as {
    code?: unknown;
    message?: unknown;
    details?: unknown;
  };
  if (typeof code === 'string' && code.startsWith('PB_ERR_') && typeof message === 'string') {
    return {
      name: 'PerlbalError',
      code: code as SerializedError['code'],
      message,
      ...(details && typeof details === 'object'
        ? { details: details as Record<string, unknown> }
        : {}),
    };
  }
  return {
    name: 'PerlbalError',
    code: 'PB_ERR_INTERNAL',
    message: e instanceof Error ? e.message : String(e),
  };
}

export class MainCoreBridge {
  readonly #api: () => Promise<CoreClient>;
  readonly #appOrigin: string;
  readonly #sinks = new Set<EventSink>();
  #offs: Array<() => void> | null = null;

  /** `api` is asked for on the first trusted call: core-host.ts decides where the core runs. */
  constructor(api: () => Promise<CoreClient>, appOrigin: string) {
    this.#api = api;
    this.#appOrigin = appOrigin;
  }

  async call(
    senderUrl: string | null | undefined,
    sink: EventSink,
    method: unknown,
    args: unknown,
  ): Promise<CallOutcome> {
    if (!isTrustedSender(senderUrl, this.#appOrigin))
      return fail(
        'PB_ERR_IPC_UNTRUSTED_SENDER',
        'IPC message on core:call refused: the sender is not the app',
      );
    if (!isBridgeMethod(method))
      return fail('PB_ERR_IPC_UNKNOWN_METHOD', `Unknown core method: ${String(method)}`);
    if (!Array.isArray(args))
      return fail('PB_ERR_API_INVALID_ARGUMENT', `${method}: the arguments must be an array`);
    try {
      const api = await this.#api();
      this.#subscribe(api, sink);
      const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
      return { ok: true, result: (await fn.apply(api, args)) ?? null };
    } catch (e) {
      return { ok: false, error: serialize(e) };
    }
  }

  #subscribe(api: CoreClient, sink: EventSink): void {
    this.#sinks.add(sink);
    this.#offs ??= BRIDGE_EVENTS.map((event) =>
      api.on(event, (payload) => {
        for (const s of this.#sinks) {
          if (s.isDestroyed()) this.#sinks.delete(s);
          else s.send(CORE_EVENT_CHANNEL, { event, payload });
        }
      }),
    );
  }

  dispose(): void {
    for (const off of this.#offs ?? []) off();
    this.#offs = null;
    this.#sinks.clear();
  }
}
