/**
 * The one module that knows where the proxy core runs (house style B2). Today: in this
 * process, started on first use from the config file (PERLBAL_DESKTOP_CONFIG, else the bundled
 * resources/perlbal.conf). Moving it to a utility process later changes this file only:
 * callers hold a CoreClient, whose methods are all async and plain-data. Stopping (quit, or a
 * switch to another file) is graceful: listeners close, requests in flight finish (Perlbal's
 * `shutdown graceful`), and only what is still running after a bound is cut.
 */
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createInProcessApi,
  ProxyCore,
  type CoreClient,
  type InProcessCoreApi,
} from '../../proxy-core/src/index.js';
import type { CaptureLimits } from '../../proxy-core/src/common/inspector/capture-api.js';

export interface CoreHost {
  /** The API, starting the core on the first call; later calls share it. */
  api(): Promise<CoreClient>;
  /**
   * Stop the core gracefully: no new connections, requests in flight finish; resolves when
   * they have, or after the drain bound (then the rest is closed). Safe to call twice.
   */
  stop(): Promise<void>;
  /** The config file the core runs (or will run on the first call). */
  file(): string;
  /**
   * Run `file` instead: the old core closes first (the new one usually wants its ports), then
   * the new one starts. If it can't, the old file runs again and the error is thrown.
   */
  switchTo(file: string): Promise<void>;
}

/** At start: $PERLBAL_DESKTOP_CONFIG, else the last config if it still exists, else the bundled. */
export function startupConfigFile(
  mainDir: string,
  lastConfig: string | null,
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = fs.existsSync,
): string {
  if (env['PERLBAL_DESKTOP_CONFIG'] === undefined && lastConfig !== null && exists(lastConfig))
    return lastConfig;
  return defaultConfigFile(mainDir, env);
}

/** Closed listening sockets free their ports only once libuv has run its close callbacks. */
const portsReleased = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

/** How long requests in flight may take to finish when the app quits or switches files. */
const DRAIN_TIMEOUT_MS = 5000;

export interface CoreHostOptions {
  /** UI settings folder (the app's user-data folder), passed to the core API. */
  settingsDir?: string;
  /** Bound on the graceful drain (DRAIN_TIMEOUT_MS). */
  drainTimeoutMs?: number;
  /** The request inspector's capture limits (settings.json `capture`); core defaults otherwise. */
  capture?: Partial<CaptureLimits>;
}

/**
 * Perlbal's `shutdown graceful`: stop listening, let the connections finish what they are
 * doing; resolves once none is left ('stopped'), or closes the rest after `timeoutMs`.
 */
function drainCore(core: ProxyCore, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      core.off('stopped', done);
      resolve();
    };
    const timer = setTimeout(() => {
      core.close();
      done();
    }, timeoutMs);
    core.once('stopped', done);
    core.shutdownGracefully();
  });
}

/**
 * The config to run: the environment's choice; in a packaged app the bundled laptop config that
 * electron-builder's extraResources put in `<resources>/defaults/` (with its docroot); in a
 * development run the repository's resources/perlbal.conf beside out/.
 */
export function defaultConfigFile(
  mainDir: string,
  env: NodeJS.ProcessEnv = process.env,
  resourcesPath: string | undefined = (process as { resourcesPath?: string }).resourcesPath,
  exists: (file: string) => boolean = fs.existsSync,
): string {
  const chosen = env['PERLBAL_DESKTOP_CONFIG'];
  if (chosen !== undefined) return path.resolve(chosen);
  const packaged = resourcesPath ? path.join(resourcesPath, 'defaults', 'perlbal.conf') : null;
  if (packaged && exists(packaged)) return path.resolve(packaged);
  return path.resolve(mainDir, '..', '..', 'resources', 'perlbal.conf');
}

export function createCoreHost(initialFile: string, options: CoreHostOptions = {}): CoreHost {
  let configFile = path.resolve(initialFile);
  let started: Promise<{ core: ProxyCore; api: InProcessCoreApi }> | null = null;
  let stopping: Promise<void> | null = null;
  const drainMs = options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS;
  const start = async () => {
    const text = await readFile(configFile, 'utf8');
    const core = await ProxyCore.start(text, { file: configFile, cwd: path.dirname(configFile) });
    const api = createInProcessApi(core, {
      text,
      file: configFile,
      ...(options.settingsDir ? { settingsDir: options.settingsDir } : {}),
      ...(options.capture ? { capture: options.capture } : {}),
    });
    return { core, api };
  };
  const close = async (): Promise<void> => {
    const running = started;
    started = null;
    const run = await running?.catch(() => null);
    if (!run) return;
    run.api.dispose();
    await drainCore(run.core, drainMs);
    await portsReleased();
  };
  return {
    file: () => configFile,
    async switchTo(file) {
      const previous = configFile;
      await close();
      configFile = path.resolve(file);
      try {
        await this.api();
      } catch (e) {
        configFile = previous;
        await this.api().catch(() => undefined);
        throw e;
      }
    },
    async api() {
      started ??= start();
      // A failed start is retried on the next call (the user may fix the file meanwhile).
      return (
        await started.catch((e: unknown) => {
          started = null;
          throw e;
        })
      ).api;
    },
    stop() {
      // A second quit while the first drains waits for the same drain.
      stopping ??= close().finally(() => (stopping = null));
      return stopping;
    },
  };
}
