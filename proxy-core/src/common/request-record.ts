/**
 * The record of one request through the proxy, as the core emits it when someone listens
 * (the desktop's request inspector, tests). Plain JSON, so it crosses IPC and the WebSocket.
 * Times are milliseconds since the epoch (`startedAt`) and offsets from it (`timings`).
 */

/** A header list in wire order: [name, value] pairs. */
export type HeaderList = Array<[string, string]>;

/** Why a request went where it went: selector, the VHOST rule, service, pool, node. */
export interface RouteStep {
  kind: 'selector' | 'vhost' | 'vpath' | 'default_service' | 'service' | 'pool' | 'node' | 'reproxy';
  /** Service, pool or node name; for a vhost step, the rule's pattern. */
  name: string;
  /** Extra facts (the target of a rule, "connection reused", the URL tried, ...). */
  detail?: string;
}

/**
 * One reproxy step, in order: a URL tried (X-REPROXY-URL), a file (X-REPROXY-FILE), a hand-off
 * (X-REPROXY-SERVICE) or an answer from the reproxy cache, which is followed by its URLs.
 */
export interface ReproxyHop {
  /** The URL; `file:<path>`, `service:<name>` or `cache:<Host|URI>` for the other kinds. */
  target: string;
  kind?: 'url' | 'file' | 'service' | 'cache';
  /** `failed` also covers a target that broke off in the middle of its body. */
  outcome: 'used' | 'failed';
  /** Why a hop fell through: connection refused, status 404, size mismatch, ... */
  reason?: string;
  status?: number;
}

export interface RequestTimings {
  /** Waiting for a backend connection (queues, connect, verify). */
  queuedMs?: number;
  /** Connecting to the node, when a new connection was made for this request. */
  connectMs?: number;
  /** From sending the request to the first byte of the response head. */
  firstByteMs?: number;
  /** From the first byte of the response to the last. */
  transferMs?: number;
  /** Whole request, first byte in to last byte out. */
  totalMs: number;
}

/**
 * A body the request inspector captured: the first bytes (the capture's per-body cap) of what
 * the client sent, or got after the response head. Only in getRequestDetail answers.
 */
export interface CapturedBody {
  /** The bytes, base64, after undoing what `decoded` lists. */
  base64: string;
  /** Body bytes on the wire in all (more than were kept when `truncated`). */
  size: number;
  /** Bytes on the wire the capture kept (before decoding): `size`, or the cap when cut. */
  captured: number;
  /** Only the first bytes were kept (the cap), so the body shown is cut short. */
  truncated: boolean;
  /** Codings undone for viewing, in order: 'chunked' (a relayed chunked response), 'gzip', 'deflate', 'br'. */
  decoded?: string[];
  /** Why a content coding could not be undone; the bytes are then as far as decoding got. */
  decodeError?: string;
}

export interface RequestRecord {
  id: number;
  startedAt: number;
  client: string;
  /** The service whose listener accepted the connection. */
  listener: string;
  /** Method, Host, URI and version as the client sent them (an absolute URI already split). */
  method: string;
  host: string;
  uri: string;
  httpVersion: string;
  /** The service that answered (after any selector hand-off). */
  service: string;
  role: string;
  route: RouteStep[];
  pool?: string;
  node?: string;
  /** Whether the backend connection was opened for this request or reused. */
  backendConnection?: 'new' | 'reused';
  status: number;
  /**
   * Request body bytes received from the client (de-chunked if it came chunked). Like
   * bytesOut it counts bodies only: the request head is not included.
   */
  bytesIn: number;
  /**
   * Response body bytes sent to the client: everything after the response head (a relayed
   * chunked body with its chunk framing). Heads, `100 Continue` included, are not counted.
   */
  bytesOut: number;
  /** The request head as the client sent it, before a selector or a plugin changed it. */
  requestHeaders: HeaderList;
  /** The request as the backend received it (after rewriting). */
  backendRequestHeaders?: HeaderList;
  /** The response as the backend sent it. */
  backendResponseHeaders?: HeaderList;
  responseHeaders: HeaderList;
  reproxy?: ReproxyHop[];
  timings: RequestTimings;
  /** Set when something failed: a PB_ERR_* code and a sentence. */
  error?: { code: string; message: string; syscallCode?: string };
  /** Short labels for filtering: `backend-error:ECONNREFUSED`, `reproxied`, `keep-alive`. */
  tags: string[];
  /** The request body the client sent, when the inspector captures bodies (detail only). */
  requestBody?: CapturedBody;
  /** The response body the client got (after its head), likewise. */
  responseBody?: CapturedBody;
  /** Bodies were captured, then dropped to keep the capture within its byte limit. */
  bodiesDropped?: boolean;
}
