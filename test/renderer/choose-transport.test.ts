/**
 * Transport choice: the preload's bridge inside Electron, else the WebSocket of the server
 * that served the page, with the token moved from the address bar to sessionStorage.
 */
import { describe, expect, it, vi } from 'vitest';
import { chooseTransport, type PageScope } from '../../renderer/src/api/choose-transport.js';

function page(
  search: string,
  extra: Partial<PageScope> = {},
): PageScope & { stored: Map<string, string>; replaced: string[] } {
  const stored = new Map<string, string>();
  const replaced: string[] = [];
  return {
    location: { protocol: 'http:', host: '127.0.0.1:4321', search, pathname: '/' },
    history: { replaceState: (_d, _u, url) => void replaced.push(url) },
    sessionStorage: {
      getItem: (k) => stored.get(k) ?? null,
      setItem: (k, v) => void stored.set(k, v),
    },
    stored,
    replaced,
    ...extra,
  };
}

describe('chooseTransport', () => {
  it('uses IPC when the preload bridge is there', () => {
    const core = { call: vi.fn(), on: vi.fn() };
    expect(chooseTransport(page('', { perlbalDesktop: { version: '1', core } })).kind).toBe('ipc');
  });

  it('uses the same server WebSocket with the token, and takes the token out of the URL', () => {
    const p = page('?token=abc&x=1');
    expect(chooseTransport(p)).toEqual({
      kind: 'ws',
      url: 'ws://127.0.0.1:4321/api',
      token: 'abc',
    });
    expect(p.replaced).toEqual(['/?x=1']);
    // A reload (no token in the URL any more) finds it in this tab's storage.
    expect(chooseTransport({ ...p, location: { ...p.location, search: '?x=1' } })).toEqual(
      expect.objectContaining({ kind: 'ws', token: 'abc' }),
    );
  });

  it('says what to do without a token or outside a server', () => {
    expect(chooseTransport(page(''))).toEqual({
      kind: 'none',
      reason: expect.stringMatching(/--ui/),
    });
    const file = page('?token=a');
    file.location.protocol = 'file:';
    expect(chooseTransport(file).kind).toBe('none');
  });

  it('ignores a bridge without call and on', () => {
    expect(chooseTransport(page('', { perlbalDesktop: { version: '1', core: {} } })).kind).toBe(
      'none',
    );
  });
});
