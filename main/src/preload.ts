/**
 * Preload script: the only code that runs with access to both the page and Electron.
 * Guarantees:
 * - exposes exactly one frozen object, `window.perlbalDesktop`, through contextBridge;
 * - exposes no Electron object, no ipcRenderer and no function that takes a channel name;
 * - built as CommonJS (electron.vite.config.ts), because a sandboxed preload cannot be an ES module.
 * The IPC bridge (`core`, `desktop`) lands here later, with method and event names checked
 * against allow-lists before anything reaches ipcRenderer (house style B3).
 */
import { contextBridge } from 'electron';
import { bundledVersion, createDesktopBridge } from './desktop-bridge.js';

contextBridge.exposeInMainWorld('perlbalDesktop', createDesktopBridge(bundledVersion()));
