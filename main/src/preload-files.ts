/**
 * What the preload puts at `window.perlbalDesktop.files`: the editor's Open and Save As (native
 * dialogs in main), the File menu's Save / Save As commands coming back to the page, and the
 * answer to main's "any unsaved changes?" (asked before close, quit, reload and open). Built
 * over an ipcRenderer-like object, so it is tested without Electron. The page gets four frozen
 * functions; it can't name a channel, and it never passes a path (main's dialogs choose them).
 */
import {
  DESKTOP_MENU_CHANNEL,
  DESKTOP_OPEN_CHANNEL,
  DESKTOP_SAVE_AS_CHANNEL,
  DESKTOP_UNSAVED_ANSWER_CHANNEL,
  DESKTOP_UNSAVED_QUERY_CHANNEL,
  isMenuCommand,
  type MenuCommand,
  type OpenedFile,
  type SavedFile,
} from './desktop-channels.js';
import type { IpcRendererLike } from './preload-bridge.js';

export interface PreloadFilesBridge {
  open(): Promise<OpenedFile | null>;
  saveAs(text: string): Promise<SavedFile | null>;
  /** File > Save / Save As… chosen in the native menu; returns the unsubscribe function. */
  onMenu(listener: (command: MenuCommand) => void): () => void;
  /**
   * How main learns whether closing, quitting, reloading or opening would lose edits: `answer`
   * says so when asked (the last one registered counts; none registered answers false).
   */
  onUnsavedQuery(answer: () => boolean): () => void;
}

export function createPreloadFilesBridge(ipc: IpcRendererLike): PreloadFilesBridge {
  const listeners = new Set<(command: MenuCommand) => void>();
  ipc.on(DESKTOP_MENU_CHANNEL, (_event, command) => {
    if (!isMenuCommand(command)) return;
    for (const fn of [...listeners]) fn(command);
  });
  let unsaved: (() => boolean) | null = null;
  ipc.on(DESKTOP_UNSAVED_QUERY_CHANNEL, (_event, id) => {
    if (typeof id !== 'number') return;
    let dirty = false;
    try {
      dirty = unsaved?.() === true;
    } catch {
      dirty = false;
    }
    void ipc.invoke(DESKTOP_UNSAVED_ANSWER_CHANNEL, id, dirty).catch(() => undefined);
  });
  return Object.freeze({
    open: () => ipc.invoke(DESKTOP_OPEN_CHANNEL) as Promise<OpenedFile | null>,
    saveAs(text: string): Promise<SavedFile | null> {
      if (typeof text !== 'string') return Promise.reject(new TypeError('saveAs takes the text'));
      return ipc.invoke(DESKTOP_SAVE_AS_CHANNEL, text) as Promise<SavedFile | null>;
    },
    onMenu(listener: (command: MenuCommand) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onMenu takes a function');
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    onUnsavedQuery(answer: () => boolean): () => void {
      if (typeof answer !== 'function') throw new TypeError('onUnsavedQuery takes a function');
      unsaved = answer;
      return () => {
        if (unsaved === answer) unsaved = null;
      };
    },
  });
}
