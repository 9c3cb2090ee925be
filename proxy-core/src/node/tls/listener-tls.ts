/**
 * The TLS side of one listening socket (Perlbal TCPListener's `sslopts`, made swappable): the
 * current certificates, the context each new connection gets (by SNI name), and reloads.
 * A reload builds complete new material first and swaps it in only if every file checks out,
 * so a half-written or bad certificate leaves the running one in place. Connections already
 * open keep the context they started with; nothing is closed or re-bound.
 * Handshakes run in a tls.Server that never listens itself: the TcpListener hands it each
 * accepted socket, and server.setSecureContext / SNICallback make the swap.
 */

/** Perlbal gives an SSL handshake 60 seconds (SocketSSL's ssl_handshake_timeout). */
const HANDSHAKE_MS = 60_000;
import type net from 'node:net';
import tls from 'node:tls';
import { PerlbalError } from '../../common/errors.js';
import { CertWatcher } from './cert-watcher.js';
import {
  contextForName,
  contextOptions,
  loadTlsMaterial,
  VERIFY_FAIL_IF_NO_PEER_CERT,
  VERIFY_PEER,
  type TlsMaterial,
  type TlsSettings,
} from './tls-material.js';

export interface TlsReloadResult {
  service: string;
  ok: boolean;
  /** Why the files were refused (the old certificates stay in use). */
  error?: PerlbalError;
  /** The files now in use (after a failure: the ones still in use). */
  files: readonly string[];
}

export class ListenerTls {
  readonly settings: TlsSettings;
  #material: TlsMaterial;
  #watcher: CertWatcher | null = null;
  #onReload: ((r: TlsReloadResult) => void) | null = null;
  readonly #server: tls.Server;
  #onSecure: (sock: tls.TLSSocket) => void = (sock) => sock.destroy();

  private constructor(settings: TlsSettings, material: TlsMaterial) {
    this.settings = settings;
    this.#material = material;
    this.#server = tls.createServer({
      ...contextOptions(material.defaultPair, settings, material.ca),
      SNICallback: this.sniCallback,
      handshakeTimeout: HANDSHAKE_MS,
      ...(this.requestCert ? { requestCert: true, rejectUnauthorized: false } : {}),
    });
    this.#server.on('secureConnection', (sock: tls.TLSSocket) => {
      if (this.requestCert && !this.#clientCertAccepted(sock)) return void sock.destroy();
      this.#onSecure(sock);
    });
    // A failed handshake (a client that doesn't trust us, a port scanner): close it quietly.
    this.#server.on('tlsClientError', (_err, sock) => sock.destroy());
  }

  /** Run the TLS handshake on an accepted socket; `onSecure` gets the TLS socket after it. */
  handshake(sock: net.Socket, onSecure: (sock: tls.TLSSocket) => void): void {
    this.#onSecure = onSecure;
    this.#server.emit('connection', sock);
  }

  /**
   * SSL_verify_mode with SSL_VERIFY_PEER: a certificate the CAs (ssl_ca_path) don't vouch for
   * is refused; no certificate at all only with FAIL_IF_NO_PEER_CERT too, as OpenSSL does.
   */
  #clientCertAccepted(sock: tls.TLSSocket): boolean {
    if (sock.authorized) return true;
    const peer = sock.getPeerCertificate();
    const presented = peer !== null && typeof peer === 'object' && Object.keys(peer).length > 0;
    return !presented && !this.requireCert;
  }

  /** Read and check everything; throws a PerlbalError naming the bad file. */
  static load(settings: TlsSettings): ListenerTls {
    return new ListenerTls(settings, loadTlsMaterial(settings));
  }

  get material(): TlsMaterial {
    return this.#material;
  }

  readonly sniCallback = (
    servername: string,
    cb: (err: Error | null, ctx?: tls.SecureContext) => void,
  ): void => {
    cb(null, contextForName(this.#material, servername));
  };

  /** SSL_verify_mode & SSL_VERIFY_PEER: ask clients for a certificate. */
  get requestCert(): boolean {
    return (this.settings.verifyMode & VERIFY_PEER) !== 0;
  }

  /** SSL_VERIFY_FAIL_IF_NO_PEER_CERT: a client without a certificate is refused. */
  get requireCert(): boolean {
    return this.requestCert && (this.settings.verifyMode & VERIFY_FAIL_IF_NO_PEER_CERT) !== 0;
  }

  /** Re-read the files; on failure the current certificates stay. */
  reload(now = new Date()): TlsReloadResult {
    try {
      const next = loadTlsMaterial(this.settings, now);
      // Clients without SNI get the server's own context; with SNI the callback reads #material.
      this.#server.setSecureContext(contextOptions(next.defaultPair, this.settings, next.ca));
      this.#material = next;
    } catch (e) {
      const error =
        e instanceof PerlbalError
          ? e
          : new PerlbalError('PB_ERR_TLS_CONFIG', String((e as Error).message), {
              service: this.settings.service,
            });
      return { service: this.settings.service, ok: false, error, files: this.#material.files };
    }
    // The SNI folder may have gained or lost files: watch what is in use now.
    if (this.#onReload) this.watch(this.#onReload);
    return { service: this.settings.service, ok: true, files: this.#material.files };
  }

  /** Reload when a file changes; `onReload` hears every attempt (for the log and the UI). */
  watch(onReload: (r: TlsReloadResult) => void): void {
    this.#watcher?.close();
    this.#onReload = onReload;
    const dirs = this.settings.sniDir ? [this.settings.sniDir] : [];
    this.#watcher = new CertWatcher(this.#material.files, dirs, () => onReload(this.reload()));
  }

  /** Stop watching (the listener closed, or a config change replaced these settings). */
  close(): void {
    this.#watcher?.close();
    this.#watcher = null;
    this.#onReload = null;
  }
}
