/**
 * The IPC channels of the core bridge and the allow-lists the preload checks. The preload is
 * bundled on its own and may not pull the core in, so the lists are spelled out here; the
 * types make the build fail if they ever differ from CORE_METHODS / CORE_EVENTS in the
 * contract (proxy-core/src/common/api/core-api.ts).
 */
import type { CoreEventName, CoreMethod } from '../../proxy-core/src/common/api/core-api.js';

export const CORE_CALL_CHANNEL = 'core:call';
export const CORE_EVENT_CHANNEL = 'core:event';

export const BRIDGE_METHODS = [
  'getStatus',
  'enableService',
  'disableService',
  'addPoolNode',
  'removePoolNode',
  'getConfig',
  'checkConfig',
  'planConfig',
  'applyConfig',
  'saveConfig',
  'getHttpsStatus',
  'enableHttps',
  'listPalimgImages',
  'readPalimgImage',
  'listRequests',
  'getRequestDetail',
  'clearRequests',
  'resendRequest',
  'getSettings',
  'saveSettings',
] as const satisfies readonly CoreMethod[];

export const BRIDGE_EVENTS = [
  'status',
  'requests',
  'log',
] as const satisfies readonly CoreEventName[];

type Complete<Missing extends never> = Missing;
export type _MethodsComplete = Complete<Exclude<CoreMethod, (typeof BRIDGE_METHODS)[number]>>;
export type _EventsComplete = Complete<Exclude<CoreEventName, (typeof BRIDGE_EVENTS)[number]>>;

export function isBridgeMethod(name: unknown): name is CoreMethod {
  return typeof name === 'string' && (BRIDGE_METHODS as readonly string[]).includes(name);
}

export function isBridgeEvent(name: unknown): name is CoreEventName {
  return typeof name === 'string' && (BRIDGE_EVENTS as readonly string[]).includes(name);
}

/** One event batch on CORE_EVENT_CHANNEL. */
export interface EventMessage {
  event: CoreEventName;
  payload: unknown;
}
