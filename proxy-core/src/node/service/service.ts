/**
 * A running service (Perlbal::Service): its frozen config slice, its hooks, the plugins
 * registered on it and the per-service state the roles keep. The config slice is swapped as a
 * whole when the config changes; the hot-path values are copied into `settings` once per
 * change so requests read plain fields instead of looking tunables up by name.
 */
import path from 'node:path';
import type { ServiceModel, TunableValue } from '../../common/config/model.js';
import { HookRegistry } from '../hooks/hook-registry.js';
import type { ClientHTTPBase } from '../client/client-http-base.js';
import type { BackendManager } from '../proxy/backend-manager.js';

/** Values read on every request, derived from the tunables. */
export interface ServiceSettings {
  persistClient: boolean;
  persistClientIdleTimeout: number;
  idleTimeout: number;
  serverTokens: boolean;
  maxChunkedRequestSize: number;
  clientSndbufSize: number;
}

/** A selector callback installed by a plugin (Perlbal Service::selector): true if it routed. */
export type SelectorFn = (client: ClientHTTPBase) => boolean;

export class Service {
  readonly name: string;
  #model: ServiceModel;
  settings: ServiceSettings;
  hooks = new HookRegistry();
  /** Installed by Vhosts / Vpaths on selector services. */
  selector: SelectorFn | null = null;
  /** Owner name -> cleanup, for plugins registered on this service (SET plugins). */
  readonly pluginDisposers = new Map<string, () => void>();
  /** Backend connections and client queues, for reverse_proxy services. */
  backends: BackendManager | null = null;
  /** Counters shown by management commands. */
  requests = 0;
  /** Free-form per-role and per-plugin state (e.g. a web server's min_put_directory cache). */
  readonly scratch = new Map<string, unknown>();

  /** Folder that relative paths in the config are relative to (the config file's). */
  readonly baseDir: string;

  constructor(model: ServiceModel, baseDir = process.cwd()) {
    this.baseDir = baseDir;
    this.name = model.name;
    this.#model = model;
    this.settings = deriveSettings(model);
  }

  get model(): ServiceModel {
    return this.#model;
  }

  get role(): string | null {
    return this.#model.role;
  }

  get enabled(): boolean {
    return this.#model.enabled;
  }

  /** The raw tunable value (undefined when not valid for the role). */
  tunable(name: string): TunableValue | undefined {
    return this.#model.tunables[name];
  }

  str(name: string): string | null {
    const v = this.#model.tunables[name];
    return v === undefined || v === null ? null : String(v);
  }

  num(name: string, fallback = 0): number {
    const v = this.#model.tunables[name];
    return typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : fallback;
  }

  /** A path tunable (docroot, buffer_uploads_path, ...) made absolute against baseDir. */
  path(name: string): string | null {
    const v = this.str(name);
    return v === null || v === '' ? null : path.resolve(this.baseDir, v);
  }

  bool(name: string): boolean {
    return this.#model.tunables[name] === true;
  }

  /** Swap in a new config slice (same name). */
  update(model: ServiceModel): void {
    this.#model = model;
    this.settings = deriveSettings(model);
  }
}

function deriveSettings(m: ServiceModel): ServiceSettings {
  const t = m.tunables;
  const num = (k: string, d: number): number => (typeof t[k] === 'number' ? (t[k] as number) : d);
  return {
    persistClient: t['persist_client'] === true,
    persistClientIdleTimeout: num('persist_client_idle_timeout', 30),
    idleTimeout: num('idle_timeout', 30),
    serverTokens: t['server_tokens'] !== false,
    maxChunkedRequestSize: num('max_chunked_request_size', 209715200),
    clientSndbufSize: num('client_sndbuf_size', 0),
  };
}
