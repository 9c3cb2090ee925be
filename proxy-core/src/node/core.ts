/**
 * ProxyCore: one running Perlbal (the Perlbal package's globals, as an object so that tests
 * and the desktop app can run several). It owns the running config, the services, the
 * listening sockets and every connection, and it moves from one config to the next
 * transactionally: new sockets are bound first, and if anything fails nothing changes.
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import {
  applyCommand,
  checkConfig,
  parseLine,
  effectiveMime,
  emptyModel,
  type ApplyEnv,
  type CommandContext,
  type ConfigDiagnostic,
  type ConfigModel,
} from '../common/config/index.js';
import { PerlbalError, type SerializedError } from '../common/errors.js';
import type { RequestRecord } from '../common/request-record.js';
import { ClientHTTPBase } from './client/client-http-base.js';
import type { CoreContext, LogLevel, RoleHandler } from './core-context.js';
import { ClientManage } from './manage/client-manage.js';
import { runManageCommand, type ManageHost } from './manage/commands.js';
import type { ProxyStats } from './manage/proxy-stats.js';
import { BackendManager } from './proxy/backend-manager.js';
import { NodeStatsTable } from './proxy/node-stats.js';
import { Pool } from './proxy/pool.js';
import { proxyStatsOf } from './proxy/proxy-stats.js';
import { ReproxyManager } from './proxy/reproxy-manager.js';
import type { ManageSessionHost } from './manage/client-manage.js';
import { TcpListener } from './net/tcp-listener.js';
import { nodeEnv } from './node-env.js';
import { PluginHost } from './plugins/plugin-host.js';
import { planSockets } from './reconcile-plan.js';
import { roleHandlerFor } from './roles/index.js';
import { UploadListener, UploadStatusTable } from './roles/upload-tracker.js';
import { Service } from './service/service.js';
import { SocketRegistry } from './socket-registry.js';
import { ListenerTls, type TlsReloadResult } from './tls/listener-tls.js';
import { sameSettings, tlsSettingsOf } from './tls/tls-material.js';
import { deepFreeze } from './util/deep-freeze.js';
import { nowSeconds } from './util/clock.js';
import type { RecordBodies } from './record/body-tap.js';
import { pluginModuleName } from '../common/config/index.js';

export interface ProxyCoreOptions {
  /** Environment for `$VAR`, file checks and INCLUDE (defaults to this process's). */
  env?: ApplyEnv;
  /** Working directory for relative paths in the config. */
  cwd?: string;
}

/** A config that can't start: every diagnostic, with line and column. */
export class ConfigError extends PerlbalError {
  readonly diagnostics: ConfigDiagnostic[];
  constructor(diagnostics: ConfigDiagnostic[], message = 'The configuration has errors') {
    super('PB_ERR_CONFIG_INVALID', message, { diagnostics });
    this.diagnostics = diagnostics;
  }
}

export interface CoreEvents {
  log: [level: LogLevel, message: string];
  /**
   * A request finished (or was cut short); emitted only while someone listens. `bodies` are
   * the first bytes of its bodies while recordBodyBytes > 0.
   */
  request: [record: RequestRecord, bodies?: RecordBodies];
  /** `shutdown` (immediate) was requested on a management port. */
  exit: [];
  /** A graceful shutdown finished: nothing is left running. */
  stopped: [];
  /**
   * A TLS service's certificate or key files changed and were re-read: `ok` false means they
   * were refused (the error names the file) and the previous certificates stay in use.
   */
  'certificate-reload': [event: { service: string; ok: boolean; files: string[]; error?: SerializedError }];
}

export class ProxyCore extends EventEmitter<CoreEvents> implements CoreContext, ManageHost, ManageSessionHost {
  readonly env: ApplyEnv;
  /** Relative paths in the config are resolved against this (the config file's folder). */
  readonly cwd: string;
  readonly sockets = new SocketRegistry();
  readonly clients = new Set<ClientHTTPBase>();
  readonly services = new Map<string, Service>();
  readonly uploadStatus = new UploadStatusTable();
  readonly startTime = nowSeconds();
  readonly plugins: PluginHost;
  /** Total request heads parsed (Perlbal $Perlbal::reqs). */
  reqs = 0;
  /** Running pools, by name (Perlbal %pool). */
  readonly pools = new Map<string, Pool>();
  /** Per-node statistics shared by every service (Perlbal %NodeStats, %NoVerify). */
  readonly nodeStats = new NodeStatsTable();
  /** Connections to X-REPROXY-URL targets (Perlbal::ReproxyManager). */
  readonly reproxy = new ReproxyManager(this.sockets, this.nodeStats);
  /** Reverse-proxy figures for the management commands. */
  readonly proxyStats: ProxyStats = proxyStatsOf(this);
  #model: ConfigModel = deepFreeze(emptyModel());
  #mime: Readonly<Record<string, string>> = effectiveMime(this.#model);
  readonly #tcp = new Map<string, TcpListener>();
  readonly #udp = new Map<string, UploadListener>();
  #sweep: NodeJS.Timeout;
  /** Serialises config changes from every management session and API caller. */
  #serial: Promise<unknown> = Promise.resolve();
  #stopping = false;

  constructor(opts: ProxyCoreOptions = {}) {
    super();
    this.cwd = opts.cwd ?? process.cwd();
    this.env = opts.env ?? nodeEnv(process.env, this.cwd);
    this.plugins = new PluginHost(this);
    // Perlbal sweeps idle clients every 5 s; once a second keeps timeouts close to the setting.
    this.#sweep = setInterval(() => this.#sweepIdle(), 1000);
    this.#sweep.unref();
  }

  /** Check, then start, a config file's text. Throws ConfigError or a listen error. */
  static async start(text: string, opts: ProxyCoreOptions & { file?: string } = {}): Promise<ProxyCore> {
    const core = new ProxyCore(opts);
    try {
      await core.loadConfig(text, opts.file);
    } catch (e) {
      core.close();
      throw e;
    }
    return core;
  }

  // ---- CoreContext ----------------------------------------------------------------------

  get model(): ConfigModel {
    return this.#model;
  }

  get mime(): Readonly<Record<string, string>> {
    return this.#mime;
  }

  log(level: LogLevel, message: string): void {
    this.emit('log', level, message);
  }

  noteRequest(): void {
    this.reqs++;
  }

  roleHandler(role: string | null): RoleHandler {
    return roleHandlerFor(role);
  }

  service(name: string): Service | undefined {
    return this.services.get(name);
  }

  get recording(): boolean {
    return this.listenerCount('request') > 0;
  }

  /** Bytes of each body kept with a record; the request inspector sets it (0: none). */
  recordBodyBytes = 0;

  emitRecord(record: RequestRecord, bodies?: RecordBodies): void {
    this.emit('request', record, bodies);
  }

  // ---- config ---------------------------------------------------------------------------

  /** Parse and apply a whole config; refuses to change anything if it has errors. */
  async loadConfig(text: string, file?: string): Promise<ConfigDiagnostic[]> {
    const { model, diagnostics } = checkConfig(text, this.env, file);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new ConfigError(diagnostics);
    await this.applyModel(model);
    return diagnostics;
  }

  /** Move the running server to `next` (reconcile). Nothing changes if it fails. */
  applyModel(next: ConfigModel): Promise<void> {
    const run = this.#serial.then(() => this.#reconcile(next));
    this.#serial = run.catch(() => undefined);
    return run;
  }

  /**
   * Run one command line with a session's context, as Perlbal's run_manage_command does
   * for a management connection. Resolves to the output lines (without line endings).
   */
  runCommand(line: string, ctx: CommandContext): Promise<string[]> {
    const run = this.#serial.then(() => this.#runCommand(line, ctx));
    this.#serial = run.catch(() => undefined);
    return run;
  }

  async #runCommand(line: string, ctx: CommandContext): Promise<string[]> {
    const { command, diagnostics } = parseLine(line, this.env, 1, this.#model.plugins);
    const firstError = diagnostics.find((d) => d.severity === 'error');
    if (firstError) return [`ERROR: ${firstError.perlbal ?? firstError.message}`];
    if (!command) return [];
    if (command.kind === 'manage') return runManageCommand(this, command, ctx);
    const before = this.#model;
    const res = applyCommand(before, command, ctx, this.env);
    // `output` already holds Perlbal's lines, `ERROR: ...` included. Where Perlbal failed
    // without a word (an unknown pool parameter), say why: a silent failure helps nobody.
    const out = [...res.output];
    if (!res.ok && out.length === 0) {
      const err = res.diagnostics.find((d) => d.severity === 'error');
      if (err) out.push(`ERROR: ${err.message}`);
    }
    // A failed command may still have changed state, as it does in Perlbal (SET role with a
    // bad DEFAULT): whatever the model became is what runs.
    if (res.model !== before) {
      try {
        await this.#reconcile(res.model);
      } catch (e) {
        return [...out, `ERROR: ${(e as Error).message}`];
      }
    }
    if (res.ok && res.printOk && ctx.verbose) out.push('OK');
    return out;
  }

  async #reconcile(nextModel: ConfigModel): Promise<void> {
    const next = deepFreeze(nextModel);
    const plan = planSockets(next, this.#tcp.keys(), this.#udp.keys());
    const staged = new Map<string, Service>();
    const serviceFor = (name: string): Service => {
      const existing = this.services.get(name) ?? staged.get(name);
      if (existing) return existing;
      const svcModel = next.services.find((s) => s.name === name)!;
      const svc = new Service(svcModel, this.cwd);
      staged.set(name, svc);
      return svc;
    };
    // TLS material is loaded before anything is bound, so a bad certificate changes nothing.
    // Unchanged settings keep the running material: its watcher follows the files.
    const contexts = new Map<string, ListenerTls>();
    for (const need of plan.tcp) {
      if (need.service.tunables['enable_ssl'] !== true) continue;
      const settings = tlsSettingsOf(need.service, this.cwd);
      const running = this.#tcp.get(need.key)?.tls;
      contexts.set(need.key, running && sameSettings(running.settings, settings) ? running : ListenerTls.load(settings));
    }
    const opened: Array<TcpListener | UploadListener> = [];
    try {
      for (const need of plan.openTcp) {
        opened.push(await TcpListener.open(need.listen, serviceFor(need.service.name), this.#accept));
        this.#tcp.set(need.key, opened.at(-1) as TcpListener);
      }
      for (const need of plan.openUdp) {
        opened.push(await UploadListener.open(need.listen, serviceFor(need.service.name), this.uploadStatus));
        this.#udp.set(need.key, opened.at(-1) as UploadListener);
      }
    } catch (e) {
      for (const l of opened) {
        l.close();
        for (const [k, v] of this.#tcp) if (v === l) this.#tcp.delete(k);
        for (const [k, v] of this.#udp) if (v === l) this.#udp.delete(k);
      }
      throw e;
    }
    this.#commit(next, staged, plan, contexts);
  }

  #commit(
    next: ConfigModel,
    staged: Map<string, Service>,
    plan: ReturnType<typeof planSockets>,
    contexts: Map<string, ListenerTls>,
  ): void {
    const prev = this.#model;
    this.#model = next;
    this.#mime = effectiveMime(next);
    for (const m of next.services) {
      const svc = this.services.get(m.name) ?? staged.get(m.name) ?? new Service(m, this.cwd);
      svc.update(m);
      this.services.set(m.name, svc);
    }
    for (const name of [...this.services.keys()]) {
      if (!next.services.some((s) => s.name === name)) {
        this.services.get(name)?.backends?.closeIdle('service_removed');
        this.services.delete(name);
      }
    }
    this.#syncPools(next);
    this.#syncBackends(prev);
    this.reproxy.maxConnections = Number(next.server['max_reproxy_connections'] ?? 0) || 0;
    this.reproxy.perHostMax = new Map(
      Object.entries(next.server).flatMap(([k, v]) => {
        const m = /^max_reproxy_connections\((.+)\)$/.exec(k);
        return m ? [[m[1]!, Number(v) || 0] as [string, number]] : [];
      }),
    );
    this.plugins.sync(prev, next);
    for (const need of plan.tcp) {
      const l = this.#tcp.get(need.key)!;
      if (!this.sockets.has(l)) this.sockets.add(l);
      l.service = this.services.get(need.service.name)!;
      const lt = contexts.get(need.key) ?? null;
      if (l.tls !== lt) {
        l.tls?.close();
        l.tls = lt;
        lt?.watch(this.#certificatesReloaded);
      }
    }
    for (const need of plan.udp) {
      const l = this.#udp.get(need.key)!;
      if (!this.sockets.has(l)) this.sockets.add(l);
      l.service = this.services.get(need.service.name)!;
    }
    for (const key of plan.closeTcp) this.#closeListener(this.#tcp, key);
    for (const key of plan.closeUdp) this.#closeListener(this.#udp, key);
  }

  /** Pools follow the config; a pool's use count is the number of services naming it. */
  #syncPools(next: ConfigModel): void {
    for (const m of next.pools) {
      const pool = this.pools.get(m.name);
      if (pool) pool.update(m);
      else this.pools.set(m.name, new Pool(m, this.cwd));
    }
    for (const name of [...this.pools.keys()]) if (!next.pools.some((p) => p.name === name)) this.pools.delete(name);
    for (const pool of this.pools.values()) {
      pool.useCount = next.services.filter((s) => s.tunables['pool'] === pool.name).length;
    }
  }

  /**
   * Every reverse_proxy service gets a backend manager; a new pool bumps its generation, so
   * idle connections to nodes that left are closed when next touched (Perlbal generation).
   */
  #syncBackends(prev: ConfigModel): void {
    for (const svc of this.services.values()) {
      if (svc.role !== 'reverse_proxy') {
        svc.backends?.closeIdle('role_changed');
        svc.backends = null;
        continue;
      }
      svc.backends ??= new BackendManager(svc, {
        sockets: this.sockets,
        stats: this.nodeStats,
        pool: (name) => this.pools.get(name),
      });
      const before = prev.services.find((p) => p.name === svc.name);
      if (before && before.tunables['pool'] !== svc.model.tunables['pool']) svc.backends.generation++;
      if (svc.enabled) svc.backends.spawnBackends();
    }
  }

  #closeListener(map: Map<string, TcpListener | UploadListener>, key: string): void {
    const l = map.get(key);
    if (!l) return;
    map.delete(key);
    this.sockets.delete(l);
    l.close();
  }

  #certificatesReloaded = (r: TlsReloadResult): void => {
    if (r.ok) this.log('info', `Service '${r.service}': certificates reloaded from ${r.files.join(', ')}`);
    else this.log('error', `${r.error!.message} (the previous certificate stays in use)`);
    this.emit('certificate-reload', {
      service: r.service,
      ok: r.ok,
      files: [...r.files],
      ...(r.error ? { error: r.error.toJSON() } : {}),
    });
  };

  #accept = (svc: Service, sock: net.Socket, isTls: boolean): void => {
    if (this.#stopping) {
      sock.destroy();
      return;
    }
    if (svc.role === 'management') {
      new ClientManage(this, svc, sock);
      return;
    }
    // A role added by a plugin (EchoService's `echo`) brings its own connection class.
    const pluginRole = this.plugins.roleAcceptor(svc.role);
    if (pluginRole) return pluginRole(svc, sock, this);
    new ClientHTTPBase(this, svc, sock, isTls);
  };

  // ---- inspection -----------------------------------------------------------------------

  /** What listens where (for the CLI banner, the UI and tests). */
  listening(): Array<{ service: string; role: string; listen: string; port: number; protocol: 'tcp' | 'udp'; tls: boolean }> {
    const out: Array<{ service: string; role: string; listen: string; port: number; protocol: 'tcp' | 'udp'; tls: boolean }> = [];
    for (const l of this.#tcp.values()) {
      out.push({ service: l.service.name, role: l.service.role ?? '', listen: l.hostport, port: l.port, protocol: 'tcp', tls: l.tls !== null });
    }
    for (const l of this.#udp.values()) {
      out.push({ service: l.service.name, role: l.service.role ?? '', listen: l.hostport, port: l.port, protocol: 'udp', tls: false });
    }
    return out;
  }

  /** The bound port of a service (first listener), e.g. when configured with port 0. */
  portOf(serviceName: string): number | undefined {
    return this.listening().find((l) => l.service === serviceName)?.port;
  }

  /** True when nothing is listening (Perlbal refuses to run in that state). */
  get idle(): boolean {
    return this.#tcp.size === 0 && this.#udp.size === 0;
  }

  // ---- management host ------------------------------------------------------------------

  serviceList(): Array<{ name: string; role: string; listen: string }> {
    return [...this.#model.services]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((s) => ({ name: s.name, role: s.role ?? '', listen: String(s.tunables['listen'] ?? '') }));
  }

  /** Management HTML pages run commands with a fresh, non-verbose context (Perlbal's default). */
  run(command: string): Promise<string[]> {
    return this.runCommand(command, { lastCreated: null, verbose: false, phase: 'running' });
  }

  pluginClassName(name: string): string {
    return pluginModuleName(name);
  }

  pluginCommand(verb: string, line: string): string[] | null {
    return this.plugins.command(verb, line);
  }

  // ---- shutdown -------------------------------------------------------------------------

  /**
   * Perlbal `shutdown graceful [N]`: stop listening, finish in-flight responses, then stop;
   * after N seconds stop regardless.
   */
  shutdownGracefully(seconds?: number): void {
    if (seconds) setTimeout(() => this.requestExit(), seconds * 1000).unref();
    this.#stopping = true;
    for (const key of [...this.#tcp.keys()]) this.#closeListener(this.#tcp, key);
    for (const key of [...this.#udp.keys()]) this.#closeListener(this.#udp, key);
    for (const c of [...this.clients]) c.dieGracefully();
    for (const svc of this.services.values()) svc.backends?.closeIdle('graceful_shutdown');
    this.reproxy.closeIdle('graceful_shutdown');
    const check = setInterval(() => {
      if (this.clients.size > 0) return;
      clearInterval(check);
      this.close();
      this.emit('stopped');
    }, 100);
  }

  /** Perlbal `shutdown`: stop at once. */
  requestExit(): void {
    this.emit('exit');
  }

  /** Close every socket now (tests, and the end of a graceful shutdown). */
  close(): void {
    this.#stopping = true;
    clearInterval(this.#sweep);
    for (const key of [...this.#tcp.keys()]) this.#closeListener(this.#tcp, key);
    for (const key of [...this.#udp.keys()]) this.#closeListener(this.#udp, key);
    for (const c of [...this.clients]) c.close('shutdown');
    for (const t of this.sockets.list()) (t as { close?: (r?: string) => void }).close?.('shutdown');
    this.plugins.unloadAll();
  }

  #sweepIdle(): void {
    const now = nowSeconds();
    for (const c of this.clients) c.checkIdle(now);
  }
}
