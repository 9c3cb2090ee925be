/**
 * EchoService (Perlbal::Plugin::EchoService): LOAD adds the `echo` role, a line echo server
 * with no HTTP. Each line read is written back with CRLF, after `echo_delay` seconds when set.
 * It is Perlbal's example of a plugin-defined role; here it shows the same through
 * PerlbalPlugin.roles.
 *
 * Perlbal's line pattern `^(.+?)\r?\n` never matches an empty line, so one blank LF line
 * wedged the session for good (and a blank CRLF line came back as `\r\r\n`). Empty lines are
 * echoed as an empty line here.
 */
import type { Socket } from 'node:net';
import {
  baseAsString,
  nowSeconds,
  socketFd,
  type CoreContext,
  type PerlbalPlugin,
  type Service,
  type TrackedSocket,
} from './plugin-api.js';

const LINE = /^(.*?)\r?\n/;

export const echoServicePlugin: PerlbalPlugin = {
  name: 'echoservice',
  roles: {
    echo: (svc, socket, core) => void new EchoClient(svc, socket, core),
  },
};

/** Perlbal::Plugin::EchoService::Client. */
export class EchoClient implements TrackedSocket {
  readonly perlbalClass = 'Perlbal::Plugin::EchoService::Client';
  readonly createdAt = nowSeconds();
  readonly state = '';
  readonly fd: number;
  readonly service: Service;
  readonly #socket: Socket;
  readonly #core: CoreContext;
  readonly #peer: string;
  readonly #timers = new Set<NodeJS.Timeout>();
  #buf = '';
  #closed = false;

  constructor(service: Service, socket: Socket, core: CoreContext) {
    this.service = service;
    this.#socket = socket;
    this.#core = core;
    this.fd = socketFd(socket);
    this.#peer = `${(socket.remoteAddress ?? '').replace(/^::ffff:/, '')}:${socket.remotePort ?? 0}`;
    // latin1 keeps every byte as one char, so any bytes come back unchanged.
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => this.#onRead(d));
    socket.on('error', () => this.close('error'));
    socket.on('close', () => this.close('remote_closure'));
    core.sockets.add(this);
  }

  get serviceName(): string {
    return this.service.name;
  }

  get watchMask(): string {
    return this.#closed ? '' : this.#socket.writableLength > 0 ? 'RW' : 'R';
  }

  asString(): string {
    return baseAsString(this, this.#peer, this.#closed);
  }

  #onRead(data: string): void {
    this.#buf += data;
    for (let m = LINE.exec(this.#buf); m; m = LINE.exec(this.#buf)) {
      this.#buf = this.#buf.slice(m[0].length);
      const out = `${m[1]}\r\n`;
      // Read per line, as Perlbal reads $service->{extra_config}->{echo_delay}.
      const delay = this.service.num('echo_delay');
      if (delay > 0) this.#later(delay * 1000, out);
      else this.#write(out);
    }
  }

  #later(ms: number, out: string): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      this.#write(out);
    }, ms);
    this.#timers.add(t);
  }

  #write(out: string): void {
    if (!this.#closed) this.#socket.write(out, 'latin1');
  }

  close(reason = 'close'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#core.log('debug', `closing echo client ${this.#peer}: ${reason}`);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#core.sockets.delete(this);
    this.#socket.destroy();
  }
}
