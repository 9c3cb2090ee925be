/**
 * Upload progress for LiveJournal's upload bar (Perlbal ClientProxy::handle_upload_tracking
 * and event_read's UDP send): a request tagged `client_up_sess=<id>` reports its body's
 * progress to upload_status_listeners at most once a second, and `/__upload_status` is
 * answered by the proxy from the core's UploadStatusTable (filled by upload_tracker).
 */
import dgram from 'node:dgram';
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import { HttpHeaders } from '../../http/http-headers.js';
import type { Service } from '../../service/service.js';
import { nowSeconds } from '../../util/clock.js';

const SESSION = /[?&]client_up_sess=(\w{5,50})\b/;
const STATUS_URI = /^\/__upload_status\?/;
const CACHE_KEY = 'upload-status-listeners';

interface Endpoint {
  host: string;
  port: number;
}

/** Perlbal sends from one UDP socket per process, made on first use. */
let udp: dgram.Socket | null = null;

function udpSocket(): dgram.Socket {
  if (udp === null) {
    udp = dgram.createSocket('udp4');
    // Perlbal ignores send errors (nobody listening, for instance); so do we.
    udp.on('error', () => {});
    udp.unref();
  }
  return udp;
}

/** upload_status_listeners as a list, parsed once per value (the tunable is already checked). */
function listeners(svc: Service, raw: string): Endpoint[] {
  const cached = svc.scratch.get(CACHE_KEY) as { raw: string; list: Endpoint[] } | undefined;
  if (cached?.raw === raw) return cached.list;
  const list: Endpoint[] = [];
  for (const ipa of raw.split(/\s*,\s*/)) {
    const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(ipa);
    if (m) list.push({ host: m[1]!, port: Number(m[2]) });
  }
  svc.scratch.set(CACHE_KEY, { raw, list });
  return list;
}

/** The session a request is tagged with, or null (also when the service tracks nothing). */
export function uploadSession(svc: Service, uri: string): string | null {
  const raw = svc.str('upload_status_listeners');
  // Perl truthiness of the tunable's string, as Perlbal tests it.
  if (raw === null || raw === '' || raw === '0') return null;
  return SESSION.exec(uri)?.[1] ?? null;
}

export function isUploadStatusRequest(uri: string): boolean {
  return STATUS_URI.test(uri);
}

/**
 * The proxy's own answer to `/__upload_status`: 200, text/plain, keep-alive as usual and no
 * Server header. The body looks like JSON but its keys are unquoted, as Perlbal wrote it.
 */
export function answerUploadStatus(client: ClientHTTPBase, session: string): void {
  const status = client.core.uploadStatus.get(session);
  const body = status
    ? `{done:${status.done},total:${status.total},starttime:${status.starttime},nowtime:${nowSeconds()}}`
    : '{}';
  const res = HttpHeaders.newResponse(200);
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  client.setupKeepalive(res);
  client.resHeaders = res;
  client.state = 'xfer_resp';
  client.write(res.toString() + body);
  client.responseDone();
}

/** Sends `UPLOAD:<sess>:<done>:<total>:<since>:<now>` while a tagged body is being read. */
export class UploadProgress {
  readonly #session: string;
  readonly #total: number;
  readonly #since: number;
  readonly #endpoints: Endpoint[];
  #lastPacket = 0;

  /** `since` is the request's start (Perlbal last_request_time), in epoch seconds. */
  constructor(svc: Service, session: string, total: number, since: number) {
    this.#session = session;
    this.#total = total;
    this.#since = since;
    this.#endpoints = listeners(svc, svc.str('upload_status_listeners') ?? '');
  }

  /** `done` body bytes have arrived. Nothing is sent once the body is complete. */
  received(done: number): void {
    if (done >= this.#total) return;
    const now = nowSeconds();
    if (now === this.#lastPacket) return;
    this.#lastPacket = now;
    const packet = Buffer.from(
      `UPLOAD:${this.#session}:${done}:${this.#total}:${this.#since}:${now}`,
      'latin1',
    );
    const sock = udpSocket();
    for (const ep of this.#endpoints) sock.send(packet, ep.port, ep.host);
  }
}
