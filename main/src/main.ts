/**
 * Electron main process: app lifecycle and the one application window.
 * Guarantees:
 * - one instance per user session; a second launch focuses the existing window;
 * - every renderer is sandboxed, context-isolated and without Node (window-options.ts);
 * - pages come only from the built renderer folder on app://, each with a strict
 *   Content-Security-Policy header (app-protocol.ts, content-security-policy.ts);
 * - every webContents is locked down: no navigation off the app origin, no window.open,
 *   no <webview>, and every permission request is denied (navigation-guard.ts).
 * Also: native menus (app-menu.ts), Open / Save As / Open Recent through native dialogs
 * (desktop-files.ts), and settings in the user-data folder (settings-store.ts): the last
 * config runs again at the next start. Unsaved config edits are never dropped silently:
 * closing the window, quitting, View > Reload and Open / Open Recent ask the page first and
 * then the user (unsaved-guard.ts); a quit drains the proxy gracefully before it exits.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  protocol,
  session,
  shell,
  type WebContents,
} from 'electron';
import { buildMenuTemplate, docsFile, type MenuActions } from './app-menu.js';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES } from './app-origin.js';
import { serveAsset } from './app-protocol.js';
import { resolveBuildPaths } from './build-paths.js';
import { MainCoreBridge } from './core-bridge.js';
import { createCoreHost, startupConfigFile } from './core-host.js';
import {
  DESKTOP_MENU_CHANNEL,
  DESKTOP_UNSAVED_QUERY_CHANNEL,
  type MenuCommand,
} from './desktop-channels.js';
import { DesktopFiles } from './desktop-files.js';
import { registerCoreBridge, registerDesktopFiles, registerUnsavedAnswers } from './ipc.js';
import { decideNavigation, decidePermission, decideWindowOpen } from './navigation-guard.js';
import { SettingsStore } from './settings-store.js';
import { createMayDiscard, QuitFlow, UnsavedQuery, type DiscardAction } from './unsaved-guard.js';
import { createMainWindowOptions } from './window-options.js';

const mainDir = path.dirname(fileURLToPath(import.meta.url));
const paths = resolveBuildPaths(mainDir);
const settings = new SettingsStore(app.getPath('userData'));
// The core starts when the window first asks for it (core-host.ts owns where it runs). The
// UI's own settings (saved filters) go in the user-data folder too, beside settings.json,
// whose `capture` (hand-set) bounds the request inspector's capture.
const startup = settings.get();
const coreHost = createCoreHost(startupConfigFile(mainDir, startup.lastConfig), {
  settingsDir: app.getPath('userData'),
  ...(startup.capture ? { capture: startup.capture } : {}),
});
const bridge = new MainCoreBridge(() => coreHost.api(), APP_ORIGIN);
let mainWindow: BrowserWindow | null = null;

const unsaved = new UnsavedQuery((id) => {
  const contents = mainWindow?.webContents;
  if (!contents || contents.isDestroyed?.()) return false;
  contents.send(DESKTOP_UNSAVED_QUERY_CHANNEL, id);
  return true;
});

const DISCARD_VERB: Record<DiscardAction, string> = {
  close: 'Close',
  quit: 'Quit',
  open: 'Open another config',
  reload: 'Reload',
};

async function confirmDiscard(action: DiscardAction): Promise<boolean> {
  const verb = DISCARD_VERB[action];
  const options = {
    type: 'warning' as const,
    buttons: [`${verb} without saving`, 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'The config has unsaved changes.',
    detail: `${verb} and they are lost. Cancel, then File > Save, to keep them.`,
  };
  const r = mainWindow
    ? await dialog.showMessageBox(mainWindow, options)
    : await dialog.showMessageBox(options);
  return r.response === 0;
}

const mayDiscard = createMayDiscard(unsaved, confirmDiscard);
const quitFlow = new QuitFlow({
  mayDiscard,
  stopCore: () => coreHost.stop(),
  quit: () => app.quit(),
});

const CONFIG_FILTERS = [
  { name: 'Perlbal config', extensions: ['conf'] },
  { name: 'All files', extensions: ['*'] },
];

const files = new DesktopFiles({
  host: coreHost,
  settings,
  dialogs: {
    async chooseOpen(current) {
      const options = {
        properties: ['openFile' as const],
        defaultPath: path.dirname(current),
        filters: CONFIG_FILTERS,
      };
      const r = mainWindow
        ? await dialog.showOpenDialog(mainWindow, options)
        : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async chooseSave(current) {
      const options = { defaultPath: current, filters: CONFIG_FILTERS };
      const r = mainWindow
        ? await dialog.showSaveDialog(mainWindow, options)
        : await dialog.showSaveDialog(options);
      return r.canceled ? null : (r.filePath ?? null);
    },
  },
  onSwitched() {
    // The old core's event subscriptions go; the reloaded page subscribes to the new one.
    bridge.dispose();
    setMenu();
    mainWindow?.webContents.reload();
  },
  mayDiscard: () => mayDiscard('open'),
});

function reportFailure(title: string): (e: unknown) => void {
  return (e) => dialog.showErrorBox(title, e instanceof Error ? e.message : String(e));
}

function sendMenuCommand(command: MenuCommand): void {
  mainWindow?.webContents.send(DESKTOP_MENU_CHANNEL, command);
}

const menuActions: MenuActions = {
  open: () => void files.open().catch(reportFailure('Could not open the config')),
  openRecent: (file) =>
    void files.openRecent(file).catch(reportFailure('Could not open the config')),
  clearRecent() {
    settings.clearRecent();
    setMenu();
  },
  // The text to save is the editor's, in the page: the menu asks the page to save it.
  save: () => sendMenuCommand('save'),
  saveAs: () => sendMenuCommand('save-as'),
  reload: () =>
    void mayDiscard('reload').then((ok) => {
      if (ok) mainWindow?.webContents.reload();
    }),
  // openPath answers with an error text (a missing guide), never rejects.
  openDocs: (topic) =>
    void shell.openPath(docsFile(mainDir, topic)).then((err) => {
      if (err) dialog.showErrorBox('Could not open the guide', err);
    }),
};

function setMenu(): void {
  const template = buildMenuTemplate(
    {
      platform: process.platform,
      appName: app.name,
      recent: settings.get().recent,
      devTools: !app.isPackaged,
    },
    menuActions,
  );
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(template as Parameters<typeof Menu.buildFromTemplate>[0]),
  );
}

function denyOffOriginNavigation(event: { url: string; preventDefault(): void }): void {
  if (decideNavigation(event.url, APP_ORIGIN) === 'deny') event.preventDefault();
}

function lockDownContents(contents: WebContents): void {
  contents.on('will-navigate', denyOffOriginNavigation);
  contents.on('will-redirect', denyOffOriginNavigation);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(decideWindowOpen);
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(decidePermission()),
  );
  ses.setPermissionCheckHandler(decidePermission);
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const asset = await serveAsset(paths.rendererDir, request, APP_ORIGIN, readFile);
    return new Response(asset.body, { status: asset.status, headers: asset.headers });
  });
}

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow(createMainWindowOptions(paths.preload));
  win.once('ready-to-show', () => win.show());
  win.on(
    'close',
    quitFlow.windowCloseHandler(() => win.close()),
  );
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win
    .loadURL(APP_ENTRY_URL)
    .catch((err: unknown) => console.error('perlbal-desktop: load failed:', err));
  return win;
}

function focusMainWindow(): void {
  if (mainWindow === null) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function onReady(): void {
  lockDownSession();
  serveRenderer();
  registerCoreBridge(bridge);
  registerDesktopFiles(files, APP_ORIGIN);
  registerUnsavedAnswers(unsaved, APP_ORIGIN);
  setMenu();
  mainWindow = createMainWindow();
}

// Both must happen before 'ready': Chromium fixes scheme privileges and the sandbox at startup.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  // Held until edits are dealt with and the proxy has drained (QuitFlow), then quits for real.
  app.on('before-quit', (event) => quitFlow.onBeforeQuit(event));
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  app.on('window-all-closed', () => {
    // macOS apps stay alive without windows until the user quits from the menu.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
  app
    .whenReady()
    .then(onReady)
    .catch((err: unknown) => {
      console.error('perlbal-desktop: startup failed:', err);
      app.exit(1);
    });
}
