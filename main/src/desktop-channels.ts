/**
 * The desktop-only IPC channels (house style B7: `desktop:<verb>`): file dialogs for the
 * editor's Open and Save As, and the menu's commands sent to the window. The preload is bundled
 * on its own, so the names live here, away from anything that pulls in the core.
 */
export const DESKTOP_OPEN_CHANNEL = 'desktop:open-config';
export const DESKTOP_SAVE_AS_CHANNEL = 'desktop:save-config-as';
/** Main to window: a File menu command the editor carries out (`save`, `save-as`). */
export const DESKTOP_MENU_CHANNEL = 'desktop:menu';
/** Main to window: "are there unsaved changes?" with a number the answer repeats. */
export const DESKTOP_UNSAVED_QUERY_CHANNEL = 'desktop:query-unsaved';
/** Window to main (invoke, trusted senders only): `(id, dirty)`. */
export const DESKTOP_UNSAVED_ANSWER_CHANNEL = 'desktop:unsaved-answer';

export const MENU_COMMANDS = ['save', 'save-as'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export function isMenuCommand(value: unknown): value is MenuCommand {
  return typeof value === 'string' && (MENU_COMMANDS as readonly string[]).includes(value);
}

/** What Open answers: the file now running and its text; null when the dialog was cancelled. */
export interface OpenedFile {
  fileName: string;
  text: string;
}

/** What Save As answers: where it was written; null when cancelled. */
export interface SavedFile {
  fileName: string;
}
