/**
 * One request through a reverse_proxy service (the per-request half of Perlbal::ClientProxy):
 * wait for a backend, send it the rewritten request and the body, relay the response with
 * flow control, retry a 500 when told to, and turn every backend failure into a clear answer.
 */
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import type { HttpHeaders } from '../../http/http-headers.js';
import type { BackendHTTP, BackendClient } from '../../proxy/backend-http.js';
import type { BackendManager, WaitingClient } from '../../proxy/backend-manager.js';
import { applyHeaderRules, rewriteForBackend } from '../../proxy/backend-request.js';
import { describeSocketError, sendBackendFailure, type BackendFailure } from '../../proxy/proxy-errors.js';
import type { Service } from '../../service/service.js';
import { nowSeconds } from '../../util/clock.js';
import { handleReproxyHeaders } from './reproxy-dispatch.js';
import { satisfyFromCache } from './reproxy-cache.js';
import type { ReproxyManager } from '../../proxy/reproxy-manager.js';
import { RequestBody, type BodyOwner } from './request-body.js';
import { answerUploadStatus, isUploadStatusRequest, uploadSession, UploadProgress } from './upload-tracking.js';

/** A reproxy fetch in progress, as the request sees it. */
interface ReproxyFetch {
  abort(): void;
  readonly currentUrl: string | null;
  /** `ip:port` of the target connection in use, if any (shown by `socks` as the backend). */
  readonly backendIpport?: string | null;
  /** A target has the request and its answer is not yet accepted (Perlbal currently_reproxying). */
  readonly reproxying?: boolean;
}

export class ProxyRequest implements WaitingClient, BackendClient, BodyOwner {
  readonly client: ClientHTTPBase;
  readonly svc: Service;
  readonly mgr: BackendManager;
  backend: BackendHTTP | null = null;
  highPriority = false;
  lowPriority = false;
  readonly lastRequestTime = nowSeconds();
  /** The response head has been sent to the client. */
  responded = false;
  #backendRequested = false;
  #hasBody: boolean;
  /** The request body's buffering, spooling and sending; only requests with a body have one. */
  #body: RequestBody | null = null;
  #retryCount = 0;
  #finished = false;
  /** For `socks`: the client's drain count when this request began, and the backend's end. */
  readonly #drainsAtStart: number;
  #backendDone = false;

  constructor(client: ClientHTTPBase, svc: Service, mgr: BackendManager) {
    this.client = client;
    this.svc = svc;
    this.mgr = mgr;
    const req = client.request;
    this.#hasBody = req !== null && req.contentLength !== 0;
    // A start_http_request hook (AccessControl's queue_low) may already have asked for it.
    this.lowPriority = client.queueLow;
    this.#drainsAtStart = client.drains;
  }

  get closed(): boolean {
    return this.client.closed || this.#finished;
  }

  get fd(): number {
    return this.client.fd;
  }

  /** Extra words for `socks`, after ClientHTTPBase's (Perlbal ClientProxy as_string). */
  asStringSuffix(): string {
    // Perlbal points the client's backend at the reproxy target while it fetches from it.
    const backend = this.backend?.ipport ?? this.#reproxy?.backendIpport ?? null;
    const writeBuf = this.client.writeBufferSize;
    let s = backend !== null ? `; backend=${backend}` : writeBuf > 0 ? `; write_buf_size=${writeBuf}` : '';
    if (this.highPriority) s += '; highpri';
    if (this.lowPriority) s += '; lowpri';
    // Perlbal's flag is set by the client's first write event or the backend finishing with
    // the client's buffer written, not when the head goes out.
    const drained = this.client.drains > this.#drainsAtStart;
    if (drained || (this.#backendDone && writeBuf === 0)) s += '; responded';
    // Perlbal's content_length_remain: shown for a declared length (chunked bodies have none).
    const body = this.#body;
    const remain = body ? body.remaining : this.client.reqHeaders?.header('Content-Length') !== undefined ? 0 : null;
    if (remain !== null) s += `; waiting_for=${remain}`;
    if (this.#reproxy?.reproxying) s += '; reproxying';
    return s;
  }

  /**
   * Perlbal handle_request from the upload tracking on: answer `/__upload_status` here, or
   * read the body (buffered in memory or on disk as configured), or ask for a backend now.
   */
  start(): void {
    const uri = this.client.reqHeaders!.uri ?? '';
    const session = uploadSession(this.svc, uri);
    if (session !== null && isUploadStatusRequest(uri)) {
      this.#finished = true;
      this.client.tagRecord('upload-status');
      this.svc.hooks.runAll('end_proxy_request', this.client);
      return answerUploadStatus(this.client, session);
    }
    if (!this.#hasBody) {
      if (satisfyFromCache(this)) return;
      return this.requestBackend();
    }
    const length = this.client.request!.contentLength;
    const progress = session !== null && length > 0 ? new UploadProgress(this.svc, session, length, this.lastRequestTime) : null;
    this.#body = new RequestBody(this, progress);
    this.#body.start();
  }

  /** BodyOwner: the body was refused and answered (413, 500); nothing more happens here. */
  bodyFailed(): void {
    this.#finished = true;
    this.mgr.forgetClient(this);
  }

  // ---- getting a backend ----------------------------------------------------------------

  /** Perlbal request_backend: join the service's queue (once per attempt). */
  requestBackend(): void {
    if (this.#backendRequested || this.closed) return;
    this.#backendRequested = true;
    this.client.state = 'wait_backend';
    this.client.trace?.mark('backendRequested');
    this.#decidePriority();
    this.mgr.requestBackend(this);
  }

  /** Perlbal's priority rules: high_priority_cookie, then the make_high/low_priority hooks. */
  #decidePriority(): void {
    const cookieName = this.svc.str('high_priority_cookie');
    let hi = this.highPriority;
    if (cookieName) {
      const cookies = parseCookies(this.client.reqHeaders?.header('Cookie') ?? '');
      // Perl's index($x, undef) is 0: with no _contents every request is high priority.
      hi = (cookies.get(cookieName) ?? '').includes(this.svc.str('high_priority_cookie_contents') ?? '');
    }
    if (!hi) hi = this.svc.hooks.run('make_high_priority', this.client);
    let lo = this.lowPriority;
    if (!hi && !lo) lo = this.svc.hooks.run('make_low_priority', this.client);
    this.highPriority = hi;
    this.lowPriority = lo;
  }

  /** WaitingClient: a backend is ours; send the request (Perlbal assign_client). */
  takeBackend(be: BackendHTTP, reused: boolean): boolean {
    if (this.closed) return false;
    const req = this.client.reqHeaders!;
    this.backend = be;
    be.pool?.markNodeUsed(be.ipport);
    const hds = rewriteForBackend(this.svc, req, this.client.peerIp);
    this.client.state = 'backend_req_sent';
    this.#traceBackend(be, reused);
    // As in Perlbal, the hooks see (and may amend, like Queues) the backend's request headers.
    be.reqHeaders = hds;
    if (this.svc.hooks.run('backend_client_assigned', be, this.client)) return true;
    applyHeaderRules(this.svc, hds);
    be.assign(this, hds, hds.toString());
    if (this.client.trace) {
      this.client.trace.backendRequestHeaders = hds.entries();
      this.client.trace.mark('requestSent');
    }
    this.client.state = 'wait_res';
    this.#body?.attach(be);
    return true;
  }

  #traceBackend(be: BackendHTTP, reused: boolean): void {
    const t = this.client.trace;
    if (!t) return;
    t.mark('backendAssigned');
    t.pool = be.pool?.name ?? '';
    t.node = be.ipport;
    t.backendConnection = reused ? 'reused' : 'new';
    if (!reused && be.connectedAt !== null) {
      t.marks.connectStart = t.now() - (performance.now() - be.connectStartedAt);
      t.marks.connectEnd = t.now() - (performance.now() - be.connectedAt);
    }
    t.route.push({ kind: 'pool', name: t.pool }, { kind: 'node', name: be.ipport, detail: reused ? 'connection reused' : 'new connection' });
  }

  /** WaitingClient: nothing can serve this request. */
  failBackend(f: BackendFailure): void {
    if (this.closed || this.responded) return;
    this.#finished = true;
    this.#body?.release();
    sendBackendFailure(this.client, f);
  }

  // ---- the response (BackendClient) -----------------------------------------------------

  onBackendResponse(be: BackendHTTP, head: HttpHeaders): void {
    const client = this.client;
    client.trace?.mark('firstByte');
    if (client.trace) client.trace.backendResponseHeaders = head.entries();
    if (this.svc.hooks.run('backend_response_received', be)) return;
    // A backend that answers before it has our whole body must not be reused: it would read
    // what is left of the body, or the next request, out of step. BackendHTTP consults the
    // head's Connection when the response ends; the client's copy gets its own below.
    if (this.#body && !this.#body.delivered) head.setHeader('Connection', 'close');
    if (this.svc.bool('enable_reproxy') && handleReproxyHeaders(this, be, head)) return;
    if (head.code === 500 && /^(?:GET|HEAD)$/.test(client.reqHeaders?.method ?? '') && this.#shouldRetry()) {
      be.abandon('retry_after_500');
      return this.#retryAfter500();
    }
    const res = head.clone();
    client.setupKeepalive(res);
    // Set before the hook, as Perlbal does: plugins (FlvStreaming) edit client.resHeaders.
    client.resHeaders = res;
    this.svc.hooks.run('modify_response_headers', be, client);
    client.state = 'xfer_res';
    this.responded = true;
    client.writeHead(res.toString());
    this.svc.hooks.run('prepend_body', be, client);
  }

  onBackendData(be: BackendHTTP, chunk: Buffer): boolean {
    const client = this.client;
    client.write(chunk);
    if (client.writeBufferSize <= this.svc.num('buffer_size', 262144)) return true;
    client.onDrain(() => be.resumeReading());
    return false;
  }

  onBackendDone(_be: BackendHTTP): void {
    this.backend = null;
    this.#backendDone = true;
    // Perlbal ClientProxy::backend(undef): an answer that ended with the backend's close
    // leaves the client draining_res until its buffer is written.
    if (this.responded && this.client.resHeaders?.header('Content-Length') === undefined) {
      this.client.state = 'draining_res';
    }
    this.#body?.release();
    if (this.#finished || !this.responded) return;
    this.#finished = true;
    this.svc.hooks.runAll('end_proxy_request', this.client);
    this.client.responseDone();
  }

  /**
   * The backend failed while serving us. Before the response started the client gets a 502
   * saying why (Perlbal closed silently); after, all we can do is close, so that a cut-short
   * body is never taken for a complete one.
   */
  onBackendError(be: BackendHTTP, cause: string, detail: string): void {
    this.backend = null;
    this.#body?.release();
    if (this.#finished) return;
    this.#finished = true;
    if (this.responded) {
      this.client.noteError('PB_ERR_BACKEND_CONNECT', `backend ${be.ipport} failed mid-response: ${detail}`, cause);
      return this.client.close('backend_error');
    }
    const message =
      cause === 'EBADRESPONSE' ? detail : `backend ${be.ipport} failed before answering: ${describeSocketError(cause)}`;
    sendBackendFailure(this.client, { status: 502, code: 'PB_ERR_BACKEND_CONNECT', message, node: be.ipport, syscallCode: cause });
  }

  // ---- 500 retries (enable_error_retries) -----------------------------------------------

  /**
   * The entries between commas as Perl's split gives them: trailing empty ones are dropped,
   * so `0,1,` is two retries, as in Perlbal (a leading empty one is an immediate retry).
   */
  #schedule(): string[] {
    const sched = (this.svc.str('error_retry_schedule') ?? '').split(/\s*,\s*/);
    while (sched.length > 0 && sched[sched.length - 1] === '') sched.pop();
    return sched;
  }

  #shouldRetry(): boolean {
    if (!this.svc.bool('enable_error_retries')) return false;
    return ++this.#retryCount <= this.#schedule().length;
  }

  #retryAfter500(): void {
    this.backend = null;
    this.#backendRequested = false;
    // Perl's numeric value of the entry: leading digits count (`1s` is 1), anything else is 0.
    const delay = parseFloat(this.#schedule()[this.#retryCount - 1] ?? '') || 0;
    if (delay <= 0) return this.requestBackend();
    const t = setTimeout(() => this.requestBackend(), delay * 1000);
    t.unref();
  }

  // ---- endings --------------------------------------------------------------------------

  /** The client connection closed (Perlbal ClientProxy::close). */
  onClientClose(): void {
    const wasFinished = this.#finished;
    this.#finished = true;
    if (!wasFinished) this.svc.hooks.runAll('end_proxy_request', this.client);
    this.#body?.release();
    const be = this.backend;
    this.backend = null;
    if (be) be.abandon('proxied_from_client_close');
    else this.mgr.forgetClient(this);
    this.#reproxy?.abort();
    this.#reproxy = null;
  }

  /**
   * The client's idle timeout ran out. While waiting for a backend, that is a gateway timeout:
   * answer 504 instead of Perlbal's silent close. Returns false to let the connection close.
   */
  onIdleTimeout(): boolean {
    if (this.responded || this.#finished) return false;
    const idle = this.client.maxIdleTime();
    const node = this.backend?.ipport;
    const url = this.#reproxy?.currentUrl;
    const what = url
      ? `reproxy target ${url} did not answer within ${idle} s (idle_timeout)`
      : node
        ? `backend ${node} did not answer within ${idle} s (idle_timeout)`
        : `no backend became available within ${idle} s (idle_timeout)`;
    this.#reproxy?.abort();
    this.#reproxy = null;
    this.#finished = true;
    this.#body?.release();
    const be = this.backend;
    this.backend = null;
    if (be) be.abandon('client_timeout');
    else this.mgr.forgetClient(this);
    sendBackendFailure(this.client, { status: 504, code: 'PB_ERR_BACKEND_TIMEOUT', message: what, ...(node ? { node } : {}) });
    return true;
  }

  /** Taken over by another service (X-REPROXY-SERVICE): this request is done here. */
  handOff(): void {
    this.#finished = true;
    this.backend = null;
    this.#body?.release();
  }

  // ---- reproxying -----------------------------------------------------------------------

  #reproxy: ReproxyFetch | null = null;

  get reproxyManager(): ReproxyManager {
    return this.client.core.reproxy;
  }

  /** The backend's answer is replaced by a file or URL fetch (X-REPROXY-FILE / -URL). */
  beginReproxy(fetch: ReproxyFetch | null): void {
    this.backend = null;
    this.#reproxy = fetch;
  }

  /** A reproxied answer was sent completely. */
  finishReproxy(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#reproxy = null;
    this.#body?.release();
    this.svc.hooks.runAll('end_proxy_request', this.client);
    this.client.responseDone();
  }
}

/** Perlbal's cookie split for high_priority_cookie: `;\s+` separated, URL-decoded name=value. */
function parseCookies(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const piece of header.split(/;\s+/)) {
    const m = /^(.*)=(.*)$/.exec(piece);
    if (m) out.set(durl(m[1]!), durl(m[2]!));
  }
  return out;
}

function durl(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
