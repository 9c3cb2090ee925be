/**
 * Every socket the core owns (listeners, clients, backends, management sessions), so the
 * management commands `socks`, `states` and `socks summary` can list them the way
 * Danga::Socket's DescriptorMap lets Perlbal do. Entries carry Perlbal's class names.
 */
import type { Socket } from 'node:net';
import { nowSeconds } from './util/clock.js';

export interface TrackedSocket {
  /** File descriptor (or a stand-in number where the platform hides it). */
  readonly fd: number;
  /** Epoch seconds when it was created. */
  readonly createdAt: number;
  /** Perlbal class name: `Perlbal::ClientHTTP`, `Perlbal::TCPListener`, ... */
  readonly perlbalClass: string;
  /** Current state (`persist_wait`, `xfer_resp`, `bored`, ...) or '' for listeners. */
  readonly state: string;
  /** Name of the service it belongs to, when it has one. */
  readonly serviceName: string | null;
  /** Danga::Socket watch mask: R, W, RW or '' */
  readonly watchMask: string;
  /** Perlbal's as_string() for this socket. */
  asString(): string;
}

let fakeFd = 100000;

/** The descriptor number of a socket, as `socks` prints it. */
export function socketFd(sock: Socket | undefined | null): number {
  const fd = (sock as unknown as { _handle?: { fd?: number } } | null)?._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : fakeFd++;
}

/** `Class(RW): open to ip:port` — the Danga::Socket part of as_string. */
export function baseAsString(t: TrackedSocket, peer: string | null, closed = false): string {
  const mask = t.watchMask ? `(${t.watchMask})` : '';
  return `${t.perlbalClass}${mask}: ${closed ? 'closed' : 'open'}${peer ? ` to ${peer}` : ''}`;
}

export class SocketRegistry {
  readonly #all = new Set<TrackedSocket>();

  add(t: TrackedSocket): void {
    this.#all.add(t);
  }

  has(t: TrackedSocket): boolean {
    return this.#all.has(t);
  }

  delete(t: TrackedSocket): void {
    this.#all.delete(t);
  }

  get size(): number {
    return this.#all.size;
  }

  /** Sorted by fd, as `socks` prints them. */
  list(): TrackedSocket[] {
    return [...this.#all].sort((a, b) => a.fd - b.fd);
  }

  ageOf(t: TrackedSocket): number {
    return nowSeconds() - t.createdAt;
  }
}
