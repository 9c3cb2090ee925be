/**
 * The application window's security flags (house style B3; Electron security checklist).
 */
import { describe, expect, it, vi } from 'vitest';
import { createMainWindowOptions } from '../../../main/src/window-options.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).createFakeElectron());

describe('createMainWindowOptions', () => {
  const options = createMainWindowOptions('/app/out/preload/index.cjs');
  const web = options.webPreferences ?? {};

  it('isolates and sandboxes the renderer, with no Node integration anywhere', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and webviews, insecure content and drag-drop navigation off', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('uses the given preload and waits for ready-to-show', () => {
    expect(web.preload).toBe('/app/out/preload/index.cjs');
    expect(options.show).toBe(false);
    expect(options.title).toBe('Perlbal Desktop');
  });
});
