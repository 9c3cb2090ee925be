/**
 * IPC entry points of the main process. Guarantees:
 * - a handler registered with handleTrusted() runs only for messages sent by a frame on the
 *   app origin (sender-check.ts); anything else is rejected before the handler sees it;
 * - `core:call` goes through MainCoreBridge (core-bridge.ts), which checks the sender again,
 *   the method against the allow-list and the arguments' shape before the core sees them;
 *   core events go back on `core:event`, one message per batch;
 * - `desktop:open-config` and `desktop:save-config-as` (handleTrusted) take no path from the
 *   page: main's native dialogs choose the file (desktop-files.ts);
 * - `desktop:unsaved-answer` (handleTrusted) only resolves a question main asked (an id and a
 *   boolean; anything else is ignored, unsaved-guard.ts);
 * - no other module calls ipcMain, so this file lists every channel that exists.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { MainCoreBridge } from './core-bridge.js';
import { CORE_CALL_CHANNEL } from './core-channels.js';
import {
  DESKTOP_OPEN_CHANNEL,
  DESKTOP_SAVE_AS_CHANNEL,
  DESKTOP_UNSAVED_ANSWER_CHANNEL,
} from './desktop-channels.js';
import type { DesktopFiles } from './desktop-files.js';
import { isTrustedSender } from './sender-check.js';
import type { UnsavedQuery } from './unsaved-guard.js';

export type TrustedHandler = (...args: unknown[]) => unknown;

/** Error code for a refused sender; to be added to the ERROR_CODES table in common/errors.ts. */
export const UNTRUSTED_SENDER_CODE = 'PB_ERR_IPC_UNTRUSTED_SENDER';

function untrustedSenderError(channel: string): Error {
  const error = new Error(`IPC message on ${channel} refused: the sender is not the app`);
  return Object.assign(error, { code: UNTRUSTED_SENDER_CODE });
}

/** `ipcMain.handle(channel, ...)` with the sender check in front of `handler`. */
export function handleTrusted(channel: string, appOrigin: string, handler: TrustedHandler): void {
  ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    if (!isTrustedSender(event.senderFrame?.url, appOrigin)) throw untrustedSenderError(channel);
    return handler(...args);
  });
}

/** `core:call`: every call goes through the bridge's checks; its answer is a CallOutcome. */
export function registerCoreBridge(bridge: MainCoreBridge): void {
  ipcMain.handle(CORE_CALL_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, args: unknown) =>
    bridge.call(event.senderFrame?.url, event.sender, method, args),
  );
}

/** The editor's Open and Save As, with the file chosen in main's dialog (desktop app only). */
export function registerDesktopFiles(files: DesktopFiles, appOrigin: string): void {
  handleTrusted(DESKTOP_OPEN_CHANNEL, appOrigin, () => files.open());
  handleTrusted(DESKTOP_SAVE_AS_CHANNEL, appOrigin, (text) => files.saveAs(text));
}

/** The window's answers to "any unsaved changes?" (the question is sent by main.ts). */
export function registerUnsavedAnswers(query: UnsavedQuery, appOrigin: string): void {
  handleTrusted(DESKTOP_UNSAVED_ANSWER_CHANNEL, appOrigin, (id, dirty) => {
    query.answer(id, dirty);
  });
}
