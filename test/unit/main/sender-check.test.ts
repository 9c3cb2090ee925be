/**
 * IPC sender validation: only frames on the app origin are trusted (house style B3).
 */
import { describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../../main/src/app-origin.js';
import { isTrustedSender } from '../../../main/src/sender-check.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).createFakeElectron());

describe('isTrustedSender', () => {
  it.each([
    APP_ENTRY_URL,
    `${APP_ORIGIN}/`,
    `${APP_ORIGIN}/index.html?x=1#log`,
    'APP://Perlbal-Desktop/',
  ])('trusts %s', (url) => {
    expect(isTrustedSender(url, APP_ORIGIN)).toBe(true);
  });

  it.each([
    ['another host', 'app://evil/index.html'],
    ['a look-alike host', 'app://perlbal-desktop.evil/index.html'],
    ['credentials pointing elsewhere', 'app://perlbal-desktop@evil/index.html'],
    ['credentials on the right host', 'app://user:pw@perlbal-desktop/index.html'],
    ['a port', 'app://perlbal-desktop:8080/index.html'],
    ['another scheme, same host', 'http://perlbal-desktop/index.html'],
    ['loopback http', 'http://127.0.0.1:5173/'],
    ['file:', 'file:///work/main/out/renderer/index.html'],
    ['about:blank', 'about:blank'],
    ['data:', 'data:text/html,<p>hi</p>'],
    ['javascript:', 'javascript:alert(1)'],
    ['not a URL', 'perlbal-desktop'],
    ['the empty string', ''],
  ])('refuses %s', (_what, url) => {
    expect(isTrustedSender(url, APP_ORIGIN)).toBe(false);
  });

  it('refuses a frame that has gone away', () => {
    expect(isTrustedSender(undefined, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(null, APP_ORIGIN)).toBe(false);
  });
});
