/**
 * A listening TCP socket for one service (Perlbal::TCPListener). Listeners are keyed by
 * address, not by service: when a config change moves an address to another service, or
 * changes a service's settings, the same socket is re-pointed instead of being closed and
 * re-bound, so no connection attempt is refused during a reload.
 * With TLS on, accepted sockets are wrapped with the listener's current certificates (chosen
 * by SNI name when the service has several); a certificate reload swaps them for new
 * connections only.
 */
import net from 'node:net';
import { PerlbalError } from '../../common/errors.js';
import { baseAsString, socketFd, type TrackedSocket } from '../socket-registry.js';
import { nowSeconds } from '../util/clock.js';
import type { Service } from '../service/service.js';
import type { ListenerTls } from '../tls/listener-tls.js';

/** Perlbal's listen backlog. */
const BACKLOG = 1024;

export type AcceptFn = (service: Service, socket: net.Socket, isTls: boolean) => void;

/** `ip:port` or a bare port (all interfaces) -> host and port. */
export function parseListenAddress(listen: string): { host: string; port: number; key: string } {
  const m = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\d+)$/.exec(listen);
  if (!m) throw new PerlbalError('PB_ERR_LISTEN_FAILED', `bad listen address '${listen}'`);
  const host = m[1] ?? '0.0.0.0';
  const port = Number(m[2]);
  return { host, port, key: `${host}:${port}` };
}

export class TcpListener implements TrackedSocket {
  readonly perlbalClass = 'Perlbal::TCPListener';
  readonly createdAt = nowSeconds();
  readonly state = '';
  readonly hostport: string;
  service: Service;
  /** Certificates when the service has enable_ssl; swapped on config changes and reloads. */
  tls: ListenerTls | null = null;
  #server: net.Server;
  #fd = -1;
  #accept: AcceptFn;

  private constructor(hostport: string, service: Service, server: net.Server, accept: AcceptFn) {
    this.hostport = hostport;
    this.service = service;
    this.#server = server;
    this.#accept = accept;
  }

  /** Bind and listen; rejects with Perlbal's wording when the address can't be used. */
  static async open(listen: string, service: Service, accept: AcceptFn): Promise<TcpListener> {
    const { host, port } = parseListenAddress(listen);
    // allowHalfOpen: a client that shuts down its sending side still gets its response.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false });
    const listener = new TcpListener(listen, service, server, accept);
    server.on('connection', (sock) => listener.#onConnection(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const text = err.code === 'EADDRINUSE' ? 'Address already in use' : err.message;
        reject(
          new PerlbalError(
            err.code === 'EADDRINUSE' ? 'PB_ERR_LISTEN_IN_USE' : 'PB_ERR_LISTEN_FAILED',
            `Can't start service '${service.name}' on ${listen}: Error creating listening socket: ${text}`,
            { service: service.name, listen, syscallCode: err.code },
          ),
        );
      });
      server.listen({ host, port, backlog: BACKLOG, exclusive: true }, () => resolve());
    });
    server.on('error', () => {
      /* accept errors (EMFILE) are transient; Node retries */
    });
    listener.#fd = socketFd(server as unknown as net.Socket);
    return listener;
  }

  get fd(): number {
    return this.#fd;
  }

  get serviceName(): string {
    return this.service.name;
  }

  get watchMask(): string {
    return 'R';
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    const a = this.#server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  asString(): string {
    return `${baseAsString(this, null)}: listening on ${this.hostport} for service '${this.service.name}'`;
  }

  #onConnection(sock: net.Socket): void {
    const svc = this.service;
    const sndbuf = svc.settings.clientSndbufSize;
    if (sndbuf > 0) trySetSndbuf(sock, sndbuf);
    const lt = this.tls;
    if (!lt) return this.#accept(svc, sock, false);
    // The handshake (Perlbal's 60 s limit, SNI, client certificates) is the TLS server's job;
    // the service is looked up again once it is done, as a config change may have moved it.
    lt.handshake(sock, (tsock) => this.#accept(this.service, tsock, true));
  }

  /**
   * Stop accepting now; established connections carry on. (net.Server's close callback
   * waits for every connection to end, which a DISABLE must not do.)
   */
  close(): void {
    this.#server.close();
    this.tls?.close();
  }
}

function trySetSndbuf(sock: net.Socket, size: number): void {
  const handle = (sock as unknown as { _handle?: { setSendBufferSize?: (n: number) => void } })._handle;
  try {
    handle?.setSendBufferSize?.(size);
  } catch {
    /* best effort, as Perlbal's setsockopt */
  }
}
