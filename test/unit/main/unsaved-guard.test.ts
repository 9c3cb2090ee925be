/**
 * Unsaved edits and quitting (main/src/unsaved-guard.ts), without Electron: the question to
 * the window and its answers, the confirmation only when edits would be lost, a quit that
 * waits for the core's graceful drain, and a window close that asks first.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMayDiscard,
  QuitFlow,
  UnsavedQuery,
  type MayDiscard,
} from '../../../main/src/unsaved-guard.js';

afterEach(() => vi.useRealTimers());

const event = () => ({ preventDefault: vi.fn() });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('UnsavedQuery', () => {
  it("asks the window with an id and resolves with the window's answer", async () => {
    const sent: number[] = [];
    const q = new UnsavedQuery((id) => (sent.push(id), true));
    const a = q.ask();
    const b = q.ask();
    expect(sent).toEqual([1, 2]);
    q.answer(2, false);
    q.answer(1, true);
    expect(await a).toBe(true);
    expect(await b).toBe(false);
  });

  it('ignores malformed and unknown answers', async () => {
    vi.useFakeTimers();
    const q = new UnsavedQuery(() => true, 1000);
    const a = q.ask();
    q.answer('1', true);
    q.answer(1, 'yes');
    q.answer(99, true);
    vi.advanceTimersByTime(1000);
    expect(await a).toBe(false);
  });

  it('counts no window, a failed send or no answer in time as nothing unsaved', async () => {
    expect(await new UnsavedQuery(() => false).ask()).toBe(false);
    expect(
      await new UnsavedQuery(() => {
        throw new Error('destroyed');
      }).ask(),
    ).toBe(false);
    vi.useFakeTimers();
    const slow = new UnsavedQuery(() => true, 1500).ask();
    vi.advanceTimersByTime(1500);
    expect(await slow).toBe(false);
  });
});

describe('createMayDiscard', () => {
  it('confirms only when the window has unsaved changes', async () => {
    const confirm = vi.fn(() => Promise.resolve(false));
    expect(await createMayDiscard({ ask: async () => false }, confirm)('quit')).toBe(true);
    expect(confirm).not.toHaveBeenCalled();
    expect(await createMayDiscard({ ask: async () => true }, confirm)('reload')).toBe(false);
    expect(confirm).toHaveBeenCalledWith('reload');
  });
});

describe('QuitFlow', () => {
  function flow(mayDiscard: MayDiscard) {
    let release!: () => void;
    const stopCore = vi.fn(() => new Promise<void>((r) => (release = r)));
    const quit = vi.fn();
    return {
      q: new QuitFlow({ mayDiscard, stopCore, quit }),
      stopCore,
      quit,
      release: () => release(),
    };
  }

  it('holds the quit, drains the core, then quits; the second before-quit passes', async () => {
    const f = flow(async () => true);
    const first = event();
    f.q.onBeforeQuit(first);
    expect(first.preventDefault).toHaveBeenCalled();
    await flush();
    expect(f.stopCore).toHaveBeenCalledTimes(1);
    expect(f.quit).not.toHaveBeenCalled();
    // Quit again while draining: held, no second drain.
    const again = event();
    f.q.onBeforeQuit(again);
    expect(again.preventDefault).toHaveBeenCalled();
    f.release();
    await flush();
    expect(f.quit).toHaveBeenCalledTimes(1);
    expect(f.q.quitting).toBe(true);
    const last = event();
    f.q.onBeforeQuit(last);
    expect(last.preventDefault).not.toHaveBeenCalled();
    expect(f.stopCore).toHaveBeenCalledTimes(1);
  });

  it('does not quit, nor stop the core, when the user keeps the edits', async () => {
    const f = flow(async () => false);
    f.q.onBeforeQuit(event());
    await flush();
    expect(f.stopCore).not.toHaveBeenCalled();
    expect(f.quit).not.toHaveBeenCalled();
    expect(f.q.quitting).toBe(false);
  });

  it('asks before a window closes, and closes it once allowed', async () => {
    let answer = false;
    const f = flow(async () => answer);
    const close = vi.fn();
    const onClose = f.q.windowCloseHandler(close);
    const e1 = event();
    onClose(e1);
    expect(e1.preventDefault).toHaveBeenCalled();
    await flush();
    expect(close).not.toHaveBeenCalled();
    answer = true;
    onClose(event());
    await flush();
    expect(close).toHaveBeenCalledTimes(1);
    // The close that follows passes.
    const e3 = event();
    onClose(e3);
    expect(e3.preventDefault).not.toHaveBeenCalled();
  });

  it('lets windows close without asking again once a quit was allowed', async () => {
    const mayDiscard = vi.fn(async () => true);
    const f = flow(mayDiscard);
    f.q.onBeforeQuit(event());
    await flush();
    f.release();
    await flush();
    const e = event();
    f.q.windowCloseHandler(vi.fn())(e);
    expect(e.preventDefault).not.toHaveBeenCalled();
    expect(mayDiscard).toHaveBeenCalledTimes(1);
  });
});
