/**
 * readDesktopInfo trusts nothing about `window.perlbalDesktop` beyond its checked shape.
 */
import { describe, expect, it } from 'vitest';
import { readDesktopInfo } from '../../renderer/src/lib/desktop.js';

describe('readDesktopInfo', () => {
  it('reads the version the preload exposes', () => {
    expect(readDesktopInfo({ perlbalDesktop: { version: '0.1.0' } })).toEqual({ version: '0.1.0' });
  });

  it.each([
    ['no bridge (plain browser)', {}],
    ['a null bridge', { perlbalDesktop: null }],
    ['a string bridge', { perlbalDesktop: 'x' }],
    ['a bridge without a version', { perlbalDesktop: {} }],
    ['a numeric version', { perlbalDesktop: { version: 1 } }],
    ['no window at all', undefined],
  ])('returns undefined for %s', (_what, scope) => {
    expect(readDesktopInfo(scope)).toBeUndefined();
  });

  it('copies only the version, not whatever else is on the object', () => {
    const info = readDesktopInfo({ perlbalDesktop: { version: '1', extra: () => 1 } });
    expect(info).toEqual({ version: '1' });
  });
});
