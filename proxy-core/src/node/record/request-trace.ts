/**
 * Collects what happens to one request while it runs, and turns it into a RequestRecord when
 * it ends. A trace exists only while someone listens for records, so the hot path pays one
 * null check per step when nobody does.
 */
import type { HeaderList, ReproxyHop, RequestRecord, RouteStep } from '../../common/request-record.js';
import type { HttpHeaders } from '../http/http-headers.js';
import { ResponseTap } from './body-tap.js';

let nextId = 1;

export class RequestTrace {
  readonly id = nextId++;
  readonly startedAt = Date.now();
  readonly #t0 = performance.now();
  readonly route: RouteStep[] = [];
  readonly tags: string[] = [];
  readonly marks: Record<'backendRequested' | 'backendAssigned' | 'connectStart' | 'connectEnd' | 'requestSent' | 'firstByte', number | undefined> = {
    backendRequested: undefined,
    backendAssigned: undefined,
    connectStart: undefined,
    connectEnd: undefined,
    requestSent: undefined,
    firstByte: undefined,
  };
  pool?: string;
  node?: string;
  backendConnection?: 'new' | 'reused';
  backendRequestHeaders?: HeaderList;
  backendResponseHeaders?: HeaderList;
  reproxy?: ReproxyHop[];
  error?: RequestRecord['error'];
  /** Bytes of interim heads (`100 Continue`) written for this request: not body bytes. */
  interimHeadBytes = 0;
  // The request as the client sent it (snapshotRequest): selectors, Vhosts' `__using`, chunked
  // uploads and plugins change the live head in place before the record is made.
  #method = '';
  #host = '';
  #uri = '';
  #version = '';
  #requestHeaders: HeaderList | null = null;
  /** The response body's first bytes, while the inspector captures bodies. */
  readonly responseTap: ResponseTap | null;
  readonly #bytesOutAtStart: number;

  constructor(bytesWrittenSoFar: number, bodyCap = 0) {
    this.#bytesOutAtStart = bytesWrittenSoFar;
    this.responseTap = bodyCap > 0 ? new ResponseTap(bodyCap) : null;
  }

  /** Milliseconds since the request started. */
  now(): number {
    return performance.now() - this.#t0;
  }

  mark(name: keyof RequestTrace['marks']): void {
    this.marks[name] ??= this.now();
  }

  /** Keep the request head as it arrived; called once, as the request starts. */
  snapshotRequest(req: HttpHeaders): void {
    this.#method = req.method ?? '';
    this.#host = req.header('Host') ?? '';
    this.#uri = req.uri ?? '';
    this.#version = req.version;
    this.#requestHeaders = req.entries();
  }

  /**
   * A `service` route step for the service now handling the request (a selector's hand-off,
   * X-REPROXY-SERVICE, a reverse proxy on its own listener), once: a role entered again for
   * the same service (Throttle's delay) adds nothing.
   */
  enterService(name: string, role: string): void {
    const last = this.route[this.route.length - 1];
    if (last?.kind === 'service' && last.name === name) return;
    this.route.push({ kind: 'service', name, detail: role });
  }

  finish(base: {
    client: string;
    listener: string;
    service: string;
    role: string;
    request: HttpHeaders | null;
    response: HttpHeaders | null;
    bytesIn: number;
    bytesWritten: number;
  }): RequestRecord {
    const total = this.now();
    const m = this.marks;
    const req = base.request;
    if (this.#requestHeaders === null && req) this.snapshotRequest(req);
    const res = base.response;
    const responseHeaders = res?.entries() ?? [];
    // Body bytes only, as bytesIn: what was written less the response head and interim heads.
    const heads = this.interimHeadBytes + (res ? headSize(res.firstLine, responseHeaders) : 0);
    const rec: RequestRecord = {
      id: this.id,
      startedAt: this.startedAt,
      client: base.client,
      listener: base.listener,
      method: this.#method,
      host: this.#host,
      uri: this.#uri,
      httpVersion: this.#version,
      service: base.service,
      role: base.role,
      route: this.route,
      status: res?.code ?? 0,
      bytesIn: base.bytesIn,
      bytesOut: Math.max(0, base.bytesWritten - this.#bytesOutAtStart - heads),
      requestHeaders: this.#requestHeaders ?? [],
      responseHeaders,
      timings: {
        totalMs: round(total),
        ...(m.backendRequested !== undefined && m.backendAssigned !== undefined
          ? { queuedMs: round(m.backendAssigned - m.backendRequested) }
          : {}),
        ...(m.connectStart !== undefined && m.connectEnd !== undefined ? { connectMs: round(m.connectEnd - m.connectStart) } : {}),
        ...(m.requestSent !== undefined && m.firstByte !== undefined ? { firstByteMs: round(m.firstByte - m.requestSent) } : {}),
        ...(m.firstByte !== undefined ? { transferMs: round(total - m.firstByte) } : {}),
      },
      tags: this.tags,
    };
    if (this.pool) rec.pool = this.pool;
    if (this.node) rec.node = this.node;
    if (this.backendConnection) rec.backendConnection = this.backendConnection;
    if (this.backendRequestHeaders) rec.backendRequestHeaders = this.backendRequestHeaders;
    if (this.backendResponseHeaders) rec.backendResponseHeaders = this.backendResponseHeaders;
    if (this.reproxy) rec.reproxy = this.reproxy;
    if (this.error) rec.error = this.error;
    return rec;
  }
}

/** Bytes of a head on the wire: first line, `Name: value` lines, blank line (one byte per char). */
function headSize(firstLine: string, headers: HeaderList): number {
  let n = firstLine.length + 4;
  for (const [name, value] of headers) n += name.length + value.length + 4;
  return n;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
