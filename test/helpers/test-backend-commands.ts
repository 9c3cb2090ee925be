/**
 * The request semantics of Perlbal::Test::WebServer (Perlbal 1.80, t/lib): the URI path is a
 * comma-separated command list, and every answer is an HTTP/1.0 response whose `Connection:`
 * line ends in a bare LF. Ported line by line from serve_client, quirks included (the
 * status line is built when a command runs, so `status,keepalive:0` says keep-alive and
 * then closes); only the per-connection child pid becomes a per-connection number.
 */
import net from 'node:net';
import { PerlHeaders } from './perl-http-headers.js';

/** What one backend connection remembers between requests (the forked child's variables). */
export interface ConnectionState {
  /** Stands in for the child's `$$`: unique per connection, so tests can tell them apart. */
  readonly pid: number;
  reqNum: number;
  didOptions: boolean;
}

/** Side effects a command can have outside its connection. */
export interface CommandEffects {
  /** `kill:<pid>:<sig>` and `reproxy_url_cached` signal the test process; we record it. */
  signal(pid: number, sig: string): void;
}

export interface CommandAnswer {
  /** The response bytes (latin1 text), or null when the child would die without answering. */
  response: string | null;
  /** Whether the child loops for another request on this connection after sending. */
  keepAlive: boolean;
}

/** The parsed request line, as the backend's regex sees it. */
export interface RequestLine {
  method: string | undefined;
  commands: string[];
  /** 0 for HTTP/1.0, 1 for HTTP/1.1, null for other 1.x; 0 when the line didn't match. */
  httpver: 0 | 1 | null;
  matched: boolean;
}

/** The only reason phrases the Perl backend knows; other codes get an empty one. */
export const REASONS: Record<number, string> = { 200: 'OK', 500: 'Internal Server Error', 204: 'No Content' };

/** `durl`: `+` is a space, `%XX` a byte. */
export function durl(s: string): string {
  return s.replace(/\+/g, ' ').replace(/%([a-fA-F0-9]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Perl's split on commas with optional spaces around them: trailing empty fields are dropped. */
function perlSplit(s: string): string[] {
  const parts = s.split(/\s*,\s*/);
  while (parts.length > 0 && parts.at(-1) === '') parts.pop();
  return parts;
}

export function parseRequestLine(head: string): RequestLine {
  const m = /^([A-Z]+) \/?(\S+) HTTP\/(1\.\d+)\r?\n?/.exec(head);
  if (!m) return { method: undefined, commands: [], httpver: 0, matched: false };
  const httpver = m[3] === '1.0' ? 0 : m[3] === '1.1' ? 1 : null;
  return { method: m[1], commands: perlSplit(durl(m[2]!)), httpver, matched: true };
}

/** `$clen`: the last `content-length: N` line of the head, or null. */
export function contentLengthOf(head: string): number | null {
  let clen: number | null = null;
  for (const line of head.split(/(?<=\n)/)) {
    const m = /^content-length:\s*(\d+)/i.exec(line);
    if (m) clen = Number(m[1]);
  }
  return clen;
}

/** `die "Can't read a body on a GET or HEAD"` (an unanchored alternation, as in the source). */
export function refusesBody(method: string | undefined): boolean {
  return /^GET|HEAD$/.test(method ?? '');
}

interface ResponseOpts {
  code?: number;
  content?: string;
  type?: string;
  headers?: string;
}

/** One request's run through the command loop; mirrors serve_client's locals. */
class Exchange {
  keepingAlive: string | number | undefined;
  readonly #line: RequestLine;
  readonly #msg: PerlHeaders;

  constructor(line: RequestLine, msg: PerlHeaders) {
    this.#line = line;
    this.#msg = msg;
  }

  /** The `$response` closure: decides keep-alive the first time it runs, as Perl does. */
  response(opts: ResponseOpts = {}): string {
    const code = opts.code || 200;
    const reason = REASONS[code] ?? '';
    const content = opts.content ?? '';
    let extra = opts.headers ?? '';
    const ctype = opts.type || (code === 204 ? '' : 'text/plain');
    if (ctype) extra += `Content-Type: ${ctype}\r\n`;
    if (this.keepingAlive === undefined) {
      const conn = this.#msg.get('Connection') ?? '';
      if (this.#line.httpver === 1) this.keepingAlive = /\bclose\b/i.test(conn) ? 0 : '1.1implicit';
      if (this.#line.httpver === 0 && /\bkeep-alive\b/i.test(conn)) this.keepingAlive = '1.0keepalive';
    }
    const connection = perlTrue(this.keepingAlive) ? 'Connection: keep-alive\n' : 'Connection: close\n';
    return `HTTP/1.0 ${code} ${reason}\r\n${connection}Content-Length: ${Buffer.byteLength(content, 'latin1')}\r\n${extra}\r\n${content}`;
  }
}

function perlTrue(v: string | number | undefined): boolean {
  return v !== undefined && v !== 0 && v !== '0' && v !== '';
}

/**
 * Answer one request (head as latin1 text, body length already read) the way the Perl test
 * backend does, running the commands in order (sleeps really wait).
 */
export async function answerCommands(head: string, conn: ConnectionState, effects: CommandEffects): Promise<CommandAnswer> {
  const line = parseRequestLine(head);
  if (line.matched) conn.reqNum++;
  const msg = PerlHeaders.parseRequest(head);
  const ex = new Exchange(line, msg);
  const done = (response: string): CommandAnswer => ({ response, keepAlive: perlTrue(ex.keepingAlive) });
  if (line.commands.length === 0 || line.httpver === null) return done(ex.response({ code: 500 }));
  if (line.method === 'OPTIONS') {
    conn.didOptions = true;
    return done(ex.response({ code: 200 }));
  }
  let toSend: string | undefined;
  for (const raw of line.commands) {
    const out = await runCommand(raw.trim(), { ex, conn, msg, line, effects, head });
    if (out !== undefined) toSend = out;
  }
  return done(toSend ?? ex.response());
}

interface CommandScope {
  ex: Exchange;
  conn: ConnectionState;
  msg: PerlHeaders;
  line: RequestLine;
  effects: CommandEffects;
  head: string;
}

/** One command; returns a new `$to_send` when the command sets one. */
async function runCommand(cmd: string, s: CommandScope): Promise<string | undefined> {
  let m: RegExpExecArray | null;
  let toSend: string | undefined;
  if ((m = /^sleep:([\d.]+)$/i.exec(cmd))) await new Promise((r) => setTimeout(r, parseFloat(m![1]!) * 1000 || 0));
  if ((m = /^keepalive:([01])$/i.exec(cmd))) s.ex.keepingAlive = m[1];
  if (cmd === 'status') {
    const len = contentLengthOf(s.head) ?? 0;
    const bu = s.msg.get('X-PERLBAL-BUFFERED-UPLOAD-REASON') ?? '';
    const content = `pid = ${s.conn.pid}\nreqnum = ${s.conn.reqNum}\nmethod = ${s.line.method}\nlength = ${len}\nbuffered = ${bu}\noptions = ${s.conn.didOptions ? 1 : 0}\n`;
    toSend = s.ex.response({ content });
  }
  if (cmd === 'reqdecr') s.conn.reqNum--;
  if ((m = /^kill:(\d+):(\w+)$/.exec(cmd))) s.effects.signal(Number(m[1]), m[2]!);
  if ((m = /^reproxy_url:(.+)/i.exec(cmd))) toSend = s.ex.response({ headers: `X-Reproxy-URL: ${m[1]}\r\n`, code: 204 });
  if ((m = /^reproxy_url204:(.+)/i.exec(cmd))) toSend = s.ex.response({ headers: `X-Reproxy-URL: ${m[1]}\r\n` });
  if ((m = /^reproxy_url_cached:(\d+):(.+)/i.exec(cmd))) {
    s.effects.signal(0, 'USR1');
    toSend = s.ex.response({
      headers: `X-Reproxy-URL: ${m[2]}\r\nX-Reproxy-Cache-For: ${m[1]}; Last-Modified Content-Type\r\nLast-Modified: 199\r\nContent-Type: application/badger\r\n`,
    });
  }
  if ((m = /^reproxy_url_multi:((?:\d+:){2,})(\S+)/i.exec(cmd))) {
    const urls = m[1]!.split(':').filter(Boolean).map((port) => `http://127.0.0.1:${port}${m![2]}`);
    toSend = s.ex.response({ headers: `X-Reproxy-URL: ${urls.join(' ')}\r\n` });
  }
  if ((m = /^reproxy_file:(.+)/i.exec(cmd))) toSend = s.ex.response({ headers: `X-Reproxy-File: ${m[1]}\r\n` });
  if ((m = /^subreq:(\d+)$/.exec(cmd))) {
    const subpid = await subrequestPid(Number(m[1]));
    toSend = s.ex.response({ content: `pid = ${s.conn.pid}\nsubpid = ${subpid}\nreqnum = ${s.conn.reqNum}\n` });
  }
  if (cmd === 'reflect_request_headers') toSend = s.ex.response({ content: s.msg.asString() });
  return toSend;
}

/** `subreq:<port>`: a WebClient request for `status` (HTTP/1.0, close); the pid it reports. */
async function subrequestPid(port: number): Promise<string> {
  const sock = net.connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  let buf = Buffer.alloc(0);
  const text = await new Promise<string>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(buf.toString('latin1'));
    };
    const timer = setTimeout(finish, 10_000);
    sock.on('connect', () => sock.write('GET /status HTTP/1.0\r\nConnection: close\r\n\r\n'));
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      // Like WebClient, stop once the announced body is in rather than waiting for a close.
      const end = buf.indexOf('\r\n\r\n');
      const cl = /\ncontent-length:\s*(\d+)/i.exec(buf.subarray(0, Math.max(end, 0)).toString('latin1'));
      if (end !== -1 && cl && buf.length >= end + 4 + Number(cl[1])) finish();
    });
    sock.on('error', () => {});
    sock.on('close', finish);
  });
  return /^pid = (\d+)$/m.exec(text)?.[1] ?? '';
}
