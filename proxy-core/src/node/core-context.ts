/**
 * What connections and roles may ask of the core. Kept as an interface so that clients,
 * roles and plugins depend on this small surface rather than on ProxyCore itself.
 */
import type { SocketRegistry } from './socket-registry.js';
import type { ClientHTTPBase } from './client/client-http-base.js';
import type { Service } from './service/service.js';
import type { ConfigModel } from '../common/config/model.js';
import type { RequestRecord } from '../common/request-record.js';
import type { UploadStatusTable } from './roles/upload-tracker.js';
import type { ReproxyManager } from './proxy/reproxy-manager.js';
import type { RecordBodies } from './record/body-tap.js';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'crit';

/** A role's request entry point (Perlbal's handle_request of the blessed class). */
export interface RoleHandler {
  handleRequest(client: ClientHTTPBase): void;
}

export interface CoreContext {
  readonly sockets: SocketRegistry;
  /** Live HTTP client connections (swept for idle timeouts). */
  readonly clients: Set<ClientHTTPBase>;
  /** The running config (deep-frozen). */
  readonly model: ConfigModel;
  /** The effective MIME table (built-in plus MIME commands). */
  readonly mime: Readonly<Record<string, string>>;
  log(level: LogLevel, message: string): void;
  /** Count one parsed request head (Perlbal $Perlbal::reqs, shown by `proc`). */
  noteRequest(): void;
  roleHandler(role: string | null): RoleHandler;
  service(name: string): Service | undefined;
  /** Connections to X-REPROXY-URL targets, shared by every service. */
  readonly reproxy: ReproxyManager;
  /** True while someone listens for request records (traces are built only then). */
  readonly recording: boolean;
  /** Bytes of each request and response body kept with a record (0: none; the inspector sets it). */
  readonly recordBodyBytes: number;
  emitRecord(record: RequestRecord, bodies?: RecordBodies): void;
  /**
   * Upload progress received by this core's upload_tracker services (Perlbal keeps one table
   * per process); reverse proxies answer `/__upload_status` from it.
   */
  readonly uploadStatus: UploadStatusTable;
}
