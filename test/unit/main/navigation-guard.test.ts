/**
 * Navigation, window.open and permission decisions (house style B3: navigations and
 * window.open are denied).
 */
import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../../main/src/app-origin.js';
import {
  decideNavigation,
  decidePermission,
  decideWindowOpen,
} from '../../../main/src/navigation-guard.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).createFakeElectron());

describe('decideNavigation', () => {
  it('allows moving within the app origin', () => {
    expect(decideNavigation(`${APP_ORIGIN}/index.html`, APP_ORIGIN)).toBe('allow');
    expect(decideNavigation(`${APP_ORIGIN}/other.html?x#y`, APP_ORIGIN)).toBe('allow');
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:8080/',
    'file:///etc/passwd',
    'app://evil/index.html',
    'app://perlbal-desktop@evil/',
    'javascript:alert(1)',
    'about:blank',
    'not a url',
  ])('denies %s', (url) => {
    expect(decideNavigation(url, APP_ORIGIN)).toBe('deny');
  });
});

describe('decideWindowOpen and decidePermission', () => {
  it('denies every new window', () => {
    expect(decideWindowOpen()).toEqual({ action: 'deny' });
  });

  it('denies every permission', () => {
    expect(decidePermission()).toBe(false);
  });
});
