/**
 * The first bytes of a request's and a response's body, kept for the request inspector while
 * it captures bodies (core.recordBodyBytes > 0; nothing here runs otherwise). The request side
 * sees the body as llhttp delivered it (de-chunked); the response side sees every byte written
 * to the client and skips the heads (a `100 Continue` and the response head), so it holds what
 * the client got after the head, chunk framing included. Bytes are copied: writers reuse their
 * buffers (the web_server's file reads).
 */

/** One side's captured body: the first bytes (at most the cap) and how many there were. */
export interface BodyBytes {
  /** A buffer of its own (never a slice of a pool), exactly as long as what was kept. */
  bytes: Buffer;
  /** Body bytes seen in all; more than `bytes.length` when the cap cut it. */
  size: number;
}

/** What the core hands to 'request' listeners with a record, when bodies are captured. */
export interface RecordBodies {
  request?: BodyBytes;
  response?: BodyBytes;
}

const CRLFCRLF = '\r\n\r\n';

export class BodyTap {
  #buf: Buffer | null = null;
  #len = 0;
  size = 0;
  readonly #cap: number;

  constructor(cap: number) {
    this.#cap = cap;
  }

  add(chunk: Uint8Array): void {
    this.size += chunk.length;
    const take = Math.min(this.#cap - this.#len, chunk.length);
    if (take <= 0) return;
    this.#reserve(take);
    this.#buf!.set(take === chunk.length ? chunk : chunk.subarray(0, take), this.#len);
    this.#len += take;
  }

  /** A string written to a socket (utf8, as socket.write encodes it by default). */
  addString(s: string): void {
    if (s.length === 0) return;
    const room = this.#cap - this.#len;
    if (room <= 0) {
      this.size += Buffer.byteLength(s);
      return;
    }
    // utf8 is at least a byte per UTF-16 unit: `room` units are enough to fill the room.
    const head = s.length > room ? s.slice(0, room) : s;
    const bytes = Buffer.from(head, 'utf8');
    this.add(bytes.length > room ? bytes.subarray(0, room) : bytes);
    this.size += Buffer.byteLength(s) - Math.min(bytes.length, room);
  }

  #reserve(more: number): void {
    const need = this.#len + more;
    const buf = this.#buf;
    if (buf && buf.length >= need) return;
    // Grow by doubling from 1 KiB, never past the cap: most bodies are small.
    let size = Math.max(1024, (buf?.length ?? 0) * 2);
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafeSlow(Math.min(size, this.#cap));
    if (buf) buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }

  /** The bytes kept, in a buffer of exactly their length; undefined when no body was seen. */
  result(): BodyBytes | undefined {
    if (this.size === 0) return undefined;
    const buf = this.#buf ?? Buffer.alloc(0);
    let bytes = buf;
    if (buf.length !== this.#len) {
      bytes = Buffer.allocUnsafeSlow(this.#len);
      buf.copy(bytes, 0, 0, this.#len);
    }
    return { bytes, size: this.size };
  }
}

/** Response bytes as written to the client: heads are skipped, the rest is the body. */
export class ResponseTap extends BodyTap {
  #inHead = true;

  write(data: Buffer | Uint8Array | string): void {
    if (!this.#inHead) {
      if (typeof data === 'string') this.addString(data);
      else this.add(data);
      return;
    }
    if (typeof data === 'string') {
      const at = this.#headEnd(data, data.indexOf(CRLFCRLF));
      if (at >= 0) this.addString(data.slice(at));
    } else {
      const buf = Buffer.isBuffer(data)
        ? data
        : Buffer.from(data.buffer, data.byteOffset, data.length);
      const at = this.#headEnd(buf, buf.indexOf(CRLFCRLF));
      if (at >= 0) this.add(buf.subarray(at));
    }
  }

  /**
   * Where the body starts in `data`, or -1 while it is all head. An interim `1xx` head (the
   * `100 Continue` a proxy sends for an upload) is skipped: the real head follows it.
   */
  #headEnd(data: Buffer | string, end: number): number {
    let start = 0;
    while (end >= 0) {
      const interim = isInterim(data, start);
      start = end + 4;
      if (!interim) {
        this.#inHead = false;
        return start;
      }
      end = data.indexOf(CRLFCRLF, start);
    }
    return -1;
  }
}

/** `HTTP/1.x 1..` at `at`: the status digit is at offset 9. */
function isInterim(data: Buffer | string, at: number): boolean {
  const c = typeof data === 'string' ? data.charCodeAt(at + 9) : data[at + 9];
  return (
    c === 0x31 &&
    (typeof data === 'string'
      ? data.startsWith('HTTP/', at)
      : data.toString('latin1', at, at + 5) === 'HTTP/')
  );
}
