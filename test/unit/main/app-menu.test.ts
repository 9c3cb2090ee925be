/**
 * The native menu template (main/src/app-menu.ts), read as data: File's items and shortcuts,
 * Open Recent from the settings, the macOS app menu, and each click reaching its action.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import {
  buildMenuTemplate,
  docsFile,
  type MenuActions,
  type MenuItemTemplate,
} from '../../../main/src/app-menu.js';

function actions(): MenuActions {
  return {
    open: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    save: vi.fn(),
    saveAs: vi.fn(),
    reload: vi.fn(),
    openDocs: vi.fn(),
  };
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const menu = (items: MenuItemTemplate[], label: string): MenuItemTemplate[] =>
  items.find((i) => i.label === label || i.role === label)!.submenu!;
const labels = (items: MenuItemTemplate[]) => items.map((i) => i.label ?? i.role ?? i.type);

const input = {
  platform: 'linux' as const,
  appName: 'Perlbal Desktop',
  recent: [],
  devTools: false,
};

describe('menu template', () => {
  it('has File, Edit, View and Help; File has Open, Open Recent, Save, Save As and Quit', () => {
    const t = buildMenuTemplate(input, actions());
    expect(labels(t)).toEqual(['File', 'Edit', 'View', 'help']);
    const file = menu(t, 'File');
    expect(labels(file)).toEqual([
      'Open…',
      'Open Recent',
      'separator',
      'Save',
      'Save As…',
      'separator',
      'quit',
    ]);
    expect(file.map((i) => i.accelerator).filter(Boolean)).toEqual([
      'CmdOrCtrl+O',
      'CmdOrCtrl+S',
      'CmdOrCtrl+Shift+S',
    ]);
    expect(labels(menu(t, 'View'))).not.toContain('toggleDevTools');
  });

  it('lists recent files with their folders, and clicks reach the actions', () => {
    const a = actions();
    const t = buildMenuTemplate({ ...input, recent: ['/a/perlbal.conf', '/b/perlbal.conf'] }, a);
    const file = menu(t, 'File');
    const recent = file.find((i) => i.label === 'Open Recent')!.submenu!;
    expect(labels(recent)).toEqual([
      'perlbal.conf — /a',
      'perlbal.conf — /b',
      'separator',
      'Clear Recent',
    ]);
    recent[1]!.click!();
    expect(a.openRecent).toHaveBeenCalledWith('/b/perlbal.conf');
    recent[3]!.click!();
    expect(a.clearRecent).toHaveBeenCalled();
    for (const label of ['Open…', 'Save', 'Save As…'])
      file.find((i) => i.label === label)!.click!();
    expect(
      [a.open, a.save, a.saveAs].map((f) => (f as ReturnType<typeof vi.fn>).mock.calls.length),
    ).toEqual([1, 1, 1]);
    menu(t, 'help')[1]!.click!();
    expect(a.openDocs).toHaveBeenCalledWith('https');
  });

  it('says so when there are no recent files', () => {
    const recent = menu(buildMenuTemplate(input, actions()), 'File')[1]!.submenu!;
    expect(recent).toEqual([{ label: 'No recent files', enabled: false }]);
  });

  it('puts Quit in the app menu on macOS, and dev tools only in development', () => {
    const t = buildMenuTemplate({ ...input, platform: 'darwin', devTools: true }, actions());
    expect(labels(t)).toEqual(['Perlbal Desktop', 'File', 'Edit', 'View', 'help']);
    expect(labels(menu(t, 'Perlbal Desktop'))).toContain('quit');
    expect(labels(menu(t, 'File'))).not.toContain('quit');
    expect(labels(menu(t, 'View'))).toContain('toggleDevTools');
  });

  it('reloads through its own action (which asks about unsaved edits), not the bare role', () => {
    const a = actions();
    const view = menu(buildMenuTemplate(input, a), 'View');
    expect(labels(view)).not.toContain('reload');
    const reload = view.find((i) => i.label === 'Reload')!;
    expect(reload.accelerator).toBe('CmdOrCtrl+R');
    reload.click!();
    expect(a.reload).toHaveBeenCalled();
  });

  it('finds the guides in the docs folder beside out/ in a development run', () => {
    expect(docsFile('/app/out/main', 'desktop', undefined)).toBe(
      path.resolve('/app/docs/desktop.md'),
    );
    // resources without docs/ (an old package): still the development path.
    expect(docsFile('/app/out/main', 'https', '/opt/app/resources', () => false)).toBe(
      path.resolve('/app/docs/https.md'),
    );
  });

  it('finds the guides in <resources>/docs of a packaged app (outside app.asar)', () => {
    const resources = '/opt/Perlbal Desktop/resources';
    const seen: string[] = [];
    const file = docsFile(
      path.join(resources, 'app.asar', 'out', 'main'),
      'config-reference',
      resources,
      (f) => (seen.push(f), true),
    );
    expect(file).toBe(path.join(resources, 'docs', 'config-reference.md'));
    expect(seen).toEqual([file]);
  });

  it('ships every guide Help opens: docs/ is an extraResource, and the files exist', () => {
    const yml = fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/- from: docs\n\s+to: docs\n\s+filter:\n\s+- '\*\.md'/);
    for (const topic of ['desktop', 'https', 'config-reference'] as const)
      expect(fs.existsSync(docsFile(path.join(ROOT, 'out', 'main'), topic, undefined)), topic).toBe(
        true,
      );
  });
});
