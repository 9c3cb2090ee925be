/**
 * Every IPC handler runs behind the sender check (house style B3).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../../main/src/app-origin.js';
import { freshFakeElectron, type FakeElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).createFakeElectron());

type Invoke = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown;

let electron: FakeElectron;
let ipc: typeof import('../../../main/src/ipc.js');

beforeEach(async () => {
  electron = freshFakeElectron();
  ipc = await import('../../../main/src/ipc.js');
});

function register(handler: (...args: unknown[]) => unknown): Invoke {
  ipc.handleTrusted('core:call', APP_ORIGIN, handler);
  const [channel, invoke] = electron.ipcMain.handle.mock.calls[0] as unknown as [string, Invoke];
  expect(channel).toBe('core:call');
  return invoke;
}

describe('handleTrusted', () => {
  it('passes arguments through for the app page', async () => {
    const handler = vi.fn((a: unknown, b: unknown) => `${String(a)}+${String(b)}`);
    const invoke = register(handler as (...args: unknown[]) => unknown);
    expect(invoke({ senderFrame: { url: APP_ENTRY_URL } }, 'x', 2)).toBe('x+2');
    expect(handler).toHaveBeenCalledWith('x', 2);
  });

  it.each([
    ['another origin', { url: 'https://example.com/' }],
    ['a file: page', { url: 'file:///tmp/index.html' }],
    ['a destroyed frame', null],
  ])('rejects %s before the handler runs', (_what, senderFrame) => {
    const handler = vi.fn();
    const invoke = register(handler);
    expect(() => invoke({ senderFrame })).toThrow(
      expect.objectContaining({ code: ipc.UNTRUSTED_SENDER_CODE }),
    );
    expect(handler).not.toHaveBeenCalled();
  });
});
