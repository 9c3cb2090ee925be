/**
 * The desktop app's file functions, `window.perlbalDesktop.files` (main/src/preload-files.ts):
 * Open and Save As with native dialogs, the File menu's Save / Save As, and main's question
 * "are there unsaved changes?" before it closes, quits, reloads or opens another config.
 * Absent in a browser, so the editor hides Open and Save as there. Shape-checked, never trusted.
 */
export type MenuCommand = 'save' | 'save-as';

export interface DesktopFiles {
  open(): Promise<{ fileName: string; text: string } | null>;
  saveAs(text: string): Promise<{ fileName: string } | null>;
  onMenu(listener: (command: MenuCommand) => void): () => void;
  /** Main asks before closing, quitting, reloading or opening; `answer` says if edits would be lost. */
  onUnsavedQuery?(answer: () => boolean): () => void;
}

/** The file functions on `scope` (normally `window`), or undefined outside Electron. */
export function readDesktopFiles(scope: unknown): DesktopFiles | undefined {
  if (typeof scope !== 'object' || scope === null) return undefined;
  const bridge: unknown = (scope as { perlbalDesktop?: unknown }).perlbalDesktop;
  if (typeof bridge !== 'object' || bridge === null) return undefined;
  const files: unknown = (bridge as { files?: unknown }).files;
  if (typeof files !== 'object' || files === null) return undefined;
  const f = files as Record<string, unknown>;
  const ok = ['open', 'saveAs', 'onMenu'].every((k) => typeof f[k] === 'function');
  return ok ? (files as DesktopFiles) : undefined;
}
