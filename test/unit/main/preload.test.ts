/**
 * The preload exposes exactly one small, frozen object (house style B3).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshFakeElectron, type FakeElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).createFakeElectron());

let electron: FakeElectron;

beforeEach(() => {
  electron = freshFakeElectron();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function exposed(): [string, unknown] {
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  return electron.contextBridge.exposeInMainWorld.mock.calls[0] as unknown as [string, unknown];
}

describe('preload', () => {
  it('exposes only window.perlbalDesktop = { version, core, files }, frozen', async () => {
    await import('../../../main/src/preload.js');
    const [key, bridge] = exposed();
    expect(key).toBe('perlbalDesktop');
    expect(Object.keys(bridge as object)).toEqual(['version', 'core', 'files']);
    expect(Object.isFrozen(bridge)).toBe(true);
    const core = (bridge as { core: object }).core;
    expect(Object.keys(core).sort()).toEqual(['call', 'on']);
    expect(Object.isFrozen(core)).toBe(true);
    const files = (bridge as { files: object }).files;
    expect(Object.keys(files).sort()).toEqual(['onMenu', 'onUnsavedQuery', 'open', 'saveAs']);
    expect(Object.isFrozen(files)).toBe(true);
  });

  it('listens on core:event, desktop:menu and desktop:query-unsaved only, and invokes nothing at load', async () => {
    await import('../../../main/src/preload.js');
    expect(electron.ipcRenderer.on.mock.calls.map((c) => (c as unknown[])[0])).toEqual([
      'core:event',
      'desktop:menu',
      'desktop:query-unsaved',
    ]);
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('reports the version baked in at build time', async () => {
    vi.stubGlobal('__PERLBAL_DESKTOP_VERSION__', '1.2.3');
    await import('../../../main/src/preload.js');
    expect((exposed()[1] as { version: string }).version).toBe('1.2.3');
  });

  it('falls back to a dev version when run unbundled', async () => {
    await import('../../../main/src/preload.js');
    expect((exposed()[1] as { version: string }).version).toBe('0.0.0-dev');
  });
});
