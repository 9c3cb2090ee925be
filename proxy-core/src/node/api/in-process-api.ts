/**
 * CoreApi on a ProxyCore in the same process: what main/ (core-host.ts), the WebSocket server
 * and the tests hold. Events are batched here, once, so every transport forwards batches:
 * request summaries every 100 ms (at most 500 each; the full record is getRequestDetail),
 * log lines every 200 ms, and status at most four times a second while something changes
 * (every 2 s otherwise, for connection counts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type {
  AppliedConfig,
  ConfigCheck,
  ConfigDocument,
  ConfigPlan,
  CoreClient,
  CoreEventName,
  CoreListener,
  LogLine,
  SaveResult,
} from '../../common/api/core-api.js';
import { diffModels } from '../../common/api/config-diff.js';
import type { PalimgImage, PalimgImageData } from '../../common/api/palimg.js';
import type { EnableHttpsResult, HttpsStatus } from '../../common/api/https.js';
import type { UiSettings } from '../../common/api/settings.js';
import type { CoreStatus } from '../../common/api/status.js';
import { checkConfig, formatDiagnostic, type ConfigModel } from '../../common/config/index.js';
import { PerlbalError } from '../../common/errors.js';
import type {
  CaptureLimits,
  RequestList,
  ResendResult,
} from '../../common/inspector/capture-api.js';
import { summarize, type RequestSummary } from '../../common/inspector/request-summary.js';
import type { RequestRecord } from '../../common/request-record.js';
import type { LogLevel } from '../core-context.js';
import type { ProxyCore } from '../core.js';
import { Batcher } from './batcher.js';
import {
  checkName,
  checkNode,
  checkText,
  requirePool,
  requireService,
  runCommand,
} from './core-commands.js';
import { EventHub } from './event-hub.js';
import { enableHttps, httpsStatus, resolveCertDir } from './https-setup.js';
import { listPalimgImages, readPalimgImage } from './palimg-images.js';
import type { RecordBodies } from '../record/body-tap.js';
import { RequestCapture } from './request-capture.js';
import { RequestTally } from './request-tally.js';
import { resendRequest } from './resend-request.js';
import { statusSnapshot } from './status-snapshot.js';
import { readUiSettings, resolveSettingsDir, writeUiSettings } from './ui-settings.js';

const STATUS_TICK_MS = 250;
const STATUS_HEARTBEAT_TICKS = 8;

export interface InProcessApiOptions {
  /** The config text the core runs. */
  text: string;
  /** The file it came from (saveConfig writes there); null when there is none. */
  file: string | null;
  /** Certificate folder for HTTPS in one click; default $PERLBAL_DESKTOP_CERT_DIR, else the user's. */
  certDir?: string;
  /** Request inspector capture bounds (records, estimated bytes, bytes kept of each body). */
  capture?: Partial<CaptureLimits>;
  /**
   * Folder of the UI settings file (ui-settings.ts); default $PERLBAL_DESKTOP_SETTINGS_DIR,
   * else the user's perlbal-desktop folder. The desktop app passes its user-data folder.
   */
  settingsDir?: string;
}

export class InProcessCoreApi implements CoreClient {
  readonly #core: ProxyCore;
  readonly #hub = new EventHub();
  readonly #tally = new RequestTally();
  readonly #capture: RequestCapture;
  #text: string;
  #textModel: string;
  readonly #file: string | null;
  readonly #certDir: string | undefined;
  readonly #settingsDir: string | undefined;
  readonly #requests = new Batcher<RequestSummary>(100, 500, (summaries, dropped) =>
    this.#hub.emit('requests', { summaries, dropped }),
  );
  readonly #logs = new Batcher<LogLine>(200, 500, (lines) => this.#hub.emit('log', lines));
  #statusTimer: ReturnType<typeof setInterval> | null = null;
  #dirty = true;
  #ticks = 0;

  constructor(core: ProxyCore, opts: InProcessApiOptions) {
    this.#core = core;
    this.#file = opts.file;
    this.#certDir = opts.certDir;
    this.#settingsDir = opts.settingsDir;
    this.#capture = new RequestCapture(opts.capture);
    core.recordBodyBytes = this.#capture.limits.maxBodyBytes;
    this.#text = opts.text;
    this.#textModel = JSON.stringify(core.model);
    core.on('request', this.#onRequest);
    core.on('log', this.#onLog);
  }

  #onRequest = (r: RequestRecord, bodies?: RecordBodies): void => {
    this.#tally.add(r);
    this.#capture.add(r, bodies);
    this.#dirty = true;
    if (this.#hub.has('requests')) this.#requests.push(summarize(r));
  };

  #onLog = (level: LogLevel, message: string): void => {
    if (this.#hub.has('log')) this.#logs.push({ level, message, at: Date.now() });
  };

  on<E extends CoreEventName>(event: E, listener: CoreListener<E>): () => void {
    const off = this.#hub.on(event, listener);
    if (event === 'status') this.#startStatus();
    return () => {
      off();
      if (!this.#hub.has('status')) this.#stopStatus();
    };
  }

  #startStatus(): void {
    if (this.#statusTimer) return;
    this.#dirty = true;
    this.#statusTimer = setInterval(() => {
      this.#ticks++;
      if (!this.#dirty && this.#ticks % STATUS_HEARTBEAT_TICKS !== 0) return;
      this.#dirty = false;
      this.#hub.emit('status', statusSnapshot(this.#core, this.#tally));
    }, STATUS_TICK_MS);
    this.#statusTimer.unref?.();
  }

  #stopStatus(): void {
    if (this.#statusTimer) clearInterval(this.#statusTimer);
    this.#statusTimer = null;
  }

  /** Stop listening to the core and drop every subscriber (the core itself keeps running). */
  dispose(): void {
    this.#core.off('request', this.#onRequest);
    this.#core.recordBodyBytes = 0;
    this.#core.off('log', this.#onLog);
    this.#stopStatus();
    this.#requests.clear();
    this.#logs.clear();
    this.#hub.clear();
  }

  // ---- methods --------------------------------------------------------------------------

  async getStatus(): Promise<CoreStatus> {
    return statusSnapshot(this.#core, this.#tally);
  }

  async enableService(service: unknown): Promise<void> {
    await this.#serviceCommand('ENABLE', service);
  }

  async disableService(service: unknown): Promise<void> {
    await this.#serviceCommand('DISABLE', service);
  }

  async #serviceCommand(verb: 'ENABLE' | 'DISABLE', service: unknown): Promise<void> {
    const name = checkName('service', service);
    requireService(this.#core, name);
    await runCommand(this.#core, `${verb} ${name}`);
    this.#changed(`${verb} ${name}`);
  }

  async addPoolNode(pool: unknown, node: unknown): Promise<void> {
    await this.#poolCommand('ADD', pool, node);
  }

  async removePoolNode(pool: unknown, node: unknown): Promise<void> {
    await this.#poolCommand('REMOVE', pool, node);
  }

  async #poolCommand(verb: 'ADD' | 'REMOVE', pool: unknown, node: unknown): Promise<void> {
    const name = checkName('pool', pool);
    const ipport = checkNode(node);
    requirePool(this.#core, name);
    if (
      verb === 'REMOVE' &&
      !this.#core.model.pools.find((p) => p.name === name)!.nodes.includes(ipport)
    ) {
      throw new PerlbalError('PB_ERR_API_NOT_FOUND', `Pool '${name}' has no node ${ipport}`);
    }
    await runCommand(this.#core, `POOL ${name} ${verb} ${ipport}`);
    this.#changed(`POOL ${name} ${verb} ${ipport}`);
  }

  async getConfig(): Promise<ConfigDocument> {
    return {
      text: this.#text,
      file: this.#file,
      liveChanges: JSON.stringify(this.#core.model) !== this.#textModel,
    };
  }

  async checkConfig(text: unknown): Promise<ConfigCheck> {
    const { diagnostics } = checkConfig(checkText(text), this.#core.env, this.#file ?? undefined);
    return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
  }

  async planConfig(text: unknown): Promise<ConfigPlan> {
    const { model, diagnostics } = checkConfig(
      checkText(text),
      this.#core.env,
      this.#file ?? undefined,
    );
    const ok = !diagnostics.some((d) => d.severity === 'error');
    return { ok, diagnostics, changes: ok ? diffModels(this.#core.model, model) : [] };
  }

  async applyConfig(text: unknown): Promise<AppliedConfig> {
    const src = checkText(text);
    const { model, diagnostics } = checkConfig(src, this.#core.env, this.#file ?? undefined);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const first = formatDiagnostic(errors[0]!);
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      throw new PerlbalError('PB_ERR_CONFIG_INVALID', `Nothing was changed: ${first}${more}`, {
        diagnostics,
      });
    }
    const changes = diffModels(this.#core.model, model);
    // Transactional: on a listen or TLS error it throws and the running services are untouched.
    await this.#core.applyModel(model);
    this.#text = src;
    this.#textModel = JSON.stringify(this.#core.model as ConfigModel);
    this.#changed(
      `Config applied: ${changes.length === 0 ? 'no changes' : `${changes.length} change(s)`}`,
    );
    return { changes, diagnostics };
  }

  async saveConfig(text: unknown): Promise<SaveResult> {
    const src = checkText(text);
    const file = this.#file;
    if (file === null)
      throw new PerlbalError(
        'PB_ERR_CONFIG_SAVE',
        'This core was started from text, not a file: there is nowhere to save',
      );
    // Write beside the file and rename over it, so a crash never leaves half a config.
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    try {
      const mode = fs.existsSync(file) ? fs.statSync(file).mode & 0o777 : 0o644;
      fs.writeFileSync(tmp, src, { mode });
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new PerlbalError(
        'PB_ERR_CONFIG_SAVE',
        `Could not save ${file}: ${(e as Error).message}`,
        undefined,
        { cause: e },
      );
    }
    this.#core.log('info', `Config saved to ${file}`);
    return { file, bytes: Buffer.byteLength(src) };
  }

  async listPalimgImages(): Promise<PalimgImage[]> {
    return listPalimgImages(this.#core);
  }

  async readPalimgImage(service: unknown, urlPath: unknown): Promise<PalimgImageData> {
    return readPalimgImage(this.#core, service, urlPath);
  }

  async getHttpsStatus(): Promise<HttpsStatus> {
    // The folder is resolved per call, so a test can point the variable at a temp folder.
    const { services } = await this.getStatus();
    return httpsStatus(this.#core.model, services, resolveCertDir(this.#certDir));
  }

  async enableHttps(options?: unknown): Promise<EnableHttpsResult> {
    return enableHttps(
      {
        core: this.#core,
        text: this.#text,
        file: this.#file,
        certDir: resolveCertDir(this.#certDir),
        apply: (text) => this.applyConfig(text),
        status: () => this.getHttpsStatus(),
      },
      options,
    );
  }

  // ---- request inspector ----------------------------------------------------------------

  async listRequests(query?: unknown): Promise<RequestList> {
    return this.#capture.list(query);
  }

  async getRequestDetail(id: unknown): Promise<RequestRecord> {
    return this.#capture.get(id);
  }

  async clearRequests(): Promise<void> {
    this.#capture.clear();
  }

  async resendRequest(id: unknown): Promise<ResendResult> {
    return resendRequest(this.#core, this.#capture.get(id), this.#capture.requestBytes(id));
  }

  // ---- UI settings ----------------------------------------------------------------------

  async getSettings(): Promise<UiSettings> {
    // Resolved per call, like the certificate folder, so a test can point the variable elsewhere.
    return readUiSettings(resolveSettingsDir(this.#settingsDir));
  }

  async saveSettings(settings: unknown): Promise<UiSettings> {
    return writeUiSettings(resolveSettingsDir(this.#settingsDir), settings);
  }

  #changed(what: string): void {
    this.#dirty = true;
    this.#core.log('info', what);
  }
}

/** An API over `core`; dispose() it before closing the core. */
export function createInProcessApi(core: ProxyCore, opts: InProcessApiOptions): InProcessCoreApi {
  return new InProcessCoreApi(core, opts);
}
