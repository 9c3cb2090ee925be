/**
 * One connection to a backend node (Perlbal::BackendHTTP): connect, optionally verify with
 * OPTIONS, wait "bored" for a client, send its request, relay the response, and go back to
 * bored if the response allows keep-alive. A state machine with one small method per event.
 * States are Perlbal's: connecting, verifying_backend, bored, sending_req, wait_res, xfer_res,
 * closed.
 */
import net from 'node:net';
import type { HttpHeaders } from '../http/http-headers.js';
import { baseAsString, socketFd, type TrackedSocket } from '../socket-registry.js';
import { nowSeconds } from '../util/clock.js';
import { ResponseHeadReader } from './response-head.js';
import type { NodeStatsTable } from './node-stats.js';
import type { Node, Pool } from './pool.js';

/** Perlbal closes a backend still connecting or verifying after 15 s (callback_timeout). */
const CONNECT_CALLBACK_TIMEOUT_MS = 15_000;
/** Perlbal replaces a connect pending for 5 s; here that counts as a failed connect. */
export const CONNECT_TIMEOUT_MS = 5_000;

export type BackendState =
  | 'connecting'
  | 'verifying_backend'
  | 'bored'
  | 'sending_req'
  | 'wait_res'
  | 'xfer_res'
  | 'closed';

/** Who a backend reports to: a service's backend manager, or the reproxy manager. */
export interface BackendOwner {
  readonly serviceName: string | null;
  readonly verify: boolean;
  readonly verifyPath: string;
  registerBoredom(be: BackendHTTP): void;
  noteBadConnect(be: BackendHTTP, cause: string, noSpawn: boolean): void;
  noteBackendClose(be: BackendHTTP): void;
  /** Whether this backend may go on living after a response (pool still used, use limits). */
  shouldLive(be: BackendHTTP): boolean;
}

/** The side of a client that a backend talks to. */
export interface BackendClient {
  readonly fd: number;
  /** The response head arrived. */
  onBackendResponse(be: BackendHTTP, head: HttpHeaders): void;
  /** Body bytes of the response; false asks the backend to pause reading. */
  onBackendData(be: BackendHTTP, chunk: Buffer): boolean;
  /** The whole response arrived (by length, or because the backend closed). */
  onBackendDone(be: BackendHTTP): void;
  /** The backend failed while serving this client. */
  onBackendError(be: BackendHTTP, cause: string, detail: string): void;
}

export class BackendHTTP implements TrackedSocket {
  readonly perlbalClass = 'Perlbal::BackendHTTP';
  readonly createdAt = nowSeconds();
  readonly node: Node;
  readonly pool: Pool | null;
  readonly #owner: BackendOwner;
  readonly #stats: NodeStatsTable;
  readonly #sock: net.Socket;
  #fd = -1;
  state: BackendState = 'connecting';
  client: BackendClient | null = null;
  /** Verified, or has served a request (Perlbal has_attention). */
  hasAttention = false;
  useCount = 0;
  /** Service generation it was spawned in (a pool change makes older backends stale). */
  generation: number;
  /** Epoch seconds at which the backend said it would close an idle connection. */
  disconnectAt: number | null = null;
  reqHeaders: HttpHeaders | null = null;
  resHeaders: HttpHeaders | null = null;
  /** Bytes of response body still to come; null = until the backend closes. */
  #remain: number | null = null;
  #reader = new ResponseHeadReader();
  #verifyRemain = 0;
  #paused = false;
  #timers: NodeJS.Timeout[] = [];
  readonly connectStartedAt = performance.now();
  connectedAt: number | null = null;

  constructor(owner: BackendOwner, stats: NodeStatsTable, node: Node, pool: Pool | null, generation: number) {
    this.#owner = owner;
    this.#stats = stats;
    this.node = node;
    this.pool = pool;
    this.generation = generation;
    stats.attempt(node.ipport);
    this.#sock = net.connect({ host: node.ip, port: node.port });
    this.#sock.setNoDelay(true);
    this.#sock.on('connect', this.#onConnect);
    this.#sock.on('data', this.#onData);
    this.#sock.on('end', this.#onEnd);
    this.#sock.on('error', this.#onError);
    this.#sock.on('close', () => this.close('closed'));
    this.#sock.on('drain', () => {});
    this.#timers.push(
      setTimeout(() => this.#connectTimedOut(), CONNECT_TIMEOUT_MS),
      setTimeout(() => {
        if (this.state === 'connecting' || this.state === 'verifying_backend') this.close('callback_timeout');
      }, CONNECT_CALLBACK_TIMEOUT_MS),
    );
    for (const t of this.#timers) t.unref();
  }

  get ipport(): string {
    return this.node.ipport;
  }

  get fd(): number {
    if (this.#fd < 0) this.#fd = socketFd(this.#sock);
    return this.#fd;
  }

  get serviceName(): string | null {
    return this.#owner.serviceName;
  }

  get watchMask(): string {
    if (this.state === 'closed') return '';
    return this.#paused ? '' : 'R';
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  asString(): string {
    let s = baseAsString(this, this.ipport, this.closed);
    if (this.#sock.localPort) s += `: localport=${this.#sock.localPort}`;
    if (this.client) s += `; client=${this.client.fd}`;
    s += `; uses=${this.useCount}; ${this.state}`;
    if (this.#owner.verify) s += `; has_attention=${this.hasAttention ? 'yes' : 'no'}`;
    return s;
  }

  // ---- connecting and verifying ---------------------------------------------------------

  #onConnect = (): void => {
    this.connectedAt = performance.now();
    this.#stats.connect(this.ipport);
    if (this.#owner.verify && !this.hasAttention && !this.#stats.verifySkipped(this.ipport)) {
      this.state = 'verifying_backend';
      this.#verifyRemain = 0;
      this.#sock.write(`OPTIONS ${this.#owner.verifyPath} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`);
      return;
    }
    this.state = 'bored';
    this.#owner.registerBoredom(this);
  };

  #connectTimedOut(): void {
    if (this.state !== 'connecting') return;
    this.#owner.noteBadConnect(this, 'ETIMEDOUT', true);
    this.close('connect_timeout');
  }

  /** Perlbal event_read_waiting_options: the OPTIONS answer must allow keep-alive. */
  #onVerifyData(chunk: Buffer): void {
    if (this.#verifyRemain > 0) {
      this.#verifyRemain -= chunk.length;
      if (this.#verifyRemain <= 0) this.#verifySuccess();
      return;
    }
    const r = this.#reader.push(chunk);
    if (r.kind === 'more') return;
    if (r.kind === 'error' || !r.headers.resKeepAlive(null, true)) return this.#verifyFailure();
    const cl = Number(r.headers.header('Content-Length') ?? 0) || 0;
    this.#verifyRemain = cl - r.rest.length;
    if (this.#verifyRemain <= 0) this.#verifySuccess();
  }

  #verifySuccess(): void {
    this.hasAttention = true;
    this.#stats.verified(this.ipport);
    this.#stats.response(this.ipport, true);
    this.state = 'bored';
    this.#owner.registerBoredom(this);
  }

  #verifyFailure(): void {
    this.#stats.skipVerify(this.ipport);
    this.#owner.noteBadConnect(this, 'EVERIFY', false);
    this.close('no_keep_alive');
  }

  // ---- serving a client -----------------------------------------------------------------

  /** Perlbal assign_client: take the client and send it `head` (already rewritten). */
  assign(client: BackendClient, head: HttpHeaders, headBytes: string): void {
    this.client = client;
    this.reqHeaders = head;
    this.resHeaders = null;
    this.#remain = null;
    this.#reader.reset();
    this.state = 'sending_req';
    // Header text holds the bytes as received, one char per byte (latin1): written back as
    // such, a UTF-8 cookie reaches the backend unchanged instead of encoded twice.
    this.#sock.write(headBytes, 'latin1');
    this.state = 'wait_res';
  }

  /** Request body bytes to the backend; false when its socket buffer is full. */
  writeBody(chunk: Buffer): boolean {
    if (this.closed) return false;
    return this.#sock.write(chunk);
  }

  /** Run `fn` when the backend's socket buffer drains (for request-body flow control). */
  onceDrained(fn: () => void): void {
    if (this.#sock.writableLength === 0) return fn();
    this.#sock.once('drain', fn);
  }

  /** Stop / resume reading the response (the client is too far behind). */
  pauseReading(): void {
    if (this.#paused || this.closed) return;
    this.#paused = true;
    this.#sock.pause();
  }

  resumeReading(): void {
    if (!this.#paused || this.closed) return;
    this.#paused = false;
    this.#sock.resume();
  }

  #onData = (chunk: Buffer): void => {
    switch (this.state) {
      case 'verifying_backend':
        return this.#onVerifyData(chunk);
      case 'wait_res':
        return this.#onHeadData(chunk);
      case 'xfer_res':
        return this.#onBodyData(chunk);
      default:
        // Perlbal read_with_no_client: an idle backend has nothing to say.
        this.close('read_with_no_client');
    }
  };

  #onHeadData(chunk: Buffer): void {
    const r = this.#reader.push(chunk);
    if (r.kind === 'more') return;
    const client = this.client;
    if (r.kind === 'error') {
      this.close('bad_response');
      client?.onBackendError(this, 'EBADRESPONSE', `the backend sent an invalid response (${r.message})`);
      return;
    }
    const hd = r.headers;
    // A 1xx interim answer to our HTTP/1.0 request is skipped; the real response follows.
    if (hd.code >= 100 && hd.code < 200) return this.#onHeadData(r.rest.length ? r.rest : Buffer.alloc(0));
    this.resHeaders = hd;
    this.hasAttention = true;
    this.#stats.responseCode(this.ipport, hd.code);
    this.state = 'xfer_res';
    this.#remain = this.#bodyLength(hd);
    client?.onBackendResponse(this, hd);
    if (this.state !== 'xfer_res' || this.client !== client) return;
    if (r.rest.length) this.#onBodyData(r.rest);
    else if (this.#remain === 0) this.#finish();
  }

  /** Perlbal handle_response: HEAD, 1xx, 204 and 304 have no body; else Content-Length or EOF. */
  #bodyLength(hd: HttpHeaders): number | null {
    const te = hd.header('Transfer-Encoding');
    if (te && !/\bidentity\b/i.test(te)) hd.setHeader('Content-Length', undefined);
    if (this.reqHeaders?.method === 'HEAD' || hd.code === 204 || hd.code === 304) return 0;
    const cl = hd.header('Content-Length');
    if (cl === undefined || !/^\s*\d+\s*$/.test(cl)) return null;
    return Number(cl);
  }

  #onBodyData(chunk: Buffer): void {
    const client = this.client;
    if (!client) return this.close('read_with_no_client');
    let data = chunk;
    if (this.#remain !== null) {
      // Never pass on more than the announced length: the excess is not this response's.
      if (data.length > this.#remain) data = data.subarray(0, this.#remain);
      this.#remain -= data.length;
    }
    if (data.length && !client.onBackendData(this, data)) this.pauseReading();
    if (this.#remain === 0) this.#finish();
  }

  #finish(): void {
    const client = this.client;
    this.#nextRequest(false);
    client?.onBackendDone(this);
  }

  #onEnd = (): void => {
    if (this.state === 'xfer_res' && this.#remain === null && this.client) {
      // A response without a length ends when the backend closes: that is complete.
      const client = this.client;
      this.client = null;
      this.close('backend_disconnect');
      client.onBackendDone(this);
      return;
    }
    this.#failWith('ECONNRESET', 'the backend closed the connection');
  };

  #onError = (err: NodeJS.ErrnoException): void => {
    this.#failWith(err.code ?? 'EIO', err.message);
  };

  #failWith(code: string, detail: string): void {
    if (this.closed) return;
    const state = this.state;
    const client = this.client;
    if (state === 'connecting' || state === 'verifying_backend') {
      // Perlbal counts a refused connect as a "connect", then marks the node no-spawn for 1 s.
      if (state === 'connecting') this.#stats.connect(this.ipport);
      this.#owner.noteBadConnect(this, code, true);
      this.close('error');
      return;
    }
    this.client = null;
    this.close('error');
    client?.onBackendError(this, code, detail);
  }

  /**
   * Perlbal next_request: count the response, then either close (not keep-alive-able, pool
   * unused, max_backend_uses passed) or go back to bored for the next client.
   */
  #nextRequest(initial: boolean): void {
    if (this.closed) return;
    this.#stats.response(this.ipport, initial);
    const hd = this.resHeaders;
    this.client = null;
    if (!hd || !hd.resKeepAlive(this.reqHeaders, initial)) return this.close('next_request_no_persist');
    this.useCount++;
    if (!this.#owner.shouldLive(this)) return this.close('exceeded_max_uses');
    const ka = /\btimeout=(\d+)/i.exec(hd.header('Keep-Alive') ?? '');
    this.disconnectAt = ka ? nowSeconds() + Number(ka[1]) : null;
    this.state = 'bored';
    this.reqHeaders = null;
    this.resHeaders = null;
    this.#remain = null;
    this.resumeReading();
    this.#owner.registerBoredom(this);
  }

  /**
   * A reproxy answer's body is not used (Perlbal next_request right after the head). With no
   * body the connection is reused; with one, its unread bytes would be taken for the next
   * response, so it closes (Perlbal closes it when those bytes arrive: read_with_no_client).
   */
  releaseAfterHead(): void {
    if (this.#remain === 0) return this.#nextRequest(false);
    this.client = null;
    this.close('reproxy_body_unused');
  }

  /** The client went away mid-response: this connection can't be reused. */
  abandon(reason: string): void {
    this.client = null;
    this.close(reason);
  }

  close(_reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const t of this.#timers) clearTimeout(t);
    this.#sock.destroy();
    this.#owner.noteBackendClose(this);
  }
}
