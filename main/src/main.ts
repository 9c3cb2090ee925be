/**
 * Electron main process: app lifecycle and the one application window.
 * Guarantees:
 * - one instance per user session; a second launch focuses the existing window;
 * - every renderer is sandboxed, context-isolated and without Node (window-options.ts);
 * - pages come only from the built renderer folder on app://, each with a strict
 *   Content-Security-Policy header (app-protocol.ts, content-security-policy.ts);
 * - every webContents is locked down: no navigation off the app origin, no window.open,
 *   no <webview>, and every permission request is denied (navigation-guard.ts).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, protocol, session, type WebContents } from 'electron';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES } from './app-origin.js';
import { serveAsset } from './app-protocol.js';
import { resolveBuildPaths } from './build-paths.js';
import { decideNavigation, decidePermission, decideWindowOpen } from './navigation-guard.js';
import { createMainWindowOptions } from './window-options.js';

const paths = resolveBuildPaths(path.dirname(fileURLToPath(import.meta.url)));
let mainWindow: BrowserWindow | null = null;

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
  mainWindow = createMainWindow();
}

// Both must happen before 'ready': Chromium fixes scheme privileges and the sandbox at startup.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
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
