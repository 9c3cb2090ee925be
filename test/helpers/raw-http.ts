/**
 * Raw-socket HTTP for tests: send exact bytes, read exactly what comes back. Used where the
 * wire matters (status line, header order, keep-alive, pipelining, malformed input).
 */
import net from 'node:net';

export interface RawResponse {
  /** Everything received, as latin1 text. */
  text: string;
  bytes: Buffer;
  /** True if the server closed the connection; false if it was still open at the deadline. */
  closed: boolean;
}

/** Send `data` and collect the reply until the server closes or `idleMs` pass with no data. */
export async function rawRequest(port: number, data: string | Buffer, idleMs = 300, host = '127.0.0.1'): Promise<RawResponse> {
  const sock = net.connect(port, host);
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null;
    const done = (closed: boolean): void => {
      if (timer) clearTimeout(timer);
      sock.destroy();
      const bytes = Buffer.concat(chunks);
      resolve({ text: bytes.toString('latin1'), bytes, closed });
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => done(false), idleMs);
    };
    sock.on('connect', () => {
      sock.write(data);
      arm();
    });
    sock.on('data', (c) => {
      chunks.push(c);
      arm();
    });
    sock.on('end', () => done(true));
    sock.on('error', (e) => (chunks.length ? done(true) : reject(e)));
  });
}

export interface ParsedResponse {
  statusLine: string;
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Look up a header (case-insensitive) in a parsed response. */
export function header(res: ParsedResponse, name: string): string | undefined {
  return res.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/**
 * Split a byte stream into HTTP/1.0 responses. Bodies are framed by Content-Length; a
 * response without one runs to the end. `headOnly` marks responses to HEAD requests.
 */
export function parseResponses(bytes: Buffer, headOnly: boolean[] = []): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    // A 100 Continue interim response is returned as its own entry.
    const end = bytes.indexOf('\r\n\r\n', pos, 'latin1');
    if (end === -1) break;
    const head = bytes.subarray(pos, end).toString('latin1').split('\r\n');
    const statusLine = head.shift() ?? '';
    const headers = head.map((l): [string, string] => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).replace(/^\s+/, '')];
    });
    const status = Number(statusLine.split(' ')[1]);
    const bodyStart = end + 4;
    const cl = headers.find(([k]) => k.toLowerCase() === 'content-length')?.[1];
    const noBody = headOnly[out.length] === true || status === 204 || status === 304 || (status >= 100 && status < 200);
    const len = noBody ? 0 : cl !== undefined ? Number(cl) : bytes.length - bodyStart;
    out.push({ statusLine, status, headers, body: bytes.subarray(bodyStart, bodyStart + len) });
    pos = bodyStart + len;
  }
  return out;
}

/** One request, one parsed response (throws if none came back). */
export async function rawOne(port: number, data: string | Buffer, idleMs = 300): Promise<ParsedResponse & { closed: boolean; raw: string }> {
  const r = await rawRequest(port, data, idleMs);
  const isHead = typeof data === 'string' ? data.startsWith('HEAD ') : data.subarray(0, 5).toString() === 'HEAD ';
  const [res] = parseResponses(r.bytes, [isHead]);
  if (!res) throw new Error(`no response; got ${JSON.stringify(r.text)}`);
  return { ...res, closed: r.closed, raw: r.text };
}

/**
 * A keep-alive connection for sequential requests on one socket; `connections` counts the
 * TCP connections made, so tests can assert nothing was silently re-opened.
 */
export class RawConnection {
  readonly #sock: net.Socket;
  #buf = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  closed = false;

  private constructor(sock: net.Socket) {
    this.#sock = sock;
    sock.on('data', (c) => {
      this.#buf = Buffer.concat([this.#buf, c]);
      this.#wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    sock.on('error', () => {});
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    const sock = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    return new RawConnection(sock);
  }

  /** A connection already open (a TLS socket, once its handshake is done). */
  static wrap(sock: net.Socket): RawConnection {
    return new RawConnection(sock);
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  write(data: string | Buffer): void {
    this.#sock.write(data);
  }

  /** Read one response (framed by Content-Length, or up to close). */
  async read(timeoutMs = 5000, isHead = false): Promise<ParsedResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buf.indexOf('\r\n\r\n', 0, 'latin1');
      if (end !== -1) {
        const headText = this.#buf.subarray(0, end).toString('latin1');
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(headText);
        const status = Number(headText.split(' ')[1]);
        const noBody = isHead || status === 204 || status === 304 || (status >= 100 && status < 200);
        const need = end + 4 + (noBody ? 0 : m ? Number(m[1]) : Infinity);
        if (this.#buf.length >= need || (this.closed && !m)) {
          const take = Math.min(need, this.#buf.length);
          const [res] = parseResponses(this.#buf.subarray(0, take), [noBody]);
          this.#buf = this.#buf.subarray(take);
          return res!;
        }
      }
      if (this.closed) throw new Error(`connection closed; buffered ${JSON.stringify(this.#buf.toString('latin1'))}`);
      if (Date.now() > deadline) throw new Error('timed out waiting for a response');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait until the server closes the connection (or the timeout passes); true if closed. */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closed;
  }

  close(): void {
    this.#sock.destroy();
  }
}
