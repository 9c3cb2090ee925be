import { describe, expect, it } from 'vitest';
import { isNotModified } from '../../../../proxy-core/src/node/roles/web-server/not-modified.js';
import { time2str } from '../../../../proxy-core/src/node/http/http-date.js';

const mtime = 1795560205;
const lastModified = time2str(mtime);
const check = (header: string | undefined, size: number | null = 12, checkLength = true): boolean =>
  isNotModified({ header, lastModified, mtime, size, checkLength });

describe('If-Modified-Since', () => {
  it('is not-modified on the exact Last-Modified string (Perlbal)', () => {
    expect(check(lastModified)).toBe(true);
  });
  it('ignores absent or unparseable headers', () => {
    expect(check(undefined)).toBe(false);
    expect(check('')).toBe(false);
    expect(check('garbage')).toBe(false);
  });
  it('never applies to something that is not a regular file', () => {
    expect(check(lastModified, null)).toBe(false);
  });
  it("honours IE's `; length=N`: a different size defeats the match", () => {
    expect(check(`${lastModified}; length=12`)).toBe(true);
    expect(check(`${lastModified}; length=3`)).toBe(false);
    // "0" is false in Perl, so length=0 is not compared.
    expect(check(`${lastModified}; length=0`)).toBe(true);
  });
  it('concatenated GETs strip the length but never compare it', () => {
    expect(check(`${lastModified}; length=3`, 12, false)).toBe(true);
  });
  describe('date comparison (RFC 9110 13.1.3, added to Perlbal)', () => {
    it('a later date in another valid format is not-modified', () => {
      expect(check('Tuesday, 24-Nov-26 22:43:25 GMT')).toBe(true);
      expect(check('Tue Nov 24 22:43:25 2026')).toBe(true);
      expect(check(time2str(mtime + 3600))).toBe(true);
    });
    it('an earlier date is modified', () => {
      expect(check(time2str(mtime - 1))).toBe(false);
    });
    it('the length check still applies', () => {
      expect(check(`${time2str(mtime + 5)}; length=4`)).toBe(false);
    });
  });
});
