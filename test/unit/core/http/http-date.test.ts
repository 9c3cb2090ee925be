import { describe, expect, it } from 'vitest';
import {
  httpNow,
  parseHttpDate,
  time2str,
} from '../../../../proxy-core/src/node/http/http-date.js';

describe('time2str (HTTP::Date::time2str)', () => {
  it('formats epoch seconds as an IMF-fixdate', () => {
    expect(time2str(0)).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
    expect(time2str(1795560205)).toBe('Tue, 24 Nov 2026 22:43:25 GMT');
    expect(time2str(784111777)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });
  it('httpNow is the current second', () => {
    const before = Math.floor(Date.now() / 1000);
    const t = parseHttpDate(httpNow())!;
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe('parseHttpDate (RFC 9110 5.6.7)', () => {
  it('reads the three forms', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(784111777);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(784111777);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(784111777);
  });
  it.each([
    '',
    'yesterday',
    '1',
    '99999',
    'Sun, 06 Nov 1994 08:49:37',
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 25:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 GMT; length=3',
  ])('refuses %j', (s) => {
    expect(parseHttpDate(s)).toBeNull();
  });
  it('round-trips time2str', () => {
    for (const t of [0, 86399, 951782400, 1795560205, 4102444799])
      expect(parseHttpDate(time2str(t))).toBe(t);
  });
});
