/**
 * A management connection (Perlbal::ClientManage): the line protocol, where each line is a
 * command run with this session's context (verbose on, its own `last_created`), or, when the
 * first bytes look like an HTTP request, the small HTML interface.
 *
 * Guarantees: commands run one at a time in arrival order; output lines end in CRLF; a line
 * matching Perlbal's `/^quit|exit$/` closes the session. Management sessions never time out.
 */
import type net from 'node:net';
import type { CommandContext } from '../../common/config/index.js';
import { baseAsString, socketFd, type SocketRegistry, type TrackedSocket } from '../socket-registry.js';
import type { Service } from '../service/service.js';
import { nowSeconds } from '../util/clock.js';
import { managementPage, type HttpUiHost } from './http-ui.js';
import { runCommandWithEffects, type ServerEffectsHost } from './server-effects.js';

export interface ManageSessionHost extends HttpUiHost, ServerEffectsHost {
  readonly sockets: SocketRegistry;
}

/** Perlbal reads 1 KiB before deciding; an HTTP request head may be up to this big. */
const MAX_HTTP_HEAD = 102400;
/** The longest management command line accepted (commands are short; a flood is not). */
const MAX_LINE = 65536;

export class ClientManage implements TrackedSocket {
  readonly perlbalClass = 'Perlbal::ClientManage';
  readonly createdAt = nowSeconds();
  readonly state = '';
  readonly fd: number;
  readonly service: Service;
  readonly #host: ManageSessionHost;
  readonly #sock: net.Socket;
  readonly #peer: string;
  readonly #ctx: CommandContext = { lastCreated: null, verbose: true, phase: 'running' };
  #buf = '';
  #mode: 'unknown' | 'lines' | 'http' | 'answered' = 'unknown';
  #busy = false;
  #closed = false;

  constructor(host: ManageSessionHost, service: Service, sock: net.Socket) {
    this.#host = host;
    this.service = service;
    this.#sock = sock;
    this.fd = socketFd(sock);
    this.#peer = `${(sock.remoteAddress ?? '').replace(/^::ffff:/, '')}:${sock.remotePort ?? 0}`;
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => this.#onData(d));
    sock.on('error', () => this.close());
    sock.on('close', () => this.close());
    host.sockets.add(this);
  }

  get serviceName(): string {
    return this.service.name;
  }

  get watchMask(): string {
    return this.#closed ? '' : 'R';
  }

  asString(): string {
    return baseAsString(this, this.#peer, this.#closed);
  }

  #onData(d: string): void {
    // After the HTTP answer nothing more is read; keeping it would grow without bound.
    if (this.#mode === 'answered') return;
    this.#buf += d;
    if (this.#mode === 'unknown') {
      this.#mode = /^(?:HEAD|GET|POST) /.test(this.#buf) ? 'http' : 'lines';
    }
    // A "line" with no end in sight is not a command; Perlbal buffered it forever.
    if (this.#mode === 'lines' && this.#buf.length - this.#buf.lastIndexOf('\n') - 1 > MAX_LINE)
      return this.close();
    if (this.#mode === 'http') return this.#onHttpData();
    void this.#drainLines();
  }

  async #drainLines(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (;;) {
        // A bare LF with nothing before it wedged Perlbal's session for good; skip it.
        this.#buf = this.#buf.replace(/^\n+/, '');
        // Perlbal's /^(.+?)\r?\n/, where `.` also matches \r (JS `.` does not).
        const m = /^([^\n]+?)\r?\n/.exec(this.#buf);
        if (!m || this.#closed) break;
        this.#buf = this.#buf.slice(m[0].length);
        const line = m[1]!;
        if (/^quit|exit$/.test(line)) return this.close();
        const out = await runCommandWithEffects(this.#host, line, this.#ctx);
        if (this.#closed) break;
        if (out.length) this.#sock.write(out.map((l) => `${l}\r\n`).join(''));
      }
    } finally {
      this.#busy = false;
    }
  }

  #onHttpData(): void {
    const end = this.#buf.search(/\r?\n\r?\n/);
    if (end === -1) {
      if (this.#buf.length > MAX_HTTP_HEAD) this.close();
      return;
    }
    const requestLine = this.#buf.split(/\r?\n/, 1)[0]!;
    const m = /^(\w+) (\S*) HTTP\/\d+\.\d+$/.exec(requestLine);
    this.#mode = 'answered';
    this.#buf = '';
    if (!m) return this.close();
    void managementPage(this.#host, m[2]!).then((res) => {
      if (this.#closed) return;
      this.#sock.end(res, 'latin1');
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.sockets.delete(this);
    this.#sock.destroy();
  }
}
