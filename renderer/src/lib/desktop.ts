/**
 * The optional desktop bridge, `window.perlbalDesktop`, which main/src/preload.ts exposes inside
 * Electron and which is absent in a plain browser. It is shape-checked rather than trusted, so a
 * stray global cannot break the UI and browser mode degrades instead of failing.
 */

export interface DesktopInfo {
  /** The desktop app's version. */
  readonly version: string;
}

/** The bridge found on `scope` (normally `window`), or undefined outside Electron. */
export function readDesktopInfo(scope: unknown): DesktopInfo | undefined {
  if (typeof scope !== 'object' || scope === null) return undefined;
  const bridge: unknown = (scope as { perlbalDesktop?: unknown }).perlbalDesktop;
  if (typeof bridge !== 'object' || bridge === null) return undefined;
  const version: unknown = (bridge as { version?: unknown }).version;
  return typeof version === 'string' ? { version } : undefined;
}
