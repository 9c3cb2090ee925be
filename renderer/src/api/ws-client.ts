/**
 * CoreClient in a plain browser (`perlbal-desktop --ui`), over the WebSocket of
 * proxy-core/src/node/ui-server. Says hello with the token first; a refusal (bad token,
 * foreign origin) rejects the connection with a sentence rather than a bare close code.
 * When the socket closes, pending calls fail with PB_ERR_NOT_RUNNING and `onClose` listeners
 * hear why; the UI shows that instead of freezing.
 */
import { PerlbalError } from '../../../proxy-core/src/common/errors.js';
import {
  rehydrateError,
  WS_CLOSE,
  type CoreClient,
  type CoreEventName,
  type ServerFrame,
} from '../../../proxy-core/src/common/api/index.js';
import { clientFromCall } from './client-from-call.js';

/** The part of the DOM WebSocket used here (the `ws` package's client has it too). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', fn: () => void): void;
  addEventListener(type: 'message', fn: (e: { data: unknown }) => void): void;
  addEventListener(type: 'close', fn: (e: { code: number; reason: string }) => void): void;
}

export interface WsClient extends CoreClient {
  readonly version: string;
  close(): void;
  /** Called once when the connection ends, with a sentence saying why. */
  onClose(fn: (why: string) => void): void;
}

function whyClosed(code: number, reason: string): string {
  if (code === WS_CLOSE.badToken.code)
    return 'The UI server refused the token. Open the URL perlbal-desktop printed, with its ?token=.';
  if (code === WS_CLOSE.badOrigin.code)
    return 'The UI server refused this page: open it from the URL perlbal-desktop printed.';
  if (code === WS_CLOSE.shutdown.code) return 'perlbal-desktop stopped.';
  return `The connection to perlbal-desktop closed (${code}${reason ? `: ${reason}` : ''}).`;
}

export function connectWs(
  url: string,
  token: string,
  open: (url: string) => SocketLike,
): Promise<WsClient> {
  const ws = open(url);
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >();
  const listeners = new Map<CoreEventName, Set<(p: unknown) => void>>();
  const closers: Array<(why: string) => void> = [];
  let nextId = 1;
  let closedWhy: string | null = null;

  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'hello', token })));
    ws.addEventListener('close', (e) => {
      closedWhy = whyClosed(e.code, e.reason);
      const err = new PerlbalError('PB_ERR_NOT_RUNNING', closedWhy);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      reject(err);
      for (const fn of closers) fn(closedWhy);
    });
    ws.addEventListener('message', (e) => {
      const frame = JSON.parse(String(e.data)) as ServerFrame;
      if (frame.type === 'welcome') resolve(client(frame.version));
      else if (frame.type === 'event')
        for (const fn of [...(listeners.get(frame.event) ?? [])]) fn(frame.payload);
      else {
        const p = pending.get(frame.id);
        pending.delete(frame.id);
        if (frame.type === 'result') p?.resolve(frame.result);
        else p?.reject(rehydrateError(frame.error));
      }
    });
  });

  function client(version: string): WsClient {
    const base = clientFromCall(
      (method, args) =>
        new Promise((resolve, reject) => {
          if (closedWhy !== null) return reject(new PerlbalError('PB_ERR_NOT_RUNNING', closedWhy));
          const id = nextId++;
          pending.set(id, { resolve, reject });
          ws.send(JSON.stringify({ type: 'call', id, method, args }));
        }),
      (event, listener) => {
        let set = listeners.get(event);
        if (!set) listeners.set(event, (set = new Set()));
        const fn = listener as (p: unknown) => void;
        set.add(fn);
        return () => void set.delete(fn);
      },
    );
    return Object.assign(base, {
      version,
      close: () => ws.close(1000, 'closed by the page'),
      onClose: (fn: (why: string) => void) => void closers.push(fn),
    });
  }
}
