/**
 * IPC entry points of the main process. Today only the guard that every handler goes through;
 * the CoreApi bridge (`core:call`, `core:event`, `desktop:<verb>`) is registered here later.
 * Guarantees:
 * - a handler registered with handleTrusted() runs only for messages sent by a frame on the
 *   app origin (sender-check.ts); anything else is rejected before the handler sees it;
 * - no other module calls ipcMain, so this file lists every channel that exists.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { isTrustedSender } from './sender-check.js';

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
