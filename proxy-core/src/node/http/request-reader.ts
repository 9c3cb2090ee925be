/**
 * Turns a client's byte stream into requests (Perlbal Socket::read_headers +
 * HTTPHeaders::new), using llhttp for framing so that request smuggling tricks (CL+TE, two
 * Content-Lengths, bad chunk sizes) are refused before any service sees them.
 * Perlbal's own acceptance rules are layered on top: an absolute URI becomes a path plus
 * Host, HTTP/1.1 needs a Host, and bare-LF line endings are accepted as Perlbal accepts them.
 */
import { HttpHeaders } from './http-headers.js';
import { HTTPParser, METHODS, isLlhttpError, type LlhttpParser } from './llhttp.js';
import { nowSeconds } from '../util/clock.js';

/** Perlbal's MAX_HTTP_HEADER_LENGTH. */
export const MAX_HEADER_BYTES = 102400;

export interface RequestHead {
  headers: HttpHeaders;
  /** Declared Content-Length; 0 when there is none; -1 for a chunked body. */
  contentLength: number;
  chunked: boolean;
  /** llhttp stops parsing after an Upgrade or CONNECT request; the connection must close. */
  upgrade: boolean;
}

export interface RequestReaderEvents {
  onRequest(head: RequestHead): void;
  onBody(chunk: Buffer): void;
  onMessageComplete(): void;
}

/** Why a request could not be read, and the status a client should get for it. */
export interface RequestError {
  status: 400 | 413 | 414 | 431;
  code: string;
  message: string;
}

const ABSOLUTE_URI = /^http:\/\/([^/:]+?)(?::\d+)?(\/.*)?$/;

export class RequestReader {
  readonly #parser: LlhttpParser;
  readonly #events: RequestReaderEvents;
  #pendingHeaders: string[] = [];
  #pendingUrl = '';
  /** Wire bytes of the head so far (llhttp counts only name and value bytes). */
  #headBytes = 0;
  readonly #maxHeaderBytes: number;
  #error: RequestError | null = null;
  /** Epoch seconds when the head being read began; null between heads (see headStartedAt). */
  #headStartedAt: number | null = null;

  constructor(events: RequestReaderEvents, maxHeaderBytes = MAX_HEADER_BYTES) {
    this.#events = events;
    this.#maxHeaderBytes = maxHeaderBytes;
    const p = new HTTPParser();
    // RFC 9112 2.2 lets a recipient accept a bare LF; Perlbal does, and we regenerate every
    // head we forward with CRLF, so nothing downstream can read the message differently.
    p.initialize(HTTPParser.REQUEST, {}, maxHeaderBytes, HTTPParser.kLenientOptionalCRBeforeLF);
    p[HTTPParser.kOnMessageBegin] = () => {
      this.#headStartedAt = nowSeconds();
    };
    p[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
      // llhttp flushes long header lists in batches before headers-complete.
      for (const h of headers) this.#pendingHeaders.push(h);
      this.#pendingUrl += url;
      this.#headBytes += wireSize(headers, url);
    };
    p[HTTPParser.kOnHeadersComplete] = this.#onHeadersComplete;
    p[HTTPParser.kOnBody] = (chunk: Buffer) => this.#events.onBody(chunk);
    p[HTTPParser.kOnMessageComplete] = () => this.#events.onMessageComplete();
    this.#parser = p;
  }

  /** Feed bytes; returns an error once the stream is unparseable (the connection must end). */
  execute(chunk: Buffer): RequestError | null {
    if (this.#error) return this.#error;
    const r = this.#parser.execute(chunk);
    if (this.#error) return this.#error;
    if (isLlhttpError(r)) this.#error = llhttpError(r.code, r.reason);
    return this.#error;
  }

  /**
   * When the unfinished head now being read began (epoch seconds, the idle sweep's clock), or null. Lets the connection
   * put a deadline on a whole head, which a byte-at-a-time drip (Slowloris) never trips as
   * an idle timeout.
   */
  get headStartedAt(): number | null {
    return this.#headStartedAt;
  }

  close(): void {
    this.#parser.close();
    this.#parser.free();
  }

  #onHeadersComplete = (
    major: number,
    minor: number,
    headers: string[] | undefined,
    methodIndex: number,
    url: string | undefined,
    _status: number,
    _statusText: string,
    upgrade: boolean,
  ): number => {
    let raw = headers ?? [];
    let uri = url ?? '';
    if (this.#pendingHeaders.length > 0 || this.#pendingUrl !== '') {
      raw = this.#pendingHeaders.concat(raw);
      uri = this.#pendingUrl + uri;
      this.#pendingHeaders = [];
      this.#pendingUrl = '';
    }
    const headBytes = this.#headBytes + wireSize(headers ?? [], url ?? '');
    this.#headBytes = 0;
    this.#headStartedAt = null;
    // Perlbal's limit is on the head as sent: 20,000 tiny headers are a flood even though
    // their names and values alone (what llhttp counts) fit in 100 KiB.
    if (headBytes > this.#maxHeaderBytes) {
      this.#error = llhttpError('HPE_HEADER_OVERFLOW', 'head too large');
      return 0;
    }
    const method = METHODS[methodIndex] ?? 'GET';
    const head = buildHead(method, uri, major, minor, raw);
    if ('status' in head) {
      this.#error = head;
      return 0;
    }
    const te = head.header('Transfer-Encoding');
    const chunked = te !== undefined && /(?:^|,)\s*chunked\s*$/i.test(te);
    // RFC 9112 6.3: a request whose final coding is not chunked has no knowable length; llhttp
    // lets `Transfer-Encoding: xchunked` through as a bodiless request, so its body would be
    // read as the next request.
    if (te !== undefined && !chunked) {
      this.#error = llhttpError('HPE_INVALID_TRANSFER_ENCODING', 'final coding is not chunked');
      return 0;
    }
    const cl = head.header('Content-Length');
    this.#events.onRequest({
      headers: head,
      contentLength: chunked ? -1 : cl === undefined ? 0 : Number(cl),
      chunked,
      upgrade: Boolean(upgrade),
    });
    return 0;
  };
}

function buildHead(
  method: string,
  uri: string,
  major: number,
  minor: number,
  raw: string[],
): HttpHeaders | RequestError {
  // Perlbal requires "HTTP/x.y" on the request line; llhttp reports HTTP/0.9 for its absence.
  if (major === 0) return { status: 400, code: 'http09', message: 'HTTP/0.9 requests are not supported' };
  if (major > 1) return { status: 400, code: 'version', message: `HTTP/${major}.${minor} is not supported` };
  let absHost: string | undefined;
  const abs = ABSOLUTE_URI.exec(uri);
  if (abs) {
    absHost = abs[1]!.toLowerCase();
    uri = abs[2] ?? '/';
  }
  const head = HttpHeaders.request(method, uri, major, minor, raw);
  if (absHost !== undefined) head.setHeader('Host', absHost);
  if (head.versionNumber >= 1001 && !head.header('Host')) {
    return { status: 400, code: 'no_host', message: 'HTTP/1.1 requests must have a Host header' };
  }
  return head;
}

/** Bytes the header pairs and URL took on the wire, at least (`Name: value\r\n`). */
function wireSize(headers: string[], url: string): number {
  let n = url.length;
  for (let i = 0; i < headers.length; i += 2)
    n += headers[i]!.length + (headers[i + 1]?.length ?? 0) + 4;
  return n;
}

/** Map an llhttp error to the response a client gets (Perlbal would close silently). */
function llhttpError(code: string, reason: string): RequestError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code, message: 'Request headers are larger than 100 KiB' };
    case 'HPE_INVALID_CONTENT_LENGTH':
      return { status: 400, code, message: 'Invalid request: bad Content-Length' };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, code, message: 'Invalid request: Content-Length given twice or with Transfer-Encoding' };
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return { status: 400, code, message: 'Invalid request: bad Transfer-Encoding' };
    default:
      return { status: 400, code, message: `Invalid request: ${reason}` };
  }
}
