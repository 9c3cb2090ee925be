/**
 * One client connection on an HTTP role (Perlbal::ClientHTTPBase). It reads requests with
 * llhttp, hands each to the role of the service currently holding it (Perlbal "re-blesses"
 * the object; here the role handler changes instead), and owns the parts every role shares:
 * simple responses, keep-alive, request-body delivery with flow control, idle timeouts.
 *
 * Requests are handled strictly one at a time. llhttp may parse a pipelined request before
 * the previous response is done; it then waits in a queue and reading pauses, so a client
 * can never make the proxy buffer more than one read ahead.
 */
import type { Socket } from 'node:net';
import { HttpHeaders } from '../http/http-headers.js';
import { RequestReader, type RequestError, type RequestHead } from '../http/request-reader.js';
import { simpleResponse } from '../http/simple-response.js';
import { statusText } from '../../common/http/status-text.js';
import { baseAsString, socketFd, type TrackedSocket } from '../socket-registry.js';
import type { Service } from '../service/service.js';
import type { CoreContext } from '../core-context.js';
import { nowSeconds } from '../util/clock.js';
import { RequestTrace } from '../record/request-trace.js';
import { isTrusted, observedIp } from '../proxy/trust.js';
import { BodyTap } from '../record/body-tap.js';
import type { RouteStep } from '../../common/request-record.js';

/** Perlbal's READ_AHEAD_SIZE: stop reading a body nobody consumes past this. */
const READ_AHEAD = 32 * 1024;
/** How long a closing connection may linger to drain the client's unread bytes. */
const CLOSE_LINGER_MS = 2000;

/** Receives a request body. `data` returning false pauses reading until `resumeBody()`. */
export interface BodySink {
  data(chunk: Buffer): boolean;
  end(): void;
}

interface PendingRequest {
  head: RequestHead;
  chunks: Buffer[];
  buffered: number;
  received: number;
  complete: boolean;
  sink: BodySink | null;
  discard: boolean;
  /** The body's first bytes, while the inspector captures bodies. */
  tap: BodyTap | null;
}

export class ClientHTTPBase implements TrackedSocket {
  readonly core: CoreContext;
  readonly socket: Socket;
  readonly fd: number;
  readonly createdAt = nowSeconds();
  readonly peerIp: string;
  readonly peerPort: number;
  readonly localPort: number;
  readonly isTls: boolean;
  /** The service handling the current request (changes on selector hand-off). */
  service: Service;
  /** Set when the connection arrived on a selector (Perlbal selector_svc). */
  selectorSvc: Service | null = null;
  state = 'reading_headers';
  reqHeaders: HttpHeaders | null = null;
  resHeaders: HttpHeaders | null = null;
  /** Per-request URI rewrite (Perlbal replacement_uri), used by index files and plugins. */
  replacementUri: string | null = null;
  /** Requests handled on this connection. */
  requests = 0;
  /** Epoch seconds of the last activity (Perlbal alive_time). */
  aliveTime = nowSeconds();
  /** Close after the current response (graceful shutdown). */
  doDie = false;
  /** Per-request scratch space for plugins (Perlbal $client->{scratch}). */
  scratch: Record<string, unknown> = {};
  /**
   * Wait in the low-priority backend queue (Perlbal ClientProxy set_queue_low, used by
   * AccessControl's queue_low). Read by the reverse proxy only; reset for each request.
   */
  queueLow = false;
  /** Called when the connection closes, for roles holding resources (files, backends). */
  onClose: (() => void) | null = null;
  /** Per-request state of the role handling the request (the proxy's backend, buffers, ...). */
  roleState: { asStringSuffix?(): string; onIdleTimeout?(): boolean } | null = null;
  /**
   * The client address a trusted upstream proxy reported in X-Forwarded-For (Perlbal
   * observed_ip_string), shown by `socks`; null when none was observed.
   */
  observedIp: string | null = null;
  /** Times a blocked write drained (Perlbal's event_write), for `socks`. */
  drains = 0;
  /** The current request's trace, only while someone listens for request records. */
  trace: RequestTrace | null = null;
  /** The service whose listener accepted this connection. */
  readonly listenerService: Service;
  #closed = false;
  #reader: RequestReader | null;
  #queue: PendingRequest[] = [];
  #current: PendingRequest | null = null;
  #parsing: PendingRequest | null = null;
  #sinkBlocked = false;
  #readingPaused = false;
  #noMoreRequests = false;
  /** This response is the last, whatever is queued (a parse error, a backend failure). */
  #forceClose = false;
  /** llhttp is running (its callbacks may close the connection; the parser is freed after). */
  #executing = false;
  /** A request that could not be parsed behind the one in progress; answered after it. */
  #pendingError: RequestError | null = null;
  #drainWaiters: Array<() => void> = [];
  #writeBlocked = false;

  constructor(core: CoreContext, service: Service, socket: Socket, isTls = false) {
    this.core = core;
    this.service = service;
    this.listenerService = service;
    this.socket = socket;
    this.isTls = isTls;
    this.fd = socketFd(socket);
    this.peerIp = stripMappedV4(socket.remoteAddress ?? '');
    this.peerPort = socket.remotePort ?? 0;
    this.localPort = socket.localPort ?? 0;
    this.#reader = new RequestReader({
      onRequest: (head) => this.#onRequest(head),
      onBody: (chunk) => this.#onBody(chunk),
      onMessageComplete: () => this.#onMessageComplete(),
    });
    socket.setNoDelay(true);
    socket.on('data', this.#onData);
    socket.on('drain', this.#onDrain);
    socket.on('error', () => this.close('error'));
    socket.on('close', () => this.close('remote_closure'));
    socket.on('end', () => this.#onEnd());
    core.sockets.add(this);
    core.clients.add(this);
  }

  // ---- TrackedSocket --------------------------------------------------------------------

  get perlbalClass(): string {
    switch (this.service.role) {
      case 'web_server':
        return 'Perlbal::ClientHTTP';
      case 'reverse_proxy':
        return 'Perlbal::ClientProxy';
      default:
        return 'Perlbal::ClientHTTPBase';
    }
  }

  get serviceName(): string {
    return this.service.name;
  }

  get watchMask(): string {
    if (this.socket.destroyed) return '';
    const r = !this.#readingPaused;
    const w = this.socket.writableLength > 0;
    return r && w ? 'RW' : r ? 'R' : w ? 'W' : '';
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Perlbal ClientHTTPBase::as_string; a role's words (ClientProxy's) follow the URL. */
  asString(): string {
    let s = baseAsString(this, `${this.peerIp}:${this.peerPort}`, this.socket.destroyed);
    if (this.localPort) s += `: localport=${this.localPort}`;
    if (this.observedIp !== null) s += `; observed_ip=${this.observedIp}`;
    s += `; reqs=${this.requests}; ${this.state}`;
    const hd = this.reqHeaders;
    if (hd) s += `; http://${hd.header('Host') || 'unknown'}${hd.uri}`;
    s += this.roleState?.asStringSuffix?.() ?? '';
    return s;
  }

  /**
   * Perlbal check_req_headers, run where Perlbal runs it: for each request a selector or a
   * web_server handles (ClientProxy never calls it). A trusted peer's first X-Forwarded-For
   * entry becomes the observed IP, or clears it; an untrusted peer leaves it as it was.
   */
  #checkReqHeaders(): void {
    if (this.service.role === 'reverse_proxy') return;
    if (!isTrusted(this.service, this.peerIp)) return;
    this.observedIp = observedIp(this.reqHeaders?.header('X-Forwarded-For'));
  }

  // ---- reading --------------------------------------------------------------------------

  #onData = (chunk: Buffer): void => {
    this.aliveTime = nowSeconds();
    const reader = this.#reader;
    if (!reader || this.#noMoreRequests) return; // lingering close: discard
    this.#executing = true;
    const err = reader.execute(chunk);
    this.#executing = false;
    if (this.#closed) {
      // Closed from a parser callback (a body sink failing, say): free the parser only now
      // that llhttp has returned; freeing it mid-execute crashes the process.
      reader.close();
      return;
    }
    if (err) return this.#onBadRequest(err);
    this.#pump();
  };

  #onRequest(head: RequestHead): void {
    const p: PendingRequest = {
      head,
      chunks: [],
      buffered: 0,
      received: 0,
      complete: false,
      sink: null,
      discard: false,
      tap: head.contentLength !== 0 && this.core.recordBodyBytes > 0 ? new BodyTap(this.core.recordBodyBytes) : null,
    };
    this.#parsing = p;
    this.#queue.push(p);
    if (head.upgrade) this.#noMoreRequests = true;
  }

  #onBody(chunk: Buffer): void {
    const p = this.#parsing;
    if (!p) return;
    p.received += chunk.length;
    if (p.tap !== null) p.tap.add(chunk);
    if (p.discard) return;
    if (p.sink) {
      if (!p.sink.data(chunk)) {
        this.#sinkBlocked = true;
        this.#updateReading();
      }
      return;
    }
    p.chunks.push(chunk);
    p.buffered += chunk.length;
    if (p.buffered > READ_AHEAD) this.#updateReading();
  }

  #onMessageComplete(): void {
    const p = this.#parsing;
    if (!p) return;
    p.complete = true;
    if (p.sink) p.sink.end();
  }

  /** Start the next queued request if none is in progress. */
  #pump(): void {
    if (this.#current || this.#closed) return this.#updateReading();
    const next = this.#queue.shift();
    if (!next) {
      const err = this.#pendingError;
      this.#pendingError = null;
      if (err) return this.#answerBadRequest(err);
      return this.#updateReading();
    }
    this.#current = next;
    this.reqHeaders = next.head.headers;
    this.resHeaders = null;
    this.requests++;
    this.core.noteRequest();
    this.trace = this.core.recording ? new RequestTrace(this.socket.bytesWritten, this.core.recordBodyBytes) : null;
    this.#updateReading();
    this.#checkReqHeaders();
    // The record shows the head as the client sent it, before anything edits it in place.
    this.trace?.snapshotRequest(next.head.headers);
    this.core.roleHandler(this.service.role).handleRequest(this);
  }

  #updateReading(): void {
    if (this.#closed) return;
    const cur = this.#current;
    const pause =
      this.#queue.length > 0 ||
      this.#sinkBlocked ||
      (cur !== null && cur.sink === null && !cur.discard && cur.buffered > READ_AHEAD);
    if (pause && !this.#readingPaused) {
      this.#readingPaused = true;
      this.socket.pause();
    } else if (!pause && this.#readingPaused) {
      this.#readingPaused = false;
      this.socket.resume();
    }
  }

  #onEnd(): void {
    // The client half-closed. Finish what is in progress, then close.
    this.#noMoreRequests = true;
    const cur = this.#current;
    // A body cut short can never complete: close now, as Perlbal does on EOF mid-body.
    if (!cur || (!cur.complete && cur.head.contentLength !== 0)) this.close('remote_closure');
  }

  /**
   * An unparseable request gets a 400 (or 413/431) and a close; Perlbal closed silently,
   * which left developers guessing (docs/compatibility.md). A request still in progress
   * ahead of it is answered first.
   */
  #onBadRequest(err: RequestError): void {
    this.#noMoreRequests = true;
    this.core.log('debug', `bad request from ${this.peerIp}: ${err.code}`);
    // An error inside a request's own body (a bad chunk size): that request can never
    // complete, and a role waiting for it would time out with a 504 blaming the backend.
    const broken = this.#parsing && !this.#parsing.complete ? this.#parsing : null;
    if (broken && broken === this.#current) {
      this.noteError('PB_ERR_BAD_REQUEST_BODY', err.message);
      if (this.resHeaders !== null) return this.close('bad_request_body');
      return this.sendResponse(err.status, err.message, {
        close: true,
        statusText: statusText(err.status),
      });
    }
    // Not started yet (its head and the bad body came in one read): it is never handed on.
    if (broken) this.#queue = this.#queue.filter((p) => p !== broken);
    if (this.#current || this.#queue.length > 0) {
      // Requests read before the bad one are served first, in order; then the 400.
      this.#pendingError = err;
      return this.#pump();
    }
    this.#answerBadRequest(err);
  }

  /** Whether this connection will answer another request after the current one. */
  #moreToServe(): boolean {
    if (this.#forceClose) return false;
    return this.#queue.length > 0 || this.#pendingError !== null || !this.#noMoreRequests;
  }

  #answerBadRequest(err: RequestError): void {
    this.reqHeaders = null;
    this.sendResponse(err.status, err.message, { close: true, statusText: statusText(err.status) });
  }

  // ---- request body ---------------------------------------------------------------------

  /** The current request's head facts (content length, chunked). */
  get request(): RequestHead | null {
    return this.#current?.head ?? null;
  }

  /** Body bytes received so far for the current request. */
  get bodyReceived(): number {
    return this.#current?.received ?? 0;
  }

  /** Whether the whole current request (body included) has arrived. */
  get requestComplete(): boolean {
    return this.#current?.complete ?? false;
  }

  /** Deliver the current request's body to `sink` (buffered bytes first). */
  readBody(sink: BodySink): void {
    const p = this.#current;
    if (!p) return;
    p.sink = sink;
    const chunks = p.chunks;
    p.chunks = [];
    p.buffered = 0;
    for (const c of chunks) {
      if (!sink.data(c)) this.#sinkBlocked = true;
    }
    if (p.complete) sink.end();
    this.#updateReading();
  }

  /** A sink that returned false is ready for more. */
  resumeBody(): void {
    this.#sinkBlocked = false;
    this.#updateReading();
  }

  /** Drop the current request's body (it is still framed by llhttp, so keep-alive is safe). */
  discardBody(): void {
    const p = this.#current;
    if (!p) return;
    p.discard = true;
    p.chunks = [];
    p.buffered = 0;
    this.#updateReading();
  }

  // ---- writing --------------------------------------------------------------------------

  /** Write bytes; false means the socket buffer is full (wait with `onDrain`). */
  write(data: Buffer | string): boolean {
    if (this.#closed) return false;
    this.aliveTime = nowSeconds();
    const tap = this.trace?.responseTap;
    if (tap) tap.write(data);
    const ok = this.socket.write(data);
    // Bytes the kernel did not take (not bytes held back by cork): their drain is what
    // Perlbal sees as an event_write.
    if (!ok && this.socket.writableCorked === 0) this.#writeBlocked = true;
    return ok;
  }

  /**
   * Write a response head whose body is likely to follow in the same tick (a proxied
   * response): the two leave in one write instead of two. The head's text is latin1, one
   * char per byte as the backend sent it, and goes out as those bytes (UTF-8 would encode a
   * non-ASCII header byte twice).
   */
  writeHead(head: string): void {
    if (this.#closed) return;
    this.socket.cork();
    this.write(Buffer.from(head, 'latin1'));
    process.nextTick(uncork, this.socket);
  }

  /** Run `fn` once the socket buffer has drained. */
  onDrain(fn: () => void): void {
    if (this.socket.writableLength === 0 || this.#closed) return fn();
    this.#drainWaiters.push(fn);
  }

  #onDrain = (): void => {
    this.aliveTime = nowSeconds();
    if (this.#writeBlocked) this.drains++;
    this.#writeBlocked = false;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  };

  /** Bytes written by us but not yet taken by the kernel. */
  get writeBufferSize(): number {
    return this.socket.writableLength;
  }

  /**
   * Perlbal setup_keepalive: decide keep-alive for `res` and set Connection / Keep-Alive.
   * The selector's persist_client governs selector-routed requests; the Keep-Alive timeout
   * is the handling service's. A body we have not fully read forbids keep-alive.
   */
  setupKeepalive(res: HttpHeaders, override?: boolean): void {
    res.setVersion('1.0');
    const svc = this.selectorSvc ?? this.service;
    const persist = override ?? svc.settings.persistClient;
    const req = this.reqHeaders;
    const cur = this.#current;
    const bodyUnread = cur !== null && !cur.complete && cur.head.contentLength !== 0;
    if (persist && req && !bodyUnread && this.#moreToServe() && req.reqKeepAlive(res)) {
      const timeout = this.service.settings.persistClientIdleTimeout;
      res.setHeader('Connection', 'keep-alive');
      res.setHeader('Keep-Alive', timeout ? `timeout=${timeout}, max=100` : undefined);
    } else {
      res.setHeader('Connection', 'close');
      res.setHeader('Keep-Alive', undefined);
    }
  }

  /**
   * Perlbal _simple_response / send_response: a small HTML response. `close` forces
   * `Connection: close` (used where Perlbal would have closed silently).
   */
  sendResponse(code: number, msg?: string, opts: { close?: boolean; statusText?: string } = {}): void {
    const { head, body } = simpleResponse(code, msg, this.service.settings.serverTokens, opts.statusText);
    if (opts.close) {
      this.#noMoreRequests = true;
      this.#forceClose = true;
    }
    this.setupKeepalive(head);
    this.resHeaders = head;
    this.state = 'xfer_resp';
    const isHead = this.reqHeaders?.method === 'HEAD';
    const headStr = head.toString();
    this.write(body && !isHead ? headStr + body : headStr);
    this.responseDone();
  }

  /** Perlbal send_full_response: given headers and body, plus Content-Length, Server, keep-alive. */
  sendFullResponse(code: number, headers: Array<[string, string]>, body: string): void {
    const res = HttpHeaders.newResponse(code);
    for (const [k, v] of headers) res.setHeader(k, v);
    if (code === 204 || code === 304) res.setHeader('Content-Length', undefined);
    else res.setHeader('Content-Length', Buffer.byteLength(body));
    if (this.service.settings.serverTokens) res.setHeader('Server', 'Perlbal');
    this.setupKeepalive(res);
    this.resHeaders = res;
    this.state = 'xfer_resp';
    const isHead = this.reqHeaders?.method === 'HEAD';
    this.write(isHead || code === 204 || code === 304 ? res.toString() : res.toString() + body);
    this.responseDone();
  }

  /**
   * Perlbal http_response_sent: the response is fully written (queued to the socket). Keep
   * the connection for the next request, or close it.
   */
  responseDone(): void {
    if (this.#closed) return;
    this.#emitRecord();
    const res = this.resHeaders;
    const cur = this.#current;
    const keep =
      res !== null &&
      res.resKeepAlive(this.reqHeaders) &&
      !this.doDie &&
      this.#moreToServe() &&
      cur !== null &&
      (cur.complete || cur.head.contentLength === 0);
    if (!keep) {
      const err = this.#pendingError;
      this.#pendingError = null;
      this.#current = null;
      if (err) return this.#answerBadRequest(err);
      return this.#closeAfterWrite();
    }
    if (cur && cur.sink === null) cur.discard = true;
    this.#current = null;
    this.#resetForNextRequest();
    this.#pump();
  }

  #resetForNextRequest(): void {
    this.replacementUri = null;
    this.reqHeaders = null;
    this.resHeaders = null;
    this.scratch = {};
    this.queueLow = false;
    this.roleState = null;
    this.onClose = null;
    this.#sinkBlocked = false;
    this.state = 'persist_wait';
    const sel = this.selectorSvc;
    if (sel && !sel.hooks.run('return_to_base', this)) this.service = sel;
  }

  /** Perlbal adopt_base_client: a selector hands this client to `svc`. */
  adoptBy(svc: Service): void {
    this.service = svc;
    this.#checkReqHeaders();
    this.core.roleHandler(svc.role).handleRequest(this);
  }

  // ---- closing and timeouts -------------------------------------------------------------

  /** End after pending writes flush, discarding what the client still sends for a moment. */
  #closeAfterWrite(): void {
    this.#noMoreRequests = true;
    // Perlbal lists a closing client (socks, states) in its last state until its write
    // buffer has drained and the socket is gone.
    const sock = this.socket;
    const draining = sock.writableLength > 0;
    if (!draining) this.state = 'closed';
    this.#detach(draining);
    sock.end();
    // Every queued byte must reach the kernel before the socket may be destroyed: this
    // response ends with the connection, so a cut body would pass for a whole one. A reader
    // that stops reading altogether is cut after idle_timeout without progress, as Perlbal's
    // idle sweep cuts any client; once all is written, the peer gets CLOSE_LINGER_MS to close.
    const idleMs = this.service.settings.idleTimeout * 1000;
    let left = sock.writableLength;
    let progressAt = Date.now();
    const watch = setInterval(() => {
      if (sock.writableLength < left) {
        left = sock.writableLength;
        progressAt = Date.now();
      } else if (idleMs > 0 && Date.now() - progressAt > idleMs) sock.destroy();
    }, 1000);
    watch.unref();
    let linger: NodeJS.Timeout | undefined;
    sock.once('finish', () => {
      clearInterval(watch);
      linger = setTimeout(() => sock.destroy(), CLOSE_LINGER_MS);
      linger.unref();
    });
    sock.once('close', () => {
      clearInterval(watch);
      clearTimeout(linger);
      this.core.sockets.delete(this);
    });
  }

  /** Close now (Perlbal close($reason)). */
  close(reason = 'close'): void {
    if (this.#closed) {
      this.socket.destroy();
      return;
    }
    this.core.log('debug', `closing client ${this.peerIp}:${this.peerPort}: ${reason}`);
    this.state = 'closed';
    this.#detach();
    this.socket.destroy();
  }

  #detach(keepListed = false): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#current && this.trace) {
      this.trace.tags.push('client-closed');
      this.#emitRecord();
    }
    if (!keepListed) this.core.sockets.delete(this);
    this.core.clients.delete(this);
    if (!this.#executing) this.#reader?.close();
    this.#reader = null;
    this.#queue = [];
    const onClose = this.onClose;
    this.onClose = null;
    if (onClose) onClose();
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  // ---- request records ------------------------------------------------------------------

  /** Note a routing step (selector rule, service, pool, node) for the request record. */
  traceRoute(step: RouteStep): void {
    this.trace?.route.push(step);
  }

  /** Note why the request failed, for the record and the log. */
  noteError(code: string, message: string, syscallCode?: string): void {
    this.core.log('info', `${this.peerIp} ${this.reqHeaders?.method ?? ''} ${this.reqHeaders?.uri ?? ''}: ${message}`);
    const t = this.trace;
    if (!t) return;
    t.error = syscallCode ? { code, message, syscallCode } : { code, message };
    t.tags.push(syscallCode ? `backend-error:${syscallCode}` : `error:${code}`);
  }

  /** Add a label to the request record (`reproxied`, `reproxy-failed`, ...). */
  tagRecord(tag: string): void {
    this.trace?.tags.push(tag);
  }

  #emitRecord(): void {
    const t = this.trace;
    if (!t) return;
    this.trace = null;
    const request = this.#current?.tap?.result();
    const response = t.responseTap?.result();
    this.core.emitRecord(
      t.finish({
        client: `${this.peerIp}:${this.peerPort}`,
        listener: this.listenerService.name,
        service: this.service.name,
        role: this.service.role ?? '',
        request: this.reqHeaders,
        response: this.resHeaders,
        bytesIn: this.#current?.received ?? 0,
        bytesWritten: this.socket.bytesWritten,
      }),
      request || response ? { request, response } : undefined,
    );
  }

  /** Perlbal max_idle_time: persist_client_idle_timeout while waiting, else idle_timeout. */
  maxIdleTime(): number {
    const s = this.service.settings;
    return this.state === 'persist_wait' ? s.persistClientIdleTimeout : s.idleTimeout;
  }

  /** Called by the core's sweep; closes with no response, as Perlbal does. */
  checkIdle(now: number): void {
    // A head dripped a byte at a time never looks idle; it gets idle_timeout in all, then a
    // 408 (a deliberate difference: Perlbal waited for as long as bytes kept coming).
    const headStart = this.#reader?.headStartedAt ?? null;
    const headLimit = this.service.settings.idleTimeout;
    const headAge = headStart === null ? 0 : now - headStart;
    if (!this.#current && headLimit > 0 && headAge > headLimit) {
      this.core.log('debug', `request head from ${this.peerIp} incomplete after ${headLimit}s`);
      this.#noMoreRequests = true;
      return this.sendResponse(408, 'The request head did not arrive in time', { close: true });
    }
    const limit = this.maxIdleTime();
    if (limit <= 0 || now - this.aliveTime <= limit) return;
    // A role may answer instead of closing (the proxy's 504 while waiting for a backend).
    if (this.roleState?.onIdleTimeout?.()) return;
    this.close('perlbal_timeout');
  }

  /** Graceful shutdown: idle keep-alive connections close now, busy ones after their response. */
  dieGracefully(): void {
    if (this.state === 'persist_wait' && !this.#current) return this.close('graceful_shutdown');
    this.doDie = true;
  }
}

function uncork(sock: Socket): void {
  sock.uncork();
}

/** `::ffff:127.0.0.1` -> `127.0.0.1` (dual-stack listeners report IPv4 peers this way). */
function stripMappedV4(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
