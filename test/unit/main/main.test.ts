/**
 * main.ts against a fake Electron: lifecycle, the one secure window, and the lockdown applied
 * to every webContents. Each test imports main.ts afresh, because it acts at import time.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME } from '../../../main/src/app-origin.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/src/content-security-policy.js';
import { FakeWebContents, freshFakeElectron, type FakeElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).createFakeElectron());

let electron: FakeElectron;

beforeEach(() => {
  electron = freshFakeElectron();
});

async function startMain(): Promise<void> {
  await import('../../../main/src/main.js');
  await vi.waitFor(() => {
    if (
      electron.app.whenReady.mock.calls.length > 0 &&
      electron.BrowserWindow.instances.length === 0
    )
      throw new Error('waiting for the ready handler');
  });
}

function onlyWindow() {
  expect(electron.BrowserWindow.instances).toHaveLength(1);
  return electron.BrowserWindow.instances[0]!;
}

describe('main process', () => {
  it('registers app:// as a standard, secure scheme and enables the sandbox before ready', async () => {
    await startMain();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: APP_SCHEME, privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    const privileges =
      electron.protocol.registerSchemesAsPrivileged.mock.calls[0]![0][0].privileges;
    expect(privileges.bypassCSP).toBeUndefined();
    expect(electron.app.enableSandbox).toHaveBeenCalled();
  });

  it('quits without a window when another instance holds the lock', async () => {
    electron.app.requestSingleInstanceLock.mockReturnValue(false);
    await import('../../../main/src/main.js');
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(electron.BrowserWindow.instances).toHaveLength(0);
  });

  it('opens one sandboxed window on the app origin when ready', async () => {
    await startMain();
    const win = onlyWindow();
    const web = win.options.webPreferences as Record<string, unknown>;
    expect(web).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String(web.preload).endsWith(path.join('preload', 'index.cjs'))).toBe(true);
    expect(win.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL);
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });

  it('denies every permission request and check', async () => {
    await startMain();
    const ses = electron.session.defaultSession;
    const request = ses.setPermissionRequestHandler.mock.calls[0]![0] as (
      ...args: unknown[]
    ) => void;
    const callback = vi.fn();
    request({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    const check = ses.setPermissionCheckHandler.mock.calls[0]![0] as () => boolean;
    expect(check()).toBe(false);
  });

  it('locks down every webContents: navigation, redirects, webviews and window.open', async () => {
    await startMain();
    const contents = new FakeWebContents();
    electron.app.emit('web-contents-created', {}, contents);

    for (const event of ['will-navigate', 'will-redirect']) {
      const away = { url: 'https://example.com/', preventDefault: vi.fn() };
      contents.emit(event, away);
      expect(away.preventDefault, event).toHaveBeenCalled();
      const within = { url: `${APP_ORIGIN}/index.html`, preventDefault: vi.fn() };
      contents.emit(event, within);
      expect(within.preventDefault, event).not.toHaveBeenCalled();
    }
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: `${APP_ORIGIN}/x` })).toEqual({ action: 'deny' });
  });

  it('serves app:// with the CSP header and nothing outside the renderer folder', async () => {
    await startMain();
    const [scheme, handler] = electron.protocol.handle.mock.calls[0]! as unknown as [
      string,
      (req: Request) => Promise<Response>,
    ];
    expect(scheme).toBe(APP_SCHEME);
    // Run from source, the renderer folder (main/renderer) does not exist: a 404, still with CSP.
    const res = await handler(new Request(`${APP_ORIGIN}/index.html`));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const outside = await handler(new Request('app://evil/package.json'));
    expect(outside.status).toBe(404);
  });

  it('focuses the existing window on a second launch', async () => {
    await startMain();
    const win = onlyWindow();
    win.isMinimized.mockReturnValue(true);
    electron.app.emit('second-instance');
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(electron.BrowserWindow.instances).toHaveLength(1);
  });

  it('quits when the last window closes (except on macOS)', async () => {
    await startMain();
    electron.app.emit('window-all-closed');
    if (process.platform === 'darwin') expect(electron.app.quit).not.toHaveBeenCalled();
    else expect(electron.app.quit).toHaveBeenCalled();
  });

  it('exits non-zero when startup fails', async () => {
    electron.session.defaultSession.setPermissionRequestHandler.mockImplementation(() => {
      throw new Error('boom');
    });
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await import('../../../main/src/main.js');
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(1));
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });

  /** Answer main's unsaved-changes question as the page would (through the trusted channel). */
  function answerUnsaved(dirty: boolean): void {
    const win = onlyWindow();
    const [, id] = win.webContents.send.mock.calls.findLast(
      (c) => c[0] === 'desktop:query-unsaved',
    ) as unknown as [string, number];
    const handler = electron.ipcMain.handle.mock.calls.find(
      (c) => (c as unknown[])[0] === 'desktop:unsaved-answer',
    )![1] as (event: unknown, ...args: unknown[]) => unknown;
    handler({ senderFrame: { url: `${APP_ORIGIN}/index.html` } }, id, dirty);
  }

  it('holds a quit until the proxy has stopped, then quits', async () => {
    await startMain();
    const first = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() =>
      expect(onlyWindow().webContents.send).toHaveBeenCalledWith('desktop:query-unsaved', 1),
    );
    answerUnsaved(false);
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
    const second = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });

  it('asks before closing a window with unsaved edits, and keeps it open on Cancel', async () => {
    await startMain();
    const win = onlyWindow();
    const close = { preventDefault: vi.fn() };
    win.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(win.webContents.send).toHaveBeenCalled());
    answerUnsaved(true);
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalled());
    const options = electron.dialog.showMessageBox.mock.calls[0]!.at(-1) as { buttons: string[] };
    expect(options.buttons).toEqual(['Close without saving', 'Cancel']);
    await new Promise((r) => setTimeout(r, 0));
    expect(win.close).not.toHaveBeenCalled();

    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0 });
    win.emit('close', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(win.webContents.send.mock.calls.length).toBe(2));
    answerUnsaved(true);
    await vi.waitFor(() => expect(win.close).toHaveBeenCalled());
  });
});
