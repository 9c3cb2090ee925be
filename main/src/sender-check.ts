/**
 * IPC sender validation (httptoolkit-desktop ipcHandler; Electron security checklist "validate
 * the sender of all IPC messages"). Pure, so it is unit-tested without Electron; ipc.ts applies
 * it to every handler.
 */
import { isSameOrigin } from './url-origin.js';

/**
 * True only when the frame that sent an IPC message shows the app's own page. `frameUrl` is
 * `event.senderFrame?.url`, which is undefined or null once the frame has gone away; such
 * messages are refused too, because nothing can be said about who sent them.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appOrigin: string): boolean {
  return isSameOrigin(frameUrl, appOrigin);
}
