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
    const rec: RequestRecord = {
      id: this.id,
      startedAt: this.startedAt,
      client: base.client,
      listener: base.listener,
      method: req?.method ?? '',
      host: req?.header('Host') ?? '',
      uri: req?.uri ?? '',
      httpVersion: req ? req.version : '',
      service: base.service,
      role: base.role,
      route: this.route,
      status: base.response?.code ?? 0,
      bytesIn: base.bytesIn,
      bytesOut: base.bytesWritten - this.#bytesOutAtStart,
      requestHeaders: req?.entries() ?? [],
      responseHeaders: base.response?.entries() ?? [],
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

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
