/**
 * A request body on its way through a reverse proxy (Perlbal ClientProxy::event_read,
 * start_buffering_request, decide_to_buffer_to_disk, send_buffered_upload,
 * handle_chunked_upload): held in memory until a backend is ready, or spooled to disk first,
 * then written to the backend with its flow control. Only requests with a body create one.
 */
import type { BodySink, ClientHTTPBase } from '../../client/client-http-base.js';
import type { BackendHTTP } from '../../proxy/backend-http.js';
import type { Service } from '../../service/service.js';
import {
  debugBufferedUploads,
  rateOrTimeReason,
  sizeReason,
  type SpoolReason,
} from './buffer-decision.js';
import { spoolDir, UploadSpool } from './upload-spool.js';
import type { UploadProgress } from './upload-tracking.js';

/** Perlbal's READ_AHEAD_SIZE: body bytes held per client while no backend is ready. */
const READ_AHEAD = 32 * 1024;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * Chunked bodies without buffer_uploads. Perlbal 1.80 sends the chunked head to the backend
 * and then fails with 400 "Can't pipeline to HTTP/1.0". Here the de-chunked body is collected
 * (in memory up to CHUNKED_IN_MEMORY bytes; past that the whole body moves to a spool file in
 * buffer_uploads_path, or the OS temp dir when it is unset), limited by
 * max_chunked_request_size (413 beyond it), and sent, once complete, with
 * `Content-Length: <decoded length>` appended and Transfer-Encoding and Expect removed: the
 * same request the backend would get with buffer_uploads on.
 */
export const CHUNKED_IN_MEMORY = 4 * 1024 * 1024;

/** The request a body belongs to (ProxyRequest). */
export interface BodyOwner {
  readonly client: ClientHTTPBase;
  readonly svc: Service;
  /** The body is ready (or far enough along) for a backend. */
  requestBackend(): void;
  /** The body was refused (413, 500); the client has its answer and the request is over. */
  bodyFailed(): void;
}

export class RequestBody implements BodySink {
  readonly #owner: BodyOwner;
  readonly #client: ClientHTTPBase;
  readonly #svc: Service;
  readonly #chunked: boolean;
  /** The declared Content-Length (not used for chunked bodies). */
  readonly #declared: number;
  readonly #progress: UploadProgress | null;
  #received = 0;
  #ended = false;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Collecting buffer_backend_connect bytes before deciding (Perlbal is_buffering). */
  #buffering = false;
  /** When buffering started, if buffer_uploads may still choose the disk by rate or time. */
  #startedAt: number | null = null;
  #spool: UploadSpool | null = null;
  /** The backend the rest of the body streams to, once its head has been sent. */
  #target: BackendHTTP | null = null;
  #delivered = false;
  #dead = false;

  constructor(owner: BodyOwner, progress: UploadProgress | null) {
    this.#owner = owner;
    this.#client = owner.client;
    this.#svc = owner.svc;
    const head = owner.client.request!;
    this.#chunked = head.chunked;
    this.#declared = head.chunked ? -1 : head.contentLength;
    this.#progress = progress;
  }

  /** Every body byte has been handed to the backend. */
  get delivered(): boolean {
    return this.#delivered;
  }

  /** Declared bytes still to come from the client (Perlbal content_length_remain). */
  get remaining(): number | null {
    return this.#chunked ? null : this.#declared - this.#received;
  }

  /** Decide where the body goes, then start reading it (bytes may arrive at once). */
  start(): void {
    this.#sendContinue();
    if (this.#chunked) this.#startChunked();
    else this.#startSized();
    if (!this.#dead) this.#client.readBody(this);
  }

  /**
   * `Expect: 100-continue`. Perlbal answers it only for chunked uploads (always); here a body
   * that hasn't started arriving gets it too, since clients otherwise stall for a second. Sent
   * once, before anything else is written for this request. HTTP/1.0 clients get none for a
   * Content-Length body (RFC 9110 10.1.1).
   */
  #sendContinue(): void {
    const req = this.#client.reqHeaders!;
    if (!/\b100-continue\b/i.test(req.header('Expect') ?? '')) return;
    if (this.#chunked) {
      // Answered here, so the backend (spoken to with a Content-Length) never sees it.
      req.setHeader('Expect', undefined);
      return this.#writeContinue();
    }
    if (req.versionNumber < 1001 || this.#client.bodyReceived > 0 || this.#client.requestComplete)
      return;
    this.#writeContinue();
  }

  #writeContinue(): void {
    const trace = this.#client.trace;
    if (trace) trace.interimHeadBytes += CONTINUE.length;
    this.#client.write(CONTINUE);
  }

  /** Perlbal handle_request: no buffering at buffer_backend_connect 0, else start_buffering_request. */
  #startSized(): void {
    const svc = this.#svc;
    if (svc.num('buffer_backend_connect') <= 0) return this.#owner.requestBackend();
    this.#buffering = true;
    this.#client.state = 'buffering_request';
    if (!svc.bool('buffer_uploads')) return;
    if (sizeReason(svc, this.#declared)) {
      this.#spoolFor('size');
      return;
    }
    this.#startedAt = performance.now();
  }

  /** Perlbal handle_chunked_upload (to disk with buffer_uploads; see CHUNKED_IN_MEMORY without). */
  #startChunked(): void {
    this.#client.reqHeaders!.setHeader('Transfer-Encoding', undefined);
    if (this.#svc.bool('buffer_uploads')) this.#spoolFor('chunked');
    else this.#client.state = 'buffering_request';
  }

  // ---- BodySink -------------------------------------------------------------------------

  data(chunk: Buffer): boolean {
    if (this.#dead) return true;
    this.#received += chunk.length;
    this.#progress?.received(this.#received);
    if (this.#chunked && this.#tooLarge()) return false;
    if (this.#target) return this.#writeThrough(this.#target, chunk);
    if (this.#spool) return this.#spool.write(chunk);
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#chunked) return this.#pendingBytes <= CHUNKED_IN_MEMORY || this.#spoolFor('chunked');
    if (this.#buffering) {
      if (this.#pendingBytes < this.#svc.num('buffer_backend_connect')) return true;
      return this.#bufferFilled();
    }
    return this.#pendingBytes < READ_AHEAD;
  }

  end(): void {
    this.#ended = true;
    if (this.#dead) return;
    if (this.#spool) return this.#finishSpool();
    if (this.#chunked) {
      this.#client.reqHeaders!.setHeader('Content-Length', this.#received);
      return this.#requestBackend();
    }
    if (this.#buffering) {
      this.#bufferFilled();
      return;
    }
    if (this.#target) this.#delivered = true;
  }

  /**
   * data() and end() run inside llhttp's callbacks, where the connection must not be closed
   * (closing frees the parser under its own feet). Asking for a backend can end in an error
   * page and a close at once (an empty pool), so it waits for the parser to return.
   */
  #requestBackend(): void {
    queueMicrotask(() => {
      if (!this.#dead) this.#owner.requestBackend();
    });
  }

  #writeThrough(be: BackendHTTP, chunk: Buffer): boolean {
    if (be.writeBody(chunk)) return true;
    be.onceDrained(() => this.#client.resumeBody());
    return false;
  }

  /** max_chunked_request_size: Perlbal purges and closes without a word; we answer 413. */
  #tooLarge(): boolean {
    const max = this.#svc.settings.maxChunkedRequestSize;
    if (max <= 0 || this.#received <= max) return false;
    this.#fail(
      413,
      'PB_ERR_REQUEST_TOO_LARGE',
      `The request body is larger than max_chunked_request_size (${max} bytes).`,
    );
    return true;
  }

  /**
   * buffer_backend_connect bytes (or the whole body) are in memory: with buffer_uploads the
   * rate and time thresholds may still send it to disk; otherwise a backend is asked for,
   * unless a proxy_read_request hook takes the request over. Returns whether to keep reading.
   */
  #bufferFilled(): boolean {
    const svc = this.#svc;
    this.#buffering = false;
    if (this.#startedAt !== null) {
      const elapsed = (performance.now() - this.#startedAt) / 1000;
      const reason = rateOrTimeReason(
        svc,
        this.#pendingBytes,
        elapsed,
        this.#declared - this.#received,
      );
      if (reason) return this.#spoolFor(reason);
    }
    if (!svc.hooks.run('proxy_read_request', this.#client)) this.#requestBackend();
    return this.#pendingBytes < Math.max(svc.num('buffer_backend_connect'), READ_AHEAD);
  }

  // ---- disk spooling --------------------------------------------------------------------

  /** Move the body to a spool file (what is in memory first). Returns whether to keep reading. */
  #spoolFor(reason: SpoolReason): boolean {
    const client = this.#client;
    const svc = this.#svc;
    this.#buffering = false;
    client.state = 'buffering_upload';
    client.tagRecord(`upload-spooled:${reason}`);
    if (debugBufferedUploads())
      client.reqHeaders!.setHeader('X-PERLBAL-BUFFERED-UPLOAD-REASON', reason);
    const stem = `${svc.name}-${svc.str('listen') ?? ''}-client-${client.fd}`;
    const spool = new UploadSpool(spoolDir(client), stem, {
      resume: () => client.resumeBody(),
      failed: (message) => this.#spoolFailed(message),
    });
    this.#spool = spool;
    let more = true;
    for (const c of this.#pending) more = spool.write(c);
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#ended) this.#finishSpool();
    return more;
  }

  /** Perlbal send_buffered_upload: all on disk; check the length, then ask for a backend. */
  #finishSpool(): void {
    this.#spool!.finish((written) => {
      if (this.#dead) return;
      const expected = this.#chunked ? this.#received : this.#declared;
      if (this.#chunked) this.#client.reqHeaders!.setHeader('Content-Length', this.#received);
      if (written !== expected) {
        const why = `Content length of ${expected} declared but ${written} bytes written to disk`;
        this.#client.core.log('crit', why);
        return this.#fail(500, 'PB_ERR_UPLOAD_SPOOL', why);
      }
      this.#requestBackend();
    });
  }

  #spoolFailed(message: string): void {
    if (this.#dead) return;
    this.#client.core.log('crit', message);
    // Once the backend has part of the body, no answer can be given: close, as Perlbal does.
    if (this.#target) return this.#client.close('buffered_upload_error');
    this.#fail(500, 'PB_ERR_UPLOAD_SPOOL', message);
  }

  // ---- the backend ----------------------------------------------------------------------

  /** The backend has the request head: send what we hold, then let the rest stream through. */
  attach(be: BackendHTTP): void {
    if (this.#dead) return;
    this.#target = be;
    const spool = this.#spool;
    if (spool) {
      spool.sendTo(be, () => {
        this.#delivered = true;
        spool.purge();
      });
      return;
    }
    const chunks = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    let full = false;
    for (const c of chunks) full = !be.writeBody(c) || full;
    if (this.#ended) {
      this.#delivered = true;
      return;
    }
    // Reading may have paused while the body waited for a backend: go on once there is room.
    if (full) be.onceDrained(() => this.#client.resumeBody());
    else this.#client.resumeBody();
  }

  /** The request is over, however it ended: drop what is held and remove any spool file. */
  release(): void {
    this.#dead = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#spool?.purge();
  }

  /**
   * Refuse the body: drop it now, answer once out of the parser's callback (see
   * #requestBackend). A 413 closes the connection (Perlbal closes there too); a 500 after the
   * whole body was read leaves it to keep-alive.
   */
  #fail(status: 413 | 500, code: string, message: string): void {
    this.release();
    this.#owner.bodyFailed();
    const close = status === 413 || !this.#ended;
    queueMicrotask(() => {
      const client = this.#client;
      if (client.closed) return;
      client.noteError(code, message);
      client.sendResponse(status, message, {
        close,
        ...(status === 413 ? { statusText: 'Content Too Large' } : {}),
      });
    });
  }
}
