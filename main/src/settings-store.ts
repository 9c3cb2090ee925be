/**
 * The desktop app's settings, kept as JSON in Electron's user-data folder (main.ts passes
 * `app.getPath('userData')`): the last config file and the recent files (newest first, at most
 * 10). Plain Node, no Electron, so it is tested as is. Written through a temporary file and a
 * rename, so a crash never leaves half a settings file; a missing or unreadable file means
 * defaults (a settings file must never stop the app from starting).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CaptureLimits } from '../../proxy-core/src/common/inspector/capture-api.js';

export const SETTINGS_FILE = 'settings.json';
/** How many files File > Open Recent lists (and the settings keep). */
export const MAX_RECENT = 10;

export interface DesktopSettings {
  /** The config the app ran last, opened again at start; null: the bundled default. */
  lastConfig: string | null;
  /** Absolute paths, newest first, no duplicates, at most MAX_RECENT. */
  recent: string[];
  /**
   * The request inspector's capture limits (records, bytes, bytes of each body), set by
   * hand in settings.json; absent: the core's defaults.
   */
  capture?: Partial<CaptureLimits>;
}

export const DEFAULT_SETTINGS: DesktopSettings = Object.freeze({ lastConfig: null, recent: [] });

/** The settings in a parsed value, keeping only well-formed fields (a hand edit can't break us). */
export function normaliseSettings(raw: unknown): DesktopSettings {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const isPath = (v: unknown): v is string => typeof v === 'string' && path.isAbsolute(v);
  const recent = Array.isArray(o['recent']) ? o['recent'].filter(isPath) : [];
  const capture = normaliseCapture(o['capture']);
  return {
    lastConfig: isPath(o['lastConfig']) ? o['lastConfig'] : null,
    recent: [...new Set(recent)].slice(0, MAX_RECENT),
    ...(capture ? { capture } : {}),
  };
}

/** Whole numbers only: at least one record and one byte; 0 body bytes turns bodies off. */
function normaliseCapture(raw: unknown): Partial<CaptureLimits> | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  const out: Partial<CaptureLimits> = {};
  const whole = (v: unknown, min: number): v is number =>
    Number.isSafeInteger(v) && (v as number) >= min;
  if (whole(o['maxRecords'], 1)) out.maxRecords = o['maxRecords'];
  if (whole(o['maxBytes'], 1)) out.maxBytes = o['maxBytes'];
  if (whole(o['maxBodyBytes'], 0)) out.maxBodyBytes = o['maxBodyBytes'];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `file` opened (or saved as): it becomes the last config and moves to the top of recent. */
export function withOpened(s: DesktopSettings, file: string): DesktopSettings {
  const abs = path.resolve(file);
  return {
    ...s,
    lastConfig: abs,
    recent: [abs, ...s.recent.filter((f) => f !== abs)].slice(0, MAX_RECENT),
  };
}

export function readSettings(dir: string): DesktopSettings {
  try {
    return normaliseSettings(JSON.parse(fs.readFileSync(path.join(dir, SETTINGS_FILE), 'utf8')));
  } catch {
    return { ...DEFAULT_SETTINGS, recent: [] };
  }
}

export function writeSettings(dir: string, s: DesktopSettings): void {
  const file = path.join(dir, SETTINGS_FILE);
  const tmp = path.join(dir, `.${SETTINGS_FILE}.${process.pid}.tmp`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** The settings of one app run: read once, written on every change. */
export class SettingsStore {
  readonly #dir: string;
  #settings: DesktopSettings;

  constructor(dir: string) {
    this.#dir = dir;
    this.#settings = readSettings(dir);
  }

  get(): DesktopSettings {
    const s = this.#settings;
    return {
      lastConfig: s.lastConfig,
      recent: [...s.recent],
      ...(s.capture ? { capture: { ...s.capture } } : {}),
    };
  }

  remember(file: string): void {
    this.#update(withOpened(this.#settings, file));
  }

  clearRecent(): void {
    this.#update({ ...this.#settings, recent: [] });
  }

  #update(next: DesktopSettings): void {
    this.#settings = next;
    try {
      writeSettings(this.#dir, next);
    } catch (e) {
      // Losing the recent list is better than failing the open or save that caused it.
      console.error('perlbal-desktop: could not write settings:', e);
    }
  }
}
