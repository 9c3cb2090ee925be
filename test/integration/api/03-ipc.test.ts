/**
 * The CoreApi contract over the Electron IPC bridge: the renderer's ipc-client.ts on the
 * object preload.ts exposes, through an in-memory ipcRenderer/ipcMain pair, to ipc.ts and
 * core-bridge.ts in main, to the in-process API. Only `electron` is replaced (by the pair),
 * then what the bridge refuses: foreign senders, unknown methods, malformed arguments.
 */
import { describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../../main/src/app-origin.js';
import type { PerlbalDesktopBridge } from '../../../main/src/desktop-bridge.js';
import { createInProcessApi } from '../../../proxy-core/src/node/api/in-process-api.js';
import type { CallOutcome, CoreClient } from '../../../proxy-core/src/common/api/index.js';
import { findCoreBridge, ipcClient } from '../../../renderer/src/api/ipc-client.js';
import { startApiFixture } from '../../helpers/api-fixture.js';
import { createIpcPair } from '../../helpers/fake-ipc.js';
import { apiOptions, describeContract, nextEvent } from '../../unit/api/contract.js';

vi.mock('electron', () => ({}));

/** Load ipc.ts, core-bridge.ts and preload.ts afresh over a new IPC pair; returns the page's window. */
async function wire(api: CoreClient, frameUrl = APP_ENTRY_URL) {
  const pair = createIpcPair(frameUrl);
  const window: { perlbalDesktop?: PerlbalDesktopBridge } = {};
  vi.resetModules();
  vi.doMock('electron', () => ({
    ipcMain: pair.ipcMain,
    ipcRenderer: pair.ipcRenderer,
    contextBridge: {
      exposeInMainWorld: (key: 'perlbalDesktop', value: PerlbalDesktopBridge) =>
        (window[key] = value),
    },
  }));
  const { registerCoreBridge } = await import('../../../main/src/ipc.js');
  const { MainCoreBridge } = await import('../../../main/src/core-bridge.js');
  const bridge = new MainCoreBridge(async () => api, APP_ORIGIN);
  registerCoreBridge(bridge);
  await import('../../../main/src/preload.js');
  return { window, pair, bridge };
}

describeContract('Electron IPC (preload + main bridge)', async (fx) => {
  const api = createInProcessApi(fx.core, apiOptions(fx));
  const { window, bridge } = await wire(api);
  const core = findCoreBridge(window);
  if (!core) throw new Error('the preload exposed no core bridge');
  return {
    client: ipcClient(core),
    close: () => {
      bridge.dispose();
      api.dispose();
    },
  };
});

describe('the IPC bridge refuses', () => {
  async function setUp(frameUrl?: string) {
    const fx = await startApiFixture();
    const api = createInProcessApi(fx.core, { text: fx.text, file: fx.file });
    const wired = await wire(api, frameUrl);
    return {
      ...wired,
      api,
      close: () => {
        wired.bridge.dispose();
        api.dispose();
        fx.close();
      },
    };
  }

  it('a sender frame that is not the app, before the core sees the call', async () => {
    const t = await setUp('https://evil.example/');
    const out = (await t.window.perlbalDesktop!.core!.call('getStatus', [])) as CallOutcome;
    expect(out).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'PB_ERR_IPC_UNTRUSTED_SENDER' }),
    });
    t.close();
  });

  it('methods outside the allow-list, in the preload and again in main', async () => {
    const t = await setUp();
    const viaPreload = await t.window.perlbalDesktop!.core!.call('dispose' as 'getStatus', []);
    expect(viaPreload).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'PB_ERR_IPC_UNKNOWN_METHOD' }),
    });
    const direct = (await t.pair.ipcRenderer.invoke('core:call', 'dispose', [])) as CallOutcome;
    expect(direct).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'PB_ERR_IPC_UNKNOWN_METHOD' }),
    });
    const notArray = (await t.pair.ipcRenderer.invoke(
      'core:call',
      'getStatus',
      'x',
    )) as CallOutcome;
    expect(notArray).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'PB_ERR_API_INVALID_ARGUMENT' }),
    });
    expect((await t.api.getStatus()).services).toHaveLength(2);
    t.close();
  });

  it('event names outside the allow-list', async () => {
    const t = await setUp();
    expect(() => t.window.perlbalDesktop!.core!.on('exit' as 'log', () => {})).toThrow(
      /Unknown core event/,
    );
    t.close();
  });

  it('to send events to a window that has gone away', async () => {
    const t = await setUp();
    const client = ipcClient(findCoreBridge(t.window)!);
    await client.getStatus();
    t.pair.contents.destroyed = true;
    // A change makes a log batch; the bridge (subscribed first) must skip the dead window
    // without throwing, and later subscribers still get the batch.
    const batch = nextEvent(t.api, 'log', (b) => b.some((l) => l.message.includes('DISABLE web')));
    await expect(client.disableService('web')).resolves.toBeNull();
    await batch;
    t.close();
  });
});
