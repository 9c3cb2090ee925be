/**
 * `window.perlbalDesktop.files` (main/src/preload-files.ts) over an in-memory ipcRenderer:
 * fixed channels, no path from the page, and only known menu commands reach the page.
 */
import { describe, expect, it, vi } from 'vitest';
import { createPreloadFilesBridge } from '../../../main/src/preload-files.js';

function fakeIpc() {
  const on = new Map<string, (event: unknown, message: unknown) => void>();
  return {
    invoke: vi.fn((..._args: unknown[]) => Promise.resolve(null)),
    on: vi.fn((channel: string, fn: (event: unknown, message: unknown) => void) =>
      on.set(channel, fn),
    ),
    emit: (channel: string, message: unknown) => on.get(channel)?.({}, message),
  };
}

describe('preload files bridge', () => {
  it('invokes the two fixed channels, Save As with the text only', async () => {
    const ipc = fakeIpc();
    const files = createPreloadFilesBridge(ipc);
    await files.open();
    await files.saveAs('SERVER x = 1\n');
    expect(ipc.invoke.mock.calls).toEqual([
      ['desktop:open-config'],
      ['desktop:save-config-as', 'SERVER x = 1\n'],
    ]);
    await expect(files.saveAs(3 as unknown as string)).rejects.toThrow(TypeError);
    expect(Object.isFrozen(files)).toBe(true);
  });

  it('passes on menu commands it knows, until unsubscribed', () => {
    const ipc = fakeIpc();
    const files = createPreloadFilesBridge(ipc);
    const seen: string[] = [];
    const off = files.onMenu((c) => seen.push(c));
    ipc.emit('desktop:menu', 'save');
    ipc.emit('desktop:menu', 'rm -rf');
    ipc.emit('desktop:menu', 'save-as');
    off();
    ipc.emit('desktop:menu', 'save');
    expect(seen).toEqual(['save', 'save-as']);
  });

  it("answers main's unsaved-changes question with the page's answer, on the fixed channel", async () => {
    const ipc = fakeIpc();
    const files = createPreloadFilesBridge(ipc);
    // Nobody registered yet: nothing is unsaved.
    ipc.emit('desktop:query-unsaved', 1);
    let dirty = true;
    const off = files.onUnsavedQuery(() => dirty);
    ipc.emit('desktop:query-unsaved', 2);
    dirty = false;
    ipc.emit('desktop:query-unsaved', 3);
    // A throwing answer counts as no; a malformed question gets no answer.
    files.onUnsavedQuery(() => {
      throw new Error('boom');
    });
    ipc.emit('desktop:query-unsaved', 4);
    ipc.emit('desktop:query-unsaved', 'x');
    off();
    expect(ipc.invoke.mock.calls).toEqual([
      ['desktop:unsaved-answer', 1, false],
      ['desktop:unsaved-answer', 2, true],
      ['desktop:unsaved-answer', 3, false],
      ['desktop:unsaved-answer', 4, false],
    ]);
    expect(() => files.onUnsavedQuery('x' as unknown as () => boolean)).toThrow(TypeError);
  });
});
