/**
 * Open and Save As in the desktop app, free of Electron (main.ts passes the dialogs). The app
 * always runs the file it shows: Open switches the core to the chosen file, Save As writes the
 * editor's text to the chosen file and switches to it, so the next Save (core saveConfig)
 * writes there too. Paths come only from a native dialog or the recent list main keeps, never
 * from the page, so a compromised page can't make main read or write a file of its choosing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CoreHost } from './core-host.js';
import type { OpenedFile, SavedFile } from './desktop-channels.js';
import type { SettingsStore } from './settings-store.js';

export interface FileDialogs {
  /** A config file the user picked, or null. */
  chooseOpen(current: string): Promise<string | null>;
  /** Where to save, or null. */
  chooseSave(current: string): Promise<string | null>;
}

export interface DesktopFilesDeps {
  host: CoreHost;
  settings: Pick<SettingsStore, 'get' | 'remember'>;
  dialogs: FileDialogs;
  /** After the core runs another file: main rebuilds the menu and reloads the window. */
  onSwitched(file: string): void;
  /**
   * Before Open and Open Recent replace the window's text: true when nothing would be lost or
   * the user agreed to lose it (main asks the window, then the user). Absent: always true.
   */
  mayDiscard?(): Promise<boolean>;
}

/** Same as saveConfig in the core: beside the file, then one rename. */
function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const mode = fs.existsSync(file) ? fs.statSync(file).mode & 0o777 : 0o644;
    fs.writeFileSync(tmp, text, { mode });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`Could not save ${file}: ${(e as Error).message}`, { cause: e });
  }
}

export class DesktopFiles {
  readonly #deps: DesktopFilesDeps;

  constructor(deps: DesktopFilesDeps) {
    this.#deps = deps;
  }

  /** File > Open… and the editor's Open: unsaved edits first, a dialog, then run the file. */
  async open(): Promise<OpenedFile | null> {
    if (!(await this.#mayDiscard())) return null;
    const file = await this.#deps.dialogs.chooseOpen(this.#deps.host.file());
    return file === null ? null : this.openFile(file);
  }

  /** Open Recent: only files the settings list (the page can't name one). */
  async openRecent(file: string): Promise<OpenedFile | null> {
    if (!this.#deps.settings.get().recent.includes(file)) return null;
    if (!(await this.#mayDiscard())) return null;
    return this.openFile(file);
  }

  #mayDiscard(): Promise<boolean> {
    return this.#deps.mayDiscard ? this.#deps.mayDiscard() : Promise.resolve(true);
  }

  async openFile(file: string): Promise<OpenedFile> {
    const text = fs.readFileSync(file, 'utf8');
    await this.#deps.host.switchTo(file);
    this.#switched(file);
    return { fileName: file, text };
  }

  /** Save As: write the text to a file the user picks, and run that file from now on. */
  async saveAs(text: unknown): Promise<SavedFile | null> {
    if (typeof text !== 'string') throw new TypeError('Save As needs the config text');
    const file = await this.#deps.dialogs.chooseSave(this.#deps.host.file());
    if (file === null) return null;
    writeAtomically(file, text);
    try {
      await this.#deps.host.switchTo(file);
    } catch (e) {
      const still = this.#deps.host.file();
      throw new Error(
        `Saved to ${file}, but the proxy could not run it (${(e as Error).message}); it still runs ${still}.`,
        { cause: e },
      );
    }
    this.#switched(file);
    return { fileName: file };
  }

  #switched(file: string): void {
    this.#deps.settings.remember(file);
    this.#deps.onSwitched(file);
  }
}
