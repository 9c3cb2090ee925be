/**
 * main.ts's menus and desktop file channels, against a fake Electron: the menu is set when
 * ready, File > Save / Save As ask the page (the editor has the text), and the editor's
 * Open / Save As channels are registered behind the sender check.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemTemplate } from '../../../main/src/app-menu.js';
import { APP_ENTRY_URL } from '../../../main/src/app-origin.js';
import { freshFakeElectron, type FakeElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).createFakeElectron());

let electron: FakeElectron;

beforeEach(() => {
  electron = freshFakeElectron();
});

async function startMain(): Promise<void> {
  await import('../../../main/src/main.js');
  await vi.waitFor(() => expect(electron.BrowserWindow.instances).toHaveLength(1));
}

function fileMenu(): MenuItemTemplate[] {
  const calls = electron.Menu.buildFromTemplate.mock.calls;
  const template = calls.at(-1)![0] as MenuItemTemplate[];
  return template.find((i) => i.label === 'File')!.submenu!;
}

type Invoke = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown;

function handler(channel: string): Invoke {
  const call = electron.ipcMain.handle.mock.calls.find((c) => (c as unknown[])[0] === channel);
  expect(call, `a handler for ${channel}`).toBeDefined();
  return (call as unknown as [string, Invoke])[1];
}

describe('main process menus and files', () => {
  it('sets the application menu when ready, with the settings’ recent files', async () => {
    await startMain();
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    expect(electron.app.getPath).toHaveBeenCalledWith('userData');
    const recent = fileMenu().find((i) => i.label === 'Open Recent')!.submenu!;
    expect(recent).toEqual([{ label: 'No recent files', enabled: false }]);
  });

  it('asks the page to save on File > Save and Save As…', async () => {
    await startMain();
    const win = electron.BrowserWindow.instances[0]!;
    fileMenu().find((i) => i.label === 'Save')!.click!();
    fileMenu().find((i) => i.label === 'Save As…')!.click!();
    expect(win.webContents.send.mock.calls).toEqual([
      ['desktop:menu', 'save'],
      ['desktop:menu', 'save-as'],
    ]);
  });

  it('registers the editor’s Open and Save As, refusing other senders', async () => {
    await startMain();
    const open = handler('desktop:open-config');
    const saveAs = handler('desktop:save-config-as');
    expect(() => open({ senderFrame: { url: 'https://example.com/' } })).toThrow(/refused/);
    expect(() => saveAs({ senderFrame: null }, 'text')).toThrow(/refused/);
    // A cancelled dialog: nothing opened, nothing switched.
    await expect(open({ senderFrame: { url: APP_ENTRY_URL } })).resolves.toBeNull();
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledTimes(1);
    await expect(
      saveAs({ senderFrame: { url: APP_ENTRY_URL } }, 'SERVER x = 1\n'),
    ).resolves.toBeNull();
    expect(electron.BrowserWindow.instances[0]!.webContents.reload).not.toHaveBeenCalled();
  });
});
