/**
 * The shape of `window.perlbalDesktop` as built by preload.ts. Kept free of Electron imports so
 * tests and, later, the shared contract in proxy-core/src/common/api.ts can describe it. Today
 * it carries only the app version; the core and desktop channels come with the IPC bridge.
 */

export interface PerlbalDesktopBridge {
  /** The desktop app's version (package.json), baked in at build time. */
  readonly version: string;
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

export function createDesktopBridge(version: string): PerlbalDesktopBridge {
  return Object.freeze({ version });
}
