/**
 * The one contract between the UI and a running core (house style B3): methods and events.
 * The renderer sees only this, whichever transport carries it: in-process (main, tests),
 * Electron IPC (main/src/ipc.ts + preload.ts) or the browser-mode WebSocket
 * (node/ui-server/). Every method is async and every argument and result is plain JSON, so
 * moving the core elsewhere never changes a caller. Errors are PerlbalErrors, matched by code.
 */
import type { ConfigDiagnostic } from '../config/diagnostics.js';
import type { RequestRecord } from '../request-record.js';
import type { RequestList, RequestListQuery, ResendResult } from '../inspector/capture-api.js';
import type { RequestSummary } from '../inspector/request-summary.js';
import type { PalimgImage, PalimgImageData } from './palimg.js';
import type { EnableHttpsResult, EnableHttpsOptions, HttpsStatus } from './https.js';
import type { UiSettings } from './settings.js';
import type { CoreStatus } from './status.js';

export interface ConfigDocument {
  /** The text the running config came from (the file at start, or the last applied text). */
  text: string;
  /** Absolute path of the config file, or null when the core was started from text. */
  file: string | null;
  /**
   * True when the running config no longer matches `text`: a service was enabled or a node
   * added from the UI or the management port since. Saving `text` would lose those changes.
   */
  liveChanges: boolean;
}

export interface ConfigCheck {
  /** No error diagnostics: applyConfig would accept the text (listen errors aside). */
  ok: boolean;
  diagnostics: ConfigDiagnostic[];
}

/** One difference between the running config and an applied one. */
export interface ConfigChange {
  kind:
    | 'service-added'
    | 'service-removed'
    | 'service-enabled'
    | 'service-disabled'
    | 'service-changed'
    | 'pool-added'
    | 'pool-removed'
    | 'pool-changed'
    | 'server-changed'
    | 'plugins-changed';
  /** Service or pool name; '' for server settings and LOADed plugins. */
  name: string;
  /** What changed, for people: `listen 127.0.0.1:8080 -> 127.0.0.1:8090`, `+127.0.0.1:9001`. */
  detail: string;
}

export interface AppliedConfig {
  /** Empty when the text means what is already running. */
  changes: ConfigChange[];
  /** Warnings that did not stop the apply. */
  diagnostics: ConfigDiagnostic[];
}

/** What applyConfig would do with a text, worked out without doing it (planConfig). */
export interface ConfigPlan {
  /** No error diagnostics: applyConfig would accept the text (a port in use aside). */
  ok: boolean;
  diagnostics: ConfigDiagnostic[];
  /** The differences from the running config; empty when `ok` is false or nothing differs. */
  changes: ConfigChange[];
}

export interface SaveResult {
  file: string;
  bytes: number;
}

export interface CoreApi {
  /** Services, pools, nodes and counters, now. */
  getStatus(): Promise<CoreStatus>;
  /** `ENABLE <service>` / `DISABLE <service>`: start or stop accepting connections. */
  enableService(service: string): Promise<void>;
  disableService(service: string): Promise<void>;
  /** `POOL <pool> ADD <ip:port>` / `POOL <pool> REMOVE <ip:port>`. */
  addPoolNode(pool: string, node: string): Promise<void>;
  removePoolNode(pool: string, node: string): Promise<void>;
  getConfig(): Promise<ConfigDocument>;
  /** Parse and check with the core's own parser; changes nothing. */
  checkConfig(text: string): Promise<ConfigCheck>;
  /**
   * Dry run of applyConfig: the diagnostics and the changes applying `text` would make.
   * Changes nothing, and never rejects for a config with errors (they are in the answer).
   */
  planConfig(text: string): Promise<ConfigPlan>;
  /**
   * Move the running server to `text`, transactionally. Rejects with PB_ERR_CONFIG_INVALID
   * (details.diagnostics) or a listen/TLS error, and then nothing has changed.
   */
  applyConfig(text: string): Promise<AppliedConfig>;
  /** Write `text` to the config file (never another path); rejects PB_ERR_CONFIG_SAVE. */
  saveConfig(text: string): Promise<SaveResult>;
  /** Images under the palimg folder of every web_server that runs palimg (the preview). */
  listPalimgImages(): Promise<PalimgImage[]>;
  /** One of them, by service and `/palimg/...` path; refused where the web_server refuses. */
  readPalimgImage(service: string, path: string): Promise<PalimgImageData>;
  /** Local HTTPS: certificates, names covered, trust on this machine, the TLS service. */
  getHttpsStatus(): Promise<HttpsStatus>;
  /**
   * HTTPS in one click: make or reuse the local authority and a certificate for every host
   * the config uses, then add or update an SSL service through applyConfig (not saved).
   */
  enableHttps(options?: EnableHttpsOptions): Promise<EnableHttpsResult>;
  /** Request inspector: summaries of the captured requests matching a filter, oldest first. */
  listRequests(query?: RequestListQuery): Promise<RequestList>;
  /** One captured request in full (headers both sides, route, reproxy hops, timings). */
  getRequestDetail(id: number): Promise<RequestRecord>;
  /** Empty the capture. */
  clearRequests(): Promise<void>;
  /** Send a captured request again through the listener that took it. */
  resendRequest(id: number): Promise<ResendResult>;
  /** The UI's own settings (saved filters), kept by the core in a file of the user's. */
  getSettings(): Promise<UiSettings>;
  /** Replace them; refused (PB_ERR_API_INVALID_ARGUMENT) unless they are well-formed. */
  saveSettings(settings: UiSettings): Promise<UiSettings>;
}

/** A batch of log lines (Perlbal's log output, as the CLI prints it). */
export interface LogLine {
  level: 'debug' | 'info' | 'warning' | 'error' | 'crit';
  message: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * Events, each already batched by the core side so no transport can be flooded: `status`
 * at most a few times a second, `requests` and `log` as arrays.
 */
export interface CoreEventMap {
  status: CoreStatus;
  /**
   * Completed requests as row summaries, oldest first (the full record of one is
   * getRequestDetail); `dropped` counts requests left out of a full batch.
   */
  requests: { summaries: RequestSummary[]; dropped: number };
  log: LogLine[];
}

export type CoreMethod = keyof CoreApi;
export type CoreEventName = keyof CoreEventMap;
export type CoreListener<E extends CoreEventName> = (payload: CoreEventMap[E]) => void;

/** A CoreApi plus events: what a UI holds, whatever the transport. */
export interface CoreClient extends CoreApi {
  /** Subscribe; returns the unsubscribe function. */
  on<E extends CoreEventName>(event: E, listener: CoreListener<E>): () => void;
}

/** The allow-list every transport checks method names against. */
export const CORE_METHODS = [
  'getStatus',
  'enableService',
  'disableService',
  'addPoolNode',
  'removePoolNode',
  'getConfig',
  'checkConfig',
  'planConfig',
  'applyConfig',
  'saveConfig',
  'getHttpsStatus',
  'enableHttps',
  'listPalimgImages',
  'readPalimgImage',
  'listRequests',
  'getRequestDetail',
  'clearRequests',
  'resendRequest',
  'getSettings',
  'saveSettings',
] as const satisfies readonly CoreMethod[];

export const CORE_EVENTS = [
  'status',
  'requests',
  'log',
] as const satisfies readonly CoreEventName[];

export function isCoreMethod(name: unknown): name is CoreMethod {
  return typeof name === 'string' && (CORE_METHODS as readonly string[]).includes(name);
}

export function isCoreEvent(name: unknown): name is CoreEventName {
  return typeof name === 'string' && (CORE_EVENTS as readonly string[]).includes(name);
}

/** Compile-time check that the allow-lists name every method and event. */
type Complete<Missing extends never> = Missing;
export type _MethodsComplete = Complete<Exclude<CoreMethod, (typeof CORE_METHODS)[number]>>;
export type _EventsComplete = Complete<Exclude<CoreEventName, (typeof CORE_EVENTS)[number]>>;
