/**
 * The shape of `window.perlbalDesktop` as built by preload.ts. Kept free of Electron imports so
 * tests can describe it: the app version, and `core`, the CoreApi bridge (preload-bridge.ts)
 * the renderer's ipc-client.ts wraps.
 */
import type { PreloadCoreBridge } from './preload-bridge.js';
import type { PreloadFilesBridge } from './preload-files.js';

export interface PerlbalDesktopBridge {
  /** The desktop app's version (package.json), baked in at build time. */
  readonly version: string;
  readonly core?: PreloadCoreBridge;
  /** Open / Save As with native dialogs, and the File menu's commands (preload-files.ts). */
  readonly files?: PreloadFilesBridge;
}

declare const __PERLBAL_DESKTOP_VERSION__: string | undefined;

/**
 * The version electron-vite substitutes for `__PERLBAL_DESKTOP_VERSION__`; `typeof` keeps an
 * unbundled run (unit tests) from throwing a ReferenceError.
 */
export function bundledVersion(): string {
  return typeof __PERLBAL_DESKTOP_VERSION__ === 'string'
    ? __PERLBAL_DESKTOP_VERSION__
    : '0.0.0-dev';
}

export function createDesktopBridge(
  version: string,
  core?: PreloadCoreBridge,
  files?: PreloadFilesBridge,
): PerlbalDesktopBridge {
  return Object.freeze({ version, ...(core ? { core } : {}), ...(files ? { files } : {}) });
}
