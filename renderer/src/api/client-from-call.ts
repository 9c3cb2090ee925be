/**
 * Builds a CoreClient from the two things every transport provides: "call this method with
 * these arguments" and "tell me about this event". One method per CORE_METHODS entry, so a
 * client never has a method the allow-lists would refuse.
 */
import {
  CORE_METHODS,
  type CoreApi,
  type CoreClient,
  type CoreEventName,
  type CoreListener,
  type CoreMethod,
} from '../../../proxy-core/src/common/api/index.js';

export type CallFn = (method: CoreMethod, args: unknown[]) => Promise<unknown>;
export type OnFn = <E extends CoreEventName>(event: E, listener: CoreListener<E>) => () => void;

export function clientFromCall(call: CallFn, on: OnFn): CoreClient {
  const methods = Object.fromEntries(
    CORE_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]),
  ) as unknown as CoreApi;
  return { ...methods, on };
}
