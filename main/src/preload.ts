/**
 * Preload script: the only code that runs with access to both the page and Electron.
 * Guarantees:
 * - exposes exactly one frozen object, `window.perlbalDesktop` = { version, core, files },
 *   through contextBridge;
 * - exposes no Electron object, no ipcRenderer and no function that takes a channel name:
 *   `core.call` and `core.on` check method and event names against the allow-lists
 *   (preload-bridge.ts, core-channels.ts) before anything reaches ipcRenderer; `files` has
 *   fixed channels and takes no path (preload-files.ts, desktop-channels.ts);
 * - built as CommonJS (electron.vite.config.ts), because a sandboxed preload cannot be an ES module.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { bundledVersion, createDesktopBridge } from './desktop-bridge.js';
import { createPreloadCoreBridge } from './preload-bridge.js';
import { createPreloadFilesBridge } from './preload-files.js';

contextBridge.exposeInMainWorld(
  'perlbalDesktop',
  createDesktopBridge(
    bundledVersion(),
    createPreloadCoreBridge(ipcRenderer),
    createPreloadFilesBridge(ipcRenderer),
  ),
);
