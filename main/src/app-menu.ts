/**
 * The native menus, as a template (plain data plus click callbacks) that main.ts hands to
 * Electron's Menu.buildFromTemplate. Kept free of Electron so the tests read it as data: File
 * (Open…, Open Recent, Save, Save As…, Quit), Edit (the roles CodeMirror's copy and paste
 * need on macOS), View, Help (the docs).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The subset of Electron's MenuItemConstructorOptions used here. */
export interface MenuItemTemplate {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu';
  accelerator?: string;
  enabled?: boolean;
  submenu?: MenuItemTemplate[];
  click?: () => void;
}

export interface MenuActions {
  open(): void;
  openRecent(file: string): void;
  clearRecent(): void;
  save(): void;
  saveAs(): void;
  /** View > Reload: main asks about unsaved edits first (the standard role would not). */
  reload(): void;
  openDocs(topic: 'desktop' | 'https' | 'config-reference'): void;
}

export interface MenuInput {
  platform: NodeJS.Platform;
  appName: string;
  /** Newest first (settings-store.ts). */
  recent: readonly string[];
  /** Developer tools only in development builds. */
  devTools: boolean;
}

const separator: MenuItemTemplate = { type: 'separator' };

function recentMenu(recent: readonly string[], actions: MenuActions): MenuItemTemplate[] {
  if (recent.length === 0) return [{ label: 'No recent files', enabled: false }];
  return [
    // The folder follows the name, so two perlbal.conf files are told apart.
    ...recent.map((file) => ({
      label: `${path.basename(file)} — ${path.dirname(file)}`,
      click: () => actions.openRecent(file),
    })),
    separator,
    { label: 'Clear Recent', click: () => actions.clearRecent() },
  ];
}

export function buildMenuTemplate(input: MenuInput, actions: MenuActions): MenuItemTemplate[] {
  const mac = input.platform === 'darwin';
  const file: MenuItemTemplate = {
    label: 'File',
    submenu: [
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.open() },
      { label: 'Open Recent', submenu: recentMenu(input.recent, actions) },
      separator,
      { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => actions.save() },
      { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.saveAs() },
      // On macOS Quit lives in the app menu.
      ...(mac ? [] : [separator, { role: 'quit' }]),
    ],
  };
  const edit: MenuItemTemplate = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemTemplate = {
    label: 'View',
    submenu: [
      { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => actions.reload() },
      ...(input.devTools ? [{ role: 'toggleDevTools' }] : []),
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemTemplate = {
    role: 'help',
    submenu: [
      { label: 'Desktop App Guide', click: () => actions.openDocs('desktop') },
      { label: 'HTTPS Guide', click: () => actions.openDocs('https') },
      { label: 'Config Reference', click: () => actions.openDocs('config-reference') },
    ],
  };
  const appMenu: MenuItemTemplate = {
    label: input.appName,
    submenu: [
      { role: 'about' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      separator,
      { role: 'quit' },
    ],
  };
  return [...(mac ? [appMenu] : []), file, edit, view, help];
}

/**
 * Help > ... opens a guide from docs/. A packaged app has them in `<resources>/docs/`
 * (electron-builder.yml's extraResources: a file inside app.asar can't be opened by another
 * program); a development run reads the repository's docs/ beside out/.
 */
export function docsFile(
  mainDir: string,
  topic: Parameters<MenuActions['openDocs']>[0],
  resourcesPath: string | undefined = (process as { resourcesPath?: string }).resourcesPath,
  exists: (file: string) => boolean = fs.existsSync,
): string {
  const packaged = resourcesPath ? path.join(resourcesPath, 'docs', `${topic}.md`) : null;
  if (packaged && exists(packaged)) return packaged;
  return path.join(mainDir, '..', '..', 'docs', `${topic}.md`);
}
