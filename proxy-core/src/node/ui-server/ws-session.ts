/**
 * One browser page connected over the WebSocket. Nothing is read but `hello` until the token
 * matched; then calls are checked against CORE_METHODS before they reach the API, answers
 * repeat the call's id, and event batches are forwarded (request batches are dropped, and
 * counted, while the page is too slow to keep up, so a busy proxy cannot grow our memory).
 */
import type { WebSocket } from 'ws';
import { CORE_EVENTS, isCoreMethod, type CoreClient } from '../../common/api/core-api.js';
import { serializeError } from '../../common/api/serialize-error.js';
import { readClientFrame, WS_CLOSE, type ServerFrame } from '../../common/api/wire.js';
import { PerlbalError } from '../../common/errors.js';
import { tokenMatches } from './ui-token.js';

/** A page must say hello within this time, or it is closed. */
const HELLO_TIMEOUT_MS = 10_000;
/** Above this many unsent bytes, request batches are skipped. */
const MAX_BUFFERED = 4 * 1024 * 1024;
/** Calls longer than this are refused unread (a config is a few kB). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export class WsSession {
  readonly #ws: WebSocket;
  readonly #api: CoreClient;
  readonly #token: string;
  readonly #version: string;
  #authed = false;
  #offs: Array<() => void> = [];
  #dropped = 0;
  readonly #helloTimer: ReturnType<typeof setTimeout>;

  constructor(ws: WebSocket, api: CoreClient, token: string, version: string) {
    this.#ws = ws;
    this.#api = api;
    this.#token = token;
    this.#version = version;
    this.#helloTimer = setTimeout(() => this.#close(WS_CLOSE.badToken), HELLO_TIMEOUT_MS);
    this.#helloTimer.unref();
    ws.on('message', (data, isBinary) => this.#onMessage(isBinary ? null : data.toString()));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
  }

  #onMessage(text: string | null): void {
    const frame = text === null ? null : readClientFrame(text);
    if (!frame) return this.#close(WS_CLOSE.badFrame);
    if (!this.#authed) {
      if (frame.type !== 'hello' || !tokenMatches(this.#token, frame.token))
        return this.#close(WS_CLOSE.badToken);
      clearTimeout(this.#helloTimer);
      this.#authed = true;
      this.#send({ type: 'welcome', version: this.#version });
      this.#subscribe();
      return;
    }
    if (frame.type !== 'call') return this.#close(WS_CLOSE.badFrame);
    void this.#call(frame.id, frame.method, frame.args);
  }

  async #call(id: number, method: string, args: unknown[]): Promise<void> {
    try {
      if (!isCoreMethod(method))
        throw new PerlbalError('PB_ERR_IPC_UNKNOWN_METHOD', `Unknown core method: ${method}`);
      const fn = this.#api[method] as (...a: unknown[]) => Promise<unknown>;
      const result = await fn.apply(this.#api, args);
      this.#send({ type: 'result', id, result: result ?? null });
    } catch (e) {
      this.#send({ type: 'error', id, error: serializeError(e) });
    }
  }

  #subscribe(): void {
    for (const event of CORE_EVENTS) {
      this.#offs.push(
        this.#api.on(event, (payload) => {
          if (event === 'requests' && this.#ws.bufferedAmount > MAX_BUFFERED) {
            const p = payload as { summaries: unknown[]; dropped: number };
            this.#dropped += p.summaries.length + p.dropped;
            return;
          }
          if (event === 'requests' && this.#dropped > 0) {
            const p = payload as { summaries: []; dropped: number };
            payload = { ...p, dropped: p.dropped + this.#dropped } as typeof payload;
            this.#dropped = 0;
          }
          this.#send({ type: 'event', event, payload } as ServerFrame);
        }),
      );
    }
  }

  #send(frame: ServerFrame): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(JSON.stringify(frame));
  }

  #close(how: { code: number; reason: string }): void {
    this.dispose();
    this.#ws.close(how.code, how.reason);
  }

  dispose(): void {
    clearTimeout(this.#helloTimer);
    for (const off of this.#offs) off();
    this.#offs = [];
  }
}
