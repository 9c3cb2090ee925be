/**
 * X-REPROXY-URL (Perlbal ClientProxy start_reproxy_uri, use_reproxy_backend and
 * backend_response_received): fetch the answer from the listed URLs in order, invisibly to
 * the user. A target is used if it answers 2xx or 416 (and matches X-REPROXY-EXPECTED-SIZE);
 * otherwise the next URL is tried, and when none is left the client gets Perlbal's 503. The
 * client receives the primary (application backend) headers with the target's length and
 * range headers. Every URL tried, and why it fell through, goes into the request record.
 * A chunked answer is de-chunked and sent close-delimited (Perlbal relayed the chunk framing as
 * the body); a target that breaks off mid-body resets the client connection.
 */
import type { Socket } from 'node:net';
import type { ReproxyHop } from '../../../common/request-record.js';
import { HttpHeaders } from '../../http/http-headers.js';
import type { BackendClient, BackendHTTP } from '../../proxy/backend-http.js';
import { describeSocketError } from '../../proxy/proxy-errors.js';
import type { ReproxyWaiter } from '../../proxy/reproxy-manager.js';
import type { ProxyRequest } from './proxy-request.js';
import { ChunkedBody, isChunked } from './reproxy-chunked.js';
import { failHop, recordHop } from './reproxy-hop.js';

interface Target {
  host: string;
  port: number;
  path: string;
  url: string;
  /** Set for an entry Perlbal drops (not `http://`): recorded as a failed hop, never fetched. */
  invalid?: string;
}

const URL_RULE = /^http:\/\/(.+?)(?::(\d+))?(\/.*)?$/;

/**
 * Perlbal's URL rule: `^http://(.+?)(?::(\d+))?(/.*)?$`. Perlbal silently drops anything else;
 * we keep such entries in place, marked invalid, so the record shows them in order.
 */
export function parseReproxyUrls(value: string): Target[] {
  const out: Target[] = [];
  for (const url of value.split(/\s+/)) {
    if (url === '') continue;
    const m = URL_RULE.exec(url);
    if (m) out.push({ host: m[1]!, port: Number(m[2] ?? 80) || 80, path: m[3] ?? '/', url });
    else out.push({ host: '', port: 0, path: '', url, invalid: 'not an http:// URL (Perlbal skips it)' });
  }
  return out;
}

export class ReproxyUrlFetch implements BackendClient, ReproxyWaiter {
  readonly #pr: ProxyRequest;
  readonly #primary: HttpHeaders;
  readonly #targets: Target[];
  readonly #expected: number | null;
  #current: Target | null = null;
  #backend: BackendHTTP | null = null;
  #done = false;
  /** The hop being served from, amended if the target breaks off mid-body. */
  #usedHop: ReproxyHop | null = null;
  /** Set while relaying a chunked answer. */
  #chunked: ChunkedBody | null = null;

  constructor(pr: ProxyRequest, primary: HttpHeaders, targets: Target[]) {
    this.#pr = pr;
    this.#primary = primary;
    this.#targets = [...targets];
    const exp = primary.header('X-REPROXY-EXPECTED-SIZE');
    this.#expected = exp !== undefined && exp !== '' ? Number(exp) : null;
  }

  get closed(): boolean {
    return this.#done || this.#pr.client.closed;
  }

  get fd(): number {
    return this.#pr.client.fd;
  }

  /** Try the next URL, or answer 503 when there is none (Perlbal start_reproxy_uri). */
  next(): void {
    if (this.closed) return;
    let t = this.#targets.shift();
    const client = this.#pr.client;
    while (t?.invalid) {
      recordHop(client, { target: t.url, kind: 'url', outcome: 'failed', reason: t.invalid });
      t = this.#targets.shift();
    }
    if (!t) {
      this.#done = true;
      client.noteError('PB_ERR_REPROXY_EXHAUSTED', 'every X-REPROXY-URL failed');
      client.tagRecord('reproxy-failed');
      return client.sendResponse(503);
    }
    this.#current = t;
    client.state = 'wait_backend';
    this.#pr.reproxyManager.enqueue(`${t.host}:${t.port}`, this);
  }

  /** The client left: drop the fetch and its connection. */
  abort(): void {
    this.#done = true;
    this.#chunked?.close();
    const be = this.#backend;
    this.#backend = null;
    if (be) be.abandon('lost_client');
    else if (this.#current) this.#pr.reproxyManager.dequeue(`${this.#current.host}:${this.#current.port}`, this);
  }

  /** The target connection in use (for `socks`). */
  get backendIpport(): string | null {
    return this.#backend?.ipport ?? null;
  }

  /** A target has our request and its answer is not accepted yet (Perlbal currently_reproxying). */
  get reproxying(): boolean {
    return this.#backend !== null && !this.#pr.responded;
  }

  /** Which URL is being fetched (for timeouts and the log). */
  get currentUrl(): string | null {
    return this.#current?.url ?? null;
  }

  #hop(outcome: ReproxyHop['outcome'], reason?: string, status?: number): ReproxyHop | null {
    if (!this.#current) return null;
    const hop: ReproxyHop = { target: this.#current.url, kind: 'url', outcome };
    if (reason) hop.reason = reason;
    if (status !== undefined) hop.status = status;
    return recordHop(this.#pr.client, hop);
  }

  targetFailed(cause: string): void {
    this.#hop('failed', describeSocketError(cause));
    this.next();
  }

  /** Perlbal use_reproxy_backend: ask the target for the path (GET or HEAD). */
  useBackend(be: BackendHTTP): void {
    const client = this.#pr.client;
    const t = this.#current!;
    const req = client.reqHeaders!;
    this.#backend = be;
    const method = req.method === 'HEAD' ? 'HEAD' : 'GET';
    let extra = '';
    const range = req.header('Range');
    if (range) extra += `Range: ${range}\r\n`;
    // The client's Host, not the URL's: Perlbal's rule, relied on by LiveJournal's storage.
    const host = req.header('Host');
    if (host) extra += `Host: ${host}\r\n`;
    const head = HttpHeaders.request(method, t.path, 1, 0, ['Connection', 'keep-alive']);
    client.state = 'backend_req_sent';
    be.assign(this, head, `${method} ${t.path} HTTP/1.0\r\nConnection: keep-alive\r\n${extra}\r\n`);
  }

  /** Perlbal backend_response_received: only 2xx or 416 of the expected size is used. */
  onBackendResponse(be: BackendHTTP, head: HttpHeaders): void {
    const code = head.code;
    const badCode = !((code >= 200 && code <= 299) || code === 416);
    const cl = head.header('Content-Length');
    const badSize = this.#expected !== null && Number(cl) !== this.#expected;
    const why = badCode
      ? `status ${code}`
      : badSize
        ? `size ${cl ?? 'unknown'} is not the expected ${this.#expected}`
        : unknownCoding(head);
    if (why) {
      this.#backend = null;
      be.abandon('non_200_reproxy');
      this.#hop('failed', why, code);
      return this.next();
    }
    if (this.#pr.svc.hooks.run('reproxy_response_received', be)) return;
    this.#usedHop = this.#hop('used', undefined, code);
    // HEAD and 204 answers have no body to decode (BackendHTTP ends them at the head).
    const bodiless = be.reqHeaders?.method === 'HEAD' || code === 204;
    if (!bodiless && isChunked(head.header('Transfer-Encoding'))) this.#chunked = new ChunkedBody();
    this.#relayHead(head);
  }

  /** The client gets the primary headers, with the target's length and range headers. */
  #relayHead(target: HttpHeaders): void {
    const client = this.#pr.client;
    const res = this.#primary.clone();
    res.setHeader('Content-Length', target.header('Content-Length'));
    for (const h of ['X-REPROXY-FILE', 'X-REPROXY-URL', 'X-REPROXY-EXPECTED-SIZE', 'X-REPROXY-CACHE-FOR']) {
      res.setHeader(h, undefined);
    }
    if (target.code === 206 || target.code === 416) {
      res.setCode(target.code);
      const ar = target.header('Accept-Ranges');
      const cr = target.header('Content-Range');
      if (ar) res.setHeader('Accept-Ranges', ar);
      if (cr) res.setHeader('Content-Range', cr);
    }
    if (res.code === 204) res.setCode(200);
    client.setupKeepalive(res);
    client.resHeaders = res;
    client.state = 'xfer_res';
    this.#pr.responded = true;
    client.writeHead(res.toString());
  }

  onBackendData(be: BackendHTTP, chunk: Buffer): boolean {
    const client = this.#pr.client;
    const chunked = this.#chunked;
    const data = chunked ? chunked.push(chunk) : chunk;
    if (data.length) client.write(data);
    if (chunked?.error) {
      this.onBackendError(be, 'EBADRESPONSE', chunked.error);
      be.abandon('reproxy_bad_chunk');
      return false;
    }
    if (chunked?.complete) {
      // The body is whole. The connection can't be reused: BackendHTTP reads a body without a
      // length until the target closes, and a chunked answer doesn't close.
      be.abandon('reproxy_chunked_done');
      this.onBackendDone();
      return false;
    }
    if (client.writeBufferSize <= this.#pr.svc.num('buffer_size_reproxy_url', 51200)) return true;
    client.onDrain(() => be.resumeReading());
    return false;
  }

  onBackendDone(): void {
    this.#backend = null;
    if (this.#done) return;
    if (this.#chunked && !this.#chunked.complete) {
      return this.#brokeOff('ECONNRESET', 'the target closed the connection before the last chunk');
    }
    this.#done = true;
    this.#pr.finishReproxy();
  }

  /**
   * The target failed. Before its answer started, try the next URL (Perlbal closed the
   * client); after, close the client so a cut-short body is never taken for a whole one.
   */
  onBackendError(be: BackendHTTP, cause: string, detail: string): void {
    this.#backend = null;
    if (this.#done) return;
    if (!this.#pr.responded) {
      this.#hop('failed', cause === 'EBADRESPONSE' ? detail : describeSocketError(cause));
      return this.next();
    }
    // BackendHTTP's own sentences ("the backend closed the connection") say more than a code.
    this.#brokeOff(cause, /\bE[A-Z]{3,}\b/.test(detail) ? describeSocketError(cause) : detail);
  }

  /**
   * The answer started and can't be finished: record the hop as failed and reset the client,
   * so that even a close-delimited body (no Content-Length) is not taken for a whole one.
   */
  #brokeOff(cause: string, reason: string): void {
    this.#backend = null;
    this.#done = true;
    this.#chunked?.close();
    const client = this.#pr.client;
    const url = this.#current?.url ?? '';
    failHop(this.#usedHop, `broke off mid-body: ${reason}`);
    client.noteError('PB_ERR_REPROXY_TARGET', `reproxy target ${url} failed mid-response: ${reason}`, cause);
    resetSocket(client.socket);
    client.close('reproxy_target_error');
  }
}

/** A transfer coding we can't undo (anything but chunked or identity), as a reason; else null. */
function unknownCoding(head: HttpHeaders): string | null {
  const te = head.header('Transfer-Encoding');
  if (te === undefined || isChunked(te) || /^\s*identity\s*$/i.test(te)) return null;
  return `Transfer-Encoding '${te}' can't be decoded`;
}

/** Close with a TCP reset (plain sockets; a TLS socket can only be destroyed). */
function resetSocket(sock: Socket): void {
  try {
    sock.resetAndDestroy();
  } catch {
    sock.destroy();
  }
}

/** Fetch the answer from `urls` (space-separated) with `primary`'s headers. */
export function startReproxyUrl(pr: ProxyRequest, primary: HttpHeaders, urls: string): void {
  const fetch = new ReproxyUrlFetch(pr, primary, parseReproxyUrls(urls));
  pr.beginReproxy(fetch);
  pr.client.tagRecord('reproxied');
  pr.client.traceRoute({ kind: 'reproxy', name: urls, detail: 'X-REPROXY-URL' });
  fetch.next();
}
