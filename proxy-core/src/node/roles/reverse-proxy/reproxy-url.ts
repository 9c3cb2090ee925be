/**
 * X-REPROXY-URL (Perlbal ClientProxy start_reproxy_uri, use_reproxy_backend and
 * backend_response_received): fetch the answer from the listed URLs in order, invisibly to
 * the user. A target is used if it answers 2xx or 416 (and matches X-REPROXY-EXPECTED-SIZE);
 * otherwise the next URL is tried, and when none is left the client gets Perlbal's 503. The
 * client receives the primary (application backend) headers with the target's length and
 * range headers. Every URL tried, and why it fell through, goes into the request record.
 */
import type { ReproxyHop } from '../../../common/request-record.js';
import { HttpHeaders } from '../../http/http-headers.js';
import type { BackendClient, BackendHTTP } from '../../proxy/backend-http.js';
import { describeSocketError } from '../../proxy/proxy-errors.js';
import type { ReproxyWaiter } from '../../proxy/reproxy-manager.js';
import type { ProxyRequest } from './proxy-request.js';

interface Target {
  host: string;
  port: number;
  path: string;
  url: string;
}

/** Perlbal's URL rule: `^http://(.+?)(?::(\d+))?(/.*)?$`; anything else is silently dropped. */
export function parseReproxyUrls(value: string): Target[] {
  const out: Target[] = [];
  for (const url of value.split(/\s+/)) {
    const m = /^http:\/\/(.+?)(?::(\d+))?(\/.*)?$/.exec(url);
    if (m) out.push({ host: m[1]!, port: Number(m[2] ?? 80) || 80, path: m[3] ?? '/', url });
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
    const t = this.#targets.shift();
    const client = this.#pr.client;
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

  #hop(outcome: ReproxyHop['outcome'], reason?: string, status?: number): void {
    const trace = this.#pr.client.trace;
    if (!trace || !this.#current) return;
    const hop: ReproxyHop = { target: this.#current.url, outcome };
    if (reason) hop.reason = reason;
    if (status !== undefined) hop.status = status;
    (trace.reproxy ??= []).push(hop);
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
    if (badCode || badSize) {
      this.#backend = null;
      be.abandon('non_200_reproxy');
      this.#hop('failed', badCode ? `status ${code}` : `size ${cl ?? 'unknown'} is not the expected ${this.#expected}`, code);
      return this.next();
    }
    if (this.#pr.svc.hooks.run('reproxy_response_received', be)) return;
    this.#hop('used', undefined, code);
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
    client.write(chunk);
    if (client.writeBufferSize <= this.#pr.svc.num('buffer_size_reproxy_url', 51200)) return true;
    client.onDrain(() => be.resumeReading());
    return false;
  }

  onBackendDone(): void {
    this.#backend = null;
    if (this.#done) return;
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
    this.#done = true;
    this.#pr.client.noteError('PB_ERR_REPROXY_TARGET', `reproxy target ${be.ipport} failed mid-response: ${detail}`, cause);
    this.#pr.client.close('reproxy_target_error');
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
