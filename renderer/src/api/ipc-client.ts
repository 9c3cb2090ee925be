/**
 * CoreClient inside Electron, over the preload's `window.perlbalDesktop.core` (main/src/
 * preload.ts). The preload never throws across the bridge (Electron would drop the error
 * code); it answers a CallOutcome, and errors are rebuilt here as PerlbalErrors.
 */
import {
  rehydrateError,
  type CallOutcome,
  type CoreClient,
  type CoreEventName,
  type CoreMethod,
} from '../../../proxy-core/src/common/api/index.js';
import { clientFromCall } from './client-from-call.js';

/** The shape of `window.perlbalDesktop.core`. */
export interface CoreBridge {
  call(method: CoreMethod, args: unknown[]): Promise<CallOutcome>;
  on(event: CoreEventName, listener: (payload: unknown) => void): () => void;
}

/** The bridge on `scope` (normally `window`) when it has the expected shape, else undefined. */
export function findCoreBridge(scope: unknown): CoreBridge | undefined {
  const bridge = (scope as { perlbalDesktop?: { core?: unknown } } | null)?.perlbalDesktop?.core;
  if (typeof bridge !== 'object' || bridge === null) return undefined;
  const b = bridge as Partial<CoreBridge>;
  return typeof b.call === 'function' && typeof b.on === 'function' ? (b as CoreBridge) : undefined;
}

export function ipcClient(bridge: CoreBridge): CoreClient {
  return clientFromCall(
    async (method, args) => {
      const out = await bridge.call(method, args);
      if (out.ok) return out.result;
      throw rehydrateError(out.error);
    },
    (event, listener) => bridge.on(event, listener as (payload: unknown) => void),
  );
}
