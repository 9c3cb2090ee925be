/**
 * The upload_tracker role (Perlbal::UploadListener): a UDP socket collecting
 * `UPLOAD:<session>:<done>:<total>:<start>:<now>` datagrams from reverse proxies, so that
 * `/__upload_status?client_up_sess=...` can report an upload's progress (LiveJournal's
 * progress bar). The status table is shared by the whole core, as Perlbal's is per process.
 */
import dgram from 'node:dgram';
import { PerlbalError } from '../../common/errors.js';
import { parseListenAddress } from '../net/tcp-listener.js';
import { baseAsString, type TrackedSocket } from '../socket-registry.js';
import { nowSeconds } from '../util/clock.js';
import type { Service } from '../service/service.js';

const PACKET = /^UPLOAD:(\w{5,50}):(\d+):(\d+):(\d+):(\d+)$/;
/** Entries untouched this long are dropped when newer packets arrive. */
const STALE_SECONDS = 4;

export interface UploadStatus {
  done: number;
  total: number;
  starttime: number;
  lasttouch: number;
}

export class UploadStatusTable {
  readonly #status = new Map<string, UploadStatus>();
  #todelete: Array<[number, string]> = [];

  get(session: string): UploadStatus | undefined {
    return this.#status.get(session);
  }

  /** Record one datagram; returns false if it is not an UPLOAD packet. */
  record(packet: string, now = nowSeconds()): boolean {
    const m = PACKET.exec(packet);
    if (!m) return false;
    const session = m[1]!;
    this.#status.set(session, { done: Number(m[2]), total: Number(m[3]), starttime: Number(m[4]), lasttouch: now });
    this.#todelete.push([now, session]);
    const tooOld = now - STALE_SECONDS;
    while (this.#todelete.length && this.#todelete[0]![0] < tooOld) {
      const [, victim] = this.#todelete.shift()!;
      const rec = this.#status.get(victim);
      if (rec && rec.lasttouch < tooOld) this.#status.delete(victim);
    }
    return true;
  }
}

export class UploadListener implements TrackedSocket {
  readonly perlbalClass = 'Perlbal::UploadListener';
  readonly createdAt = nowSeconds();
  readonly state = '';
  readonly watchMask = 'R';
  readonly hostport: string;
  service: Service;
  #sock: dgram.Socket;

  private constructor(hostport: string, service: Service, sock: dgram.Socket) {
    this.hostport = hostport;
    this.service = service;
    this.#sock = sock;
  }

  static async open(listen: string, service: Service, table: UploadStatusTable): Promise<UploadListener> {
    const { host, port } = parseListenAddress(listen);
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const listener = new UploadListener(listen, service, sock);
    await new Promise<void>((resolve, reject) => {
      sock.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new PerlbalError(
            'PB_ERR_LISTEN_FAILED',
            `Can't start service '${service.name}' on ${listen}: Error creating listening socket: ${err.message}`,
            { service: service.name, listen, syscallCode: err.code },
          ),
        ),
      );
      sock.bind(port, host, () => resolve());
    });
    sock.on('error', () => {});
    sock.on('message', (msg) => {
      if (msg.length <= 500) table.record(msg.toString('latin1'));
    });
    return listener;
  }

  get fd(): number {
    const h = (this.#sock as unknown as { _handle?: { fd?: number } })._handle;
    return typeof h?.fd === 'number' ? h.fd : -1;
  }

  get serviceName(): string {
    return this.service.name;
  }

  get port(): number {
    return this.#sock.address().port;
  }

  asString(): string {
    return `${baseAsString(this, null)}: listening on ${this.hostport} for service '${this.service.name}'`;
  }

  close(): void {
    this.#sock.close();
  }
}
