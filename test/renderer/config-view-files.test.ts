/**
 * The Config view's desktop file actions: with `window.perlbalDesktop.files` (the desktop app)
 * the editor offers Open… and Save as… and the File menu's Save As reaches the editor; in a
 * browser (no bridge) both buttons are hidden.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CoreClient } from '../../proxy-core/src/common/api/index.js';
import Shell from '../../renderer/src/Shell.svelte';
import './editor/jsdom-layout.js';

const TEXT = 'CREATE SERVICE web\n  SET role = web_server\n  SET docroot = /srv\nENABLE web\n';

function fakeClient(): CoreClient {
  return {
    getStatus: () => new Promise(() => undefined),
    getConfig: () => Promise.resolve({ text: TEXT, file: '/a/perlbal.conf', liveChanges: false }),
    on: () => () => undefined,
  } as unknown as CoreClient;
}

async function openConfig(): Promise<void> {
  render(Shell, {
    props: {
      connection: { client: fakeClient(), kind: 'ipc', onLost: () => undefined },
      shell: 'Desktop shell',
    },
  });
  await fireEvent.click(screen.getByRole('button', { name: 'Config' }));
  await screen.findByRole('button', { name: /Apply/ });
}

afterEach(() => {
  delete (globalThis as { perlbalDesktop?: unknown }).perlbalDesktop;
});

describe('Config view file actions', () => {
  it('hides Open and Save as without the desktop bridge', async () => {
    await openConfig();
    expect(screen.queryByRole('button', { name: /Open/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Save as/ })).toBeNull();
  });

  it('offers them in the desktop app, and File > Save As saves the editor text', async () => {
    let menu: ((c: 'save' | 'save-as') => void) | undefined;
    const files = {
      open: vi.fn(() => Promise.resolve(null)),
      saveAs: vi.fn((_text: string) => Promise.resolve({ fileName: '/b/copy.conf' })),
      onMenu: vi.fn((fn: (c: 'save' | 'save-as') => void) => {
        menu = fn;
        return () => undefined;
      }),
    };
    (globalThis as { perlbalDesktop?: unknown }).perlbalDesktop = { version: '1', files };
    await openConfig();
    expect(screen.getByRole('button', { name: /Open/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Save as/ })).toBeTruthy();
    await waitFor(() => expect(menu).toBeDefined());
    menu!('save-as');
    await waitFor(() => expect(files.saveAs).toHaveBeenCalledWith(TEXT));
    expect(await screen.findByText(/Saved to \/b\/copy\.conf/)).toBeTruthy();
  });
});
