/**
 * Open, Open Recent and Save As (main/src/desktop-files.ts) with scripted dialogs and a core
 * host stand-in that records which file it runs. Files are real, in a temp folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CoreClient } from '../../../proxy-core/src/common/api/index.js';
import type { CoreHost } from '../../../main/src/core-host.js';
import { DesktopFiles, type FileDialogs } from '../../../main/src/desktop-files.js';
import { SettingsStore } from '../../../main/src/settings-store.js';

let dir: string;
let running: string;
let failOn: string | null;
let host: CoreHost;
let settings: SettingsStore;
let dialogs: { chooseOpen: ReturnType<typeof vi.fn>; chooseSave: ReturnType<typeof vi.fn> };
let switched: string[];
let files: DesktopFiles;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-files-'));
  running = path.join(dir, 'first.conf');
  fs.writeFileSync(running, '# first\n');
  failOn = null;
  host = {
    api: () => Promise.resolve({} as CoreClient),
    stop: () => Promise.resolve(),
    file: () => running,
    switchTo(file) {
      if (file === failOn) return Promise.reject(new Error('port in use'));
      running = file;
      return Promise.resolve();
    },
  };
  settings = new SettingsStore(path.join(dir, 'user-data'));
  dialogs = { chooseOpen: vi.fn(), chooseSave: vi.fn() };
  switched = [];
  files = new DesktopFiles({
    host,
    settings,
    dialogs: dialogs as unknown as FileDialogs,
    onSwitched: (f) => switched.push(f),
  });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('desktop files', () => {
  it('opens the chosen file: runs it, remembers it, returns its text', async () => {
    const other = path.join(dir, 'other.conf');
    fs.writeFileSync(other, '# other\n');
    dialogs.chooseOpen.mockResolvedValue(other);
    expect(await files.open()).toEqual({ fileName: other, text: '# other\n' });
    expect(dialogs.chooseOpen).toHaveBeenCalledWith(path.join(dir, 'first.conf'));
    expect(running).toBe(other);
    expect(switched).toEqual([other]);
    expect(settings.get()).toEqual({ lastConfig: other, recent: [other] });
  });

  it('does nothing when the dialog is cancelled', async () => {
    dialogs.chooseOpen.mockResolvedValue(null);
    dialogs.chooseSave.mockResolvedValue(null);
    expect(await files.open()).toBeNull();
    expect(await files.saveAs('text')).toBeNull();
    expect(switched).toEqual([]);
    expect(settings.get().recent).toEqual([]);
  });

  it('asks about unsaved edits before Open and Open Recent, and stays put when told no', async () => {
    const other = path.join(dir, 'other.conf');
    fs.writeFileSync(other, '# other\n');
    settings.remember(other);
    dialogs.chooseOpen.mockResolvedValue(other);
    const mayDiscard = vi.fn(() => Promise.resolve(false));
    const guarded = new DesktopFiles({
      host,
      settings,
      dialogs: dialogs as unknown as FileDialogs,
      onSwitched: (f) => switched.push(f),
      mayDiscard,
    });
    expect(await guarded.open()).toBeNull();
    expect(await guarded.openRecent(other)).toBeNull();
    expect(mayDiscard).toHaveBeenCalledTimes(2);
    // Asked before the dialog: a "no" shows no dialog at all.
    expect(dialogs.chooseOpen).not.toHaveBeenCalled();
    expect(running).toBe(path.join(dir, 'first.conf'));
    expect(switched).toEqual([]);

    mayDiscard.mockResolvedValue(true);
    expect(await guarded.openRecent(other)).toEqual({ fileName: other, text: '# other\n' });
    expect(running).toBe(other);
  });

  it('opens only files on the recent list', async () => {
    const other = path.join(dir, 'other.conf');
    fs.writeFileSync(other, '# other\n');
    expect(await files.openRecent(other)).toBeNull();
    settings.remember(other);
    expect(await files.openRecent(other)).toEqual({ fileName: other, text: '# other\n' });
  });

  it('saves as the chosen file and runs it from then on', async () => {
    const target = path.join(dir, 'saved.conf');
    dialogs.chooseSave.mockResolvedValue(target);
    expect(await files.saveAs('# saved\n')).toEqual({ fileName: target });
    expect(fs.readFileSync(target, 'utf8')).toBe('# saved\n');
    expect(running).toBe(target);
    expect(settings.get().lastConfig).toBe(target);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('says the file was saved but not run when the proxy refuses it', async () => {
    const target = path.join(dir, 'bad.conf');
    failOn = target;
    dialogs.chooseSave.mockResolvedValue(target);
    await expect(files.saveAs('# bad\n')).rejects.toThrow(
      `Saved to ${target}, but the proxy could not run it (port in use); it still runs ${path.join(dir, 'first.conf')}.`,
    );
    expect(fs.readFileSync(target, 'utf8')).toBe('# bad\n');
    expect(switched).toEqual([]);
  });

  it('refuses a Save As without text', async () => {
    await expect(files.saveAs(42)).rejects.toThrow(TypeError);
    expect(dialogs.chooseSave).not.toHaveBeenCalled();
  });
});
