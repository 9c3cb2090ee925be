/**
 * De-chunking an X-REPROXY-URL target's answer. Targets are asked for HTTP/1.0, yet some
 * HTTP/1.1 servers answer `Transfer-Encoding: chunked` anyway (RFC 9112 6.1 forbids it). Perlbal
 * then relays the chunk framing as if it were the body, under the primary's headers, which say
 * nothing about chunks: a corrupt body that looks complete. We decode the chunks with llhttp (the
 * parser Node's http uses, fed a synthetic head) and know exactly where the body ends.
 */
import { HTTPParser, isLlhttpError, type LlhttpParser } from '../../http/llhttp.js';

const HEAD = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');

/** `Transfer-Encoding` whose final coding is chunked (RFC 9112 6.3). */
export function isChunked(te: string | undefined): boolean {
  return te !== undefined && /(?:^|,)\s*chunked\s*$/i.test(te);
}

export class ChunkedBody {
  #parser: LlhttpParser | null;
  #parts: Buffer[] = [];
  #complete = false;
  #error: string | null = null;

  constructor() {
    const p = new HTTPParser();
    p.initialize(HTTPParser.RESPONSE, {}, 102400, 0);
    p[HTTPParser.kOnHeadersComplete] = () => 0;
    p[HTTPParser.kOnBody] = (b: Buffer) => this.#parts.push(b);
    p[HTTPParser.kOnMessageComplete] = () => {
      this.#complete = true;
    };
    p.execute(HEAD);
    this.#parser = p;
  }

  /** The last chunk and the trailers have arrived. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Why the framing is broken (a bad chunk size, a missing CRLF), or null. */
  get error(): string | null {
    return this.#error;
  }

  /**
   * Decode the next wire bytes; returns the body bytes in them. Bytes after the last chunk are
   * not part of this answer and are dropped. After a framing error nothing more is decoded.
   */
  push(wire: Buffer): Buffer {
    const p = this.#parser;
    if (!p || this.#complete || this.#error) return Buffer.alloc(0);
    const r = p.execute(wire);
    // Whatever follows the last chunk would be read as another response: not ours to judge.
    if (isLlhttpError(r) && !this.#complete) this.#error = `bad chunked framing (${r.reason})`;
    const parts = this.#parts;
    this.#parts = [];
    if (this.#complete || this.#error) this.close();
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  close(): void {
    const p = this.#parser;
    if (!p) return;
    this.#parser = null;
    p.close();
    p.free();
  }
}
