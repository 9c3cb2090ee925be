/**
 * What the preload puts at `window.perlbalDesktop.core`, built over an ipcRenderer-like object
 * so it is tested without Electron. It checks method and event names against the allow-lists
 * before anything reaches IPC (house style B3), and hands the page frozen functions only:
 * no channel names, no ipcRenderer.
 */
import type {
  CallOutcome,
  CoreEventName,
  CoreMethod,
} from '../../proxy-core/src/common/api/index.js';
import {
  CORE_CALL_CHANNEL,
  CORE_EVENT_CHANNEL,
  isBridgeEvent,
  isBridgeMethod,
  type EventMessage,
} from './core-channels.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
}

export interface PreloadCoreBridge {
  call(method: CoreMethod, args: unknown[]): Promise<CallOutcome>;
  on(event: CoreEventName, listener: (payload: unknown) => void): () => void;
}

export function createPreloadCoreBridge(ipc: IpcRendererLike): PreloadCoreBridge {
  const listeners = new Map<CoreEventName, Set<(payload: unknown) => void>>();
  ipc.on(CORE_EVENT_CHANNEL, (_event, message) => {
    const m = message as Partial<EventMessage> | null;
    if (!m || !isBridgeEvent(m.event)) return;
    for (const fn of [...(listeners.get(m.event) ?? [])]) fn(m.payload);
  });
  return Object.freeze({
    call(method: CoreMethod, args: unknown[]): Promise<CallOutcome> {
      if (!isBridgeMethod(method)) {
        return Promise.resolve({
          ok: false,
          error: {
            name: 'PerlbalError',
            code: 'PB_ERR_IPC_UNKNOWN_METHOD',
            message: `Unknown core method: ${String(method)}`,
          },
        });
      }
      return ipc.invoke(
        CORE_CALL_CHANNEL,
        method,
        Array.isArray(args) ? args : [],
      ) as Promise<CallOutcome>;
    },
    on(event: CoreEventName, listener: (payload: unknown) => void): () => void {
      if (!isBridgeEvent(event) || typeof listener !== 'function')
        throw new TypeError(`Unknown core event: ${String(event)}`);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
  });
}
