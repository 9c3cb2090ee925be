/**
 * A real backend on 127.0.0.1 for reverse-proxy tests: Perlbal::Test::WebServer's behaviour
 * (commands in the URI path, HTTP/1.0 answers with a bare-LF `Connection:` line, one request
 * at a time per connection) plus a record of every byte it received and hooks for misbehaving
 * on purpose (raw bytes, hangs, resets, short or long bodies, slow drips).
 */
import net from 'node:net';
import { onTestFinished } from 'vitest';
import {
  answerCommands,
  contentLengthOf,
  parseRequestLine,
  refusesBody,
  REASONS,
  type ConnectionState,
} from './test-backend-commands.js';
import { PerlHeaders } from './perl-http-headers.js';

export type HeaderList = Array<[string, string]>;

/** One request as the backend received it. */
export interface BackendRequest {
  /** 1-based connection number on this backend (also the `pid` its `status` reports, plus pidBase). */
  connection: number;
  /** The exact head bytes, request line to the blank line included. */
  head: Buffer;
  /** `head` as latin1 text, for assertions. */
  headText: string;
  requestLine: string;
  method: string;
  uri: string;
  /** `1.0`, `1.1`, ... as sent. */
  version: string;
  /** Header lines in order, names as sent, values without the leading whitespace. */
  headers: HeaderList;
  /** The body bytes read (the head's Content-Length; the backend never reads chunked bodies). */
  body: Buffer;
  isOptions: boolean;
}

/** What happens to the connection after a custom reply. */
export type After = 'keep' | 'close' | 'hang' | 'reset';

/**
 * A custom answer. `'hang'` never answers; `'reset'` resets the connection (RST) and
 * `'close'` closes it (FIN) without a byte. A `status` reply is formatted like the Perl
 * backend's; `raw` bytes are written as they are; a `drip` writes `bytes` bytes every
 * `intervalMs`. `then` says what happens after the bytes (default: close).
 */
export type Reply =
  | 'hang'
  | 'reset'
  | 'close'
  | { status: number; reason?: string; headers?: HeaderList; body?: string | Buffer; keepAlive?: boolean }
  | { raw: string | Buffer; then?: After }
  | { drip: string | Buffer; bytes?: number; intervalMs?: number; then?: After };

/** Returning undefined lets the standard command behaviour answer. */
export type Handler = (req: BackendRequest) => Reply | undefined | Promise<Reply | undefined>;

export interface BackendOptions {
  /** Added to connection numbers to make the `pid = N` lines (distinct per backend in a test). */
  pidBase?: number;
  /** Close the backend when the current test finishes (default true; false outside a test). */
  closeAfterTest?: boolean;
}

export interface TestBackend {
  readonly port: number;
  /** `127.0.0.1:<port>`, for POOL ADD. */
  readonly hostport: string;
  /** Every request received, in arrival order (OPTIONS included). */
  readonly requests: BackendRequest[];
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections currently open. */
  readonly openConnections: number;
  /** OPTIONS requests received (verify_backend). */
  readonly optionsSeen: number;
  /** `kill:<pid>:<sig>` and `reproxy_url_cached` record here instead of signalling. */
  readonly signals: Array<{ pid: number; sig: string }>;
  /** Install a handler for non-OPTIONS requests (or for all with `includeOptions`). */
  handle(fn: Handler | null, opts?: { includeOptions?: boolean }): void;
  /** What a new connection gets before any request: served (default), or closed, reset, ignored. */
  onConnect: 'serve' | 'close' | 'reset' | 'hang';
  /** Poll (bounded) until `pred` holds; throws with the request log on timeout. */
  waitFor(pred: (b: TestBackend) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Where the head ends: after the first line that is empty (`\n` or `\r\n`), as Perl reads lines. */
export function headEnd(buf: Buffer): number {
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    if (nl === -1) return -1;
    if (nl === start || (nl === start + 1 && buf[start] === 13)) return nl + 1;
    start = nl + 1;
  }
}

function parseHead(head: Buffer, connection: number): Omit<BackendRequest, 'body'> {
  const headText = head.toString('latin1');
  const lines = headText.split(/\r?\n/);
  const requestLine = lines[0] ?? '';
  const [method = '', uri = '', proto = ''] = requestLine.split(' ');
  const headers: HeaderList = [];
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (l === '' || i <= 0) continue;
    headers.push([l.slice(0, i), l.slice(i + 1).replace(/^[ \t]+/, '')]);
  }
  const version = proto.replace(/^HTTP\//, '');
  return { connection, head, headText, requestLine, method, uri, version, headers, isOptions: method === 'OPTIONS' };
}

/** The Perl backend's response format, for custom `status` replies. */
function formatReply(r: Extract<Reply, { status: number }>, keepAlive: boolean): Buffer {
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'latin1') : (r.body ?? Buffer.alloc(0));
  const headers = r.headers ?? [];
  let head = `HTTP/1.0 ${r.status} ${r.reason ?? REASONS[r.status] ?? ''}\r\n`;
  head += `Connection: ${keepAlive ? 'keep-alive' : 'close'}\nContent-Length: ${body.length}\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  const typed = headers.some(([k]) => k.toLowerCase() === 'content-type');
  if (!typed && r.status !== 204) head += 'Content-Type: text/plain\r\n';
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}

/** The Perl backend's keep-alive rule for a request (before any keepalive: command). */
function requestWantsKeepAlive(req: BackendRequest): boolean {
  const conn = PerlHeaders.parseRequest(req.headText).get('Connection') ?? '';
  if (req.version === '1.1') return !/\bclose\b/i.test(conn);
  return req.version === '1.0' && /\bkeep-alive\b/i.test(conn);
}

export async function startBackend(opts: BackendOptions = {}): Promise<TestBackend> {
  const backend = new Backend(opts.pidBase ?? 0);
  await backend.listen();
  if (opts.closeAfterTest ?? true) onTestFinished(() => backend.close());
  return backend;
}

class Backend implements TestBackend {
  readonly requests: BackendRequest[] = [];
  readonly signals: Array<{ pid: number; sig: string }> = [];
  connections = 0;
  onConnect: TestBackend['onConnect'] = 'serve';
  readonly #server = net.createServer((sock) => this.#accept(sock));
  readonly #open = new Set<net.Socket>();
  readonly #pidBase: number;
  #handler: Handler | null = null;
  #handlerSeesOptions = false;
  #port = 0;

  constructor(pidBase: number) {
    this.#pidBase = pidBase;
  }

  get port(): number {
    return this.#port;
  }

  get hostport(): string {
    return `127.0.0.1:${this.#port}`;
  }

  get openConnections(): number {
    return this.#open.size;
  }

  get optionsSeen(): number {
    return this.requests.filter((r) => r.isOptions).length;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', resolve);
    });
    this.#port = (this.#server.address() as net.AddressInfo).port;
  }

  handle(fn: Handler | null, opts: { includeOptions?: boolean } = {}): void {
    this.#handler = fn;
    this.#handlerSeesOptions = opts.includeOptions ?? false;
  }

  async waitFor(pred: (b: TestBackend) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this)) {
      if (Date.now() > deadline) {
        throw new Error(`backend: condition not met; received ${JSON.stringify(this.requests.map((r) => r.requestLine))}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const s of this.#open) s.destroy();
    this.#open.clear();
    if (!this.#server.listening) return;
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #accept(sock: net.Socket): void {
    const id = ++this.connections;
    this.#open.add(sock);
    sock.on('close', () => this.#open.delete(sock));
    sock.on('error', () => {});
    sock.setNoDelay(true);
    if (this.onConnect === 'reset') return void sock.resetAndDestroy();
    if (this.onConnect === 'close') return void sock.end();
    if (this.onConnect === 'hang') return;
    new BackendConnection(sock, id, { pid: this.#pidBase + id, reqNum: 0, didOptions: false }, this).start();
  }

  /** Called by a connection for each complete request; returns what to do next. */
  async serve(req: BackendRequest, state: ConnectionState, sock: net.Socket): Promise<After> {
    this.requests.push(req);
    const custom = this.#handler && (!req.isOptions || this.#handlerSeesOptions) ? await this.#handler(req) : undefined;
    if (custom !== undefined) return this.#sendCustom(custom, req, sock);
    const answer = await answerCommands(req.headText, state, { signal: (pid, sig) => this.signals.push({ pid, sig }) });
    if (answer.response === null) return 'close';
    sock.write(Buffer.from(answer.response, 'latin1'));
    return answer.keepAlive ? 'keep' : 'close';
  }

  async #sendCustom(reply: Reply, req: BackendRequest, sock: net.Socket): Promise<After> {
    if (typeof reply === 'string') return reply;
    if ('status' in reply) {
      const keep = reply.keepAlive ?? requestWantsKeepAlive(req);
      sock.write(formatReply(reply, keep));
      return keep ? 'keep' : 'close';
    }
    if ('raw' in reply) {
      sock.write(typeof reply.raw === 'string' ? Buffer.from(reply.raw, 'latin1') : reply.raw);
      return reply.then ?? 'close';
    }
    const bytes = typeof reply.drip === 'string' ? Buffer.from(reply.drip, 'latin1') : reply.drip;
    const step = Math.max(1, reply.bytes ?? 1);
    for (let i = 0; i < bytes.length && !sock.destroyed; i += step) {
      sock.write(bytes.subarray(i, i + step));
      await new Promise((r) => setTimeout(r, reply.intervalMs ?? 20));
    }
    return reply.then ?? 'close';
  }
}

/** One accepted connection: reads requests one at a time, as the forked Perl child does. */
class BackendConnection {
  readonly #sock: net.Socket;
  readonly #id: number;
  readonly #state: ConnectionState;
  readonly #backend: Backend;
  #buf = Buffer.alloc(0);
  #ended = false;
  #busy = false;
  #done = false;

  constructor(sock: net.Socket, id: number, state: ConnectionState, backend: Backend) {
    this.#sock = sock;
    this.#id = id;
    this.#state = state;
    this.#backend = backend;
  }

  start(): void {
    this.#sock.on('data', (c: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, c]);
      void this.#pump();
    });
    this.#sock.on('end', () => {
      this.#ended = true;
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    while (!this.#busy && !this.#done) {
      const next = this.#take();
      if (next === 'wait') return;
      if (next === 'exit') return this.#finish('close');
      if (next.dies) {
        // Perl dies reading this body; the head still arrived, so it is on record.
        this.#backend.requests.push(next.req);
        return this.#finish('close');
      }
      this.#busy = true;
      const after = await this.#backend.serve(next.req, this.#state, this.#sock);
      this.#busy = false;
      if (after !== 'keep') return this.#finish(after);
    }
  }

  /** The next request; 'wait' for more bytes; 'exit' where the Perl child exits quietly. */
  #take(): { req: BackendRequest; dies: boolean } | 'wait' | 'exit' {
    let end = headEnd(this.#buf);
    if (end === -1) {
      // At EOF Perl goes on with whatever partial head it read; with nothing, it exits.
      if (!this.#ended) return 'wait';
      if (this.#buf.length === 0) return 'exit';
      end = this.#buf.length;
    }
    const headText = this.#buf.subarray(0, end).toString('latin1');
    const clen = contentLengthOf(headText) ?? 0;
    const refused = clen > 0 && refusesBody(parseRequestLine(headText).method);
    const short = this.#buf.length < end + clen;
    if (short && !this.#ended && !refused) return 'wait';
    const head = Buffer.from(this.#buf.subarray(0, end));
    const body = refused ? Buffer.alloc(0) : Buffer.from(this.#buf.subarray(end, end + clen));
    this.#buf = this.#buf.subarray(Math.min(end + clen, this.#buf.length));
    return { req: { ...parseHead(head, this.#id), body }, dies: refused || short };
  }

  #finish(after: After): void {
    this.#done = true;
    if (after === 'reset') this.#sock.resetAndDestroy();
    // A Perl child exits: the socket closes both ways once the bytes are out.
    else if (after === 'close') this.#sock.end(() => this.#sock.destroy());
    // 'hang': leave the socket open and unread until the backend closes.
  }
}
