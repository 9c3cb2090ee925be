/**
 * The browser-mode WebSocket protocol (node/ui-server/ws-server.ts <-> renderer ws-client.ts):
 * JSON text frames. The first frame from the page must be `hello` with the token the CLI
 * printed; until the server answers `welcome`, nothing else is read. Calls carry an id the
 * answer repeats; events are pushed as they are batched.
 */
import type { SerializedError } from '../errors.js';
import type { CoreEventMap, CoreEventName, CoreMethod } from './core-api.js';

/** The path of the WebSocket on the UI server. */
export const UI_SOCKET_PATH = '/api';

/** Close codes (4000-4999 are for applications, RFC 6455 §7.4.2), each with its reason text. */
export const WS_CLOSE = {
  /** The page's Origin is not the UI server's own. */
  badOrigin: { code: 4403, reason: 'origin not allowed' },
  /** No `hello`, or the wrong token. */
  badToken: { code: 4401, reason: 'bad or missing token' },
  /** A frame that is not JSON or not one of the shapes below. */
  badFrame: { code: 4400, reason: 'malformed frame' },
  /** The core is shutting down. */
  shutdown: { code: 1001, reason: 'perlbal-desktop is stopping' },
} as const;

export type ClientFrame =
  | { type: 'hello'; token: string }
  | { type: 'call'; id: number; method: CoreMethod; args: unknown[] };

export type ServerFrame =
  | { type: 'welcome'; version: string }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { [E in CoreEventName]: { type: 'event'; event: E; payload: CoreEventMap[E] } }[CoreEventName];

/** The shape of an incoming frame, checked before anything trusts it; null when malformed. */
export function readClientFrame(text: string): ClientFrame | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const f = v as Record<string, unknown>;
  if (f['type'] === 'hello')
    return typeof f['token'] === 'string' ? { type: 'hello', token: f['token'] } : null;
  if (f['type'] !== 'call' || !Number.isSafeInteger(f['id']) || typeof f['method'] !== 'string')
    return null;
  if (!Array.isArray(f['args'])) return null;
  return {
    type: 'call',
    id: f['id'] as number,
    method: f['method'] as CoreMethod,
    args: f['args'],
  };
}

/**
 * What a call answers over IPC. Electron flattens a thrown error to a message string, losing
 * its code, so the main side never throws: it returns this, and the client rehydrates.
 */
export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: SerializedError };
