/**
 * Reads a backend's response head (Perlbal Socket::read_headers for responses): bytes are
 * gathered up to the blank line, the head is parsed by llhttp in RESPONSE mode, and whatever
 * follows is handed back untouched, because Perlbal passes bodies through as they come
 * (a chunked body is relayed raw, not decoded).
 */
import { HttpHeaders } from '../http/http-headers.js';
import { HTTPParser, isLlhttpError, type LlhttpParser } from '../http/llhttp.js';

/** Perlbal's limit for a head, requests and responses alike. */
const MAX_HEAD_BYTES = 102400;

export type HeadResult =
  | { kind: 'more' }
  | { kind: 'head'; headers: HttpHeaders; rest: Buffer }
  | { kind: 'error'; message: string };

export class ResponseHeadReader {
  #buf: Buffer | null = null;

  /** Feed bytes; a head once the blank line has arrived. */
  push(chunk: Buffer): HeadResult {
    const buf = this.#buf ? Buffer.concat([this.#buf, chunk]) : chunk;
    const end = headEnd(buf);
    if (end === -1) {
      if (buf.length > MAX_HEAD_BYTES) return { kind: 'error', message: 'response headers larger than 100 KiB' };
      this.#buf = buf;
      return { kind: 'more' };
    }
    this.#buf = null;
    const parsed = parseHead(buf.subarray(0, end));
    if (typeof parsed === 'string') return { kind: 'error', message: parsed };
    return { kind: 'head', headers: parsed, rest: buf.subarray(end) };
  }

  /** Bytes held while waiting for the rest of a head. */
  get pending(): number {
    return this.#buf?.length ?? 0;
  }

  reset(): void {
    this.#buf = null;
  }
}

/**
 * Offset just past the blank line ending the head: CRLF CRLF, or the bare-LF forms Perlbal's
 * own test backend mixes in (LF LF, LF CRLF).
 */
function headEnd(buf: Buffer): number {
  let best = -1;
  for (const [sep, len] of [['\r\n\r\n', 4], ['\n\n', 2], ['\n\r\n', 3]] as const) {
    const i = buf.indexOf(sep);
    if (i !== -1 && (best === -1 || i + len < best)) best = i + len;
  }
  return best;
}

let parser: LlhttpParser | null = null;
let parsed: HttpHeaders | string | null = null;
let pendingRaw: string[] = [];

function parserInstance(): LlhttpParser {
  if (parser) return parser;
  const p = new HTTPParser();
  p[HTTPParser.kOnHeaders] = (headers: string[]) => {
    for (const h of headers) pendingRaw.push(h);
  };
  p[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    headers: string[] | undefined,
    _method: number,
    _url: string,
    status: number,
    reason: string,
  ): number => {
    const raw = pendingRaw.length ? pendingRaw.concat(headers ?? []) : (headers ?? []);
    pendingRaw = [];
    parsed = HttpHeaders.response(status, reason ?? '', major, minor, raw);
    // Stop at the head: the body is relayed raw by the caller.
    return 1;
  };
  p[HTTPParser.kOnBody] = () => {};
  p[HTTPParser.kOnMessageComplete] = () => {};
  parser = p;
  return p;
}

/** Parse one complete head with a shared parser (heads are parsed synchronously, one at a time). */
function parseHead(head: Buffer): HttpHeaders | string {
  const p = parserInstance();
  p.initialize(HTTPParser.RESPONSE, {}, MAX_HEAD_BYTES, HTTPParser.kLenientOptionalCRBeforeLF);
  parsed = null;
  pendingRaw = [];
  const r = p.execute(head);
  const result = parsed as HttpHeaders | string | null;
  parsed = null;
  if (isLlhttpError(r) && result === null) return `invalid response head (${r.reason})`;
  if (result === null) return 'incomplete response head';
  return result;
}
