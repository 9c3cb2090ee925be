/**
 * The desktop settings file (main/src/settings-store.ts): last config, recent files capped at
 * 10, atomic JSON in the user-data folder, and defaults for a missing or damaged file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_RECENT,
  SETTINGS_FILE,
  SettingsStore,
  normaliseSettings,
  readSettings,
  withOpened,
} from '../../../main/src/settings-store.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-settings-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('settings store', () => {
  it('starts with defaults and keeps what was opened across runs', () => {
    const store = new SettingsStore(dir);
    expect(store.get()).toEqual({ lastConfig: null, recent: [] });
    store.remember('/a/perlbal.conf');
    store.remember('/b/perlbal.conf');
    store.remember('/a/perlbal.conf');
    const again = new SettingsStore(dir).get();
    expect(again).toEqual({
      lastConfig: '/a/perlbal.conf',
      recent: ['/a/perlbal.conf', '/b/perlbal.conf'],
    });
    // Written atomically: no temporary file is left beside it.
    expect(fs.readdirSync(dir)).toEqual([SETTINGS_FILE]);
  });

  it('keeps at most 10 recent files, newest first', () => {
    let s = readSettings(dir);
    for (let i = 0; i < 15; i++) s = withOpened(s, `/c/${i}.conf`);
    expect(s.recent).toHaveLength(MAX_RECENT);
    expect(s.recent[0]).toBe('/c/14.conf');
    expect(s.recent.at(-1)).toBe('/c/5.conf');
  });

  it('clears the recent list but keeps the last config', () => {
    const store = new SettingsStore(dir);
    store.remember('/a/x.conf');
    store.clearRecent();
    expect(new SettingsStore(dir).get()).toEqual({ lastConfig: '/a/x.conf', recent: [] });
  });

  it('falls back to defaults for a damaged file, and drops malformed fields', () => {
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), '{ not json');
    expect(new SettingsStore(dir).get()).toEqual({ lastConfig: null, recent: [] });
    expect(
      normaliseSettings({ lastConfig: 'relative.conf', recent: ['/x', 3, '/x', 'y'] }),
    ).toEqual({ lastConfig: null, recent: ['/x'] });
  });

  it('keeps well-formed request capture limits through opens, and drops bad ones', () => {
    fs.writeFileSync(
      path.join(dir, SETTINGS_FILE),
      JSON.stringify({
        lastConfig: null,
        recent: [],
        capture: { maxRecords: 5000, maxBodyBytes: 0 },
      }),
    );
    const store = new SettingsStore(dir);
    store.remember('/a.conf');
    expect(new SettingsStore(dir).get().capture).toEqual({ maxRecords: 5000, maxBodyBytes: 0 });
    expect(
      normaliseSettings({ capture: { maxRecords: 0, maxBytes: 1.5, maxBodyBytes: -1, x: 1 } }),
    ).toEqual({ lastConfig: null, recent: [] });
  });

  it('creates the user-data folder when it is not there yet', () => {
    const nested = path.join(dir, 'not', 'yet');
    new SettingsStore(nested).remember('/a.conf');
    expect(JSON.parse(fs.readFileSync(path.join(nested, SETTINGS_FILE), 'utf8'))).toEqual({
      lastConfig: '/a.conf',
      recent: ['/a.conf'],
    });
  });
});
