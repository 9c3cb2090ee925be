import { describe, expect, it } from 'vitest';
import {
  parsePutUri,
  validDeleteUri,
} from '../../../../proxy-core/src/node/roles/web-server/put-target.js';
import { errnoText } from '../../../../proxy-core/src/node/roles/web-server/errno-text.js';

describe('PUT and DELETE targets (raw URI, Perlbal character classes)', () => {
  it('splits directory and file', () => {
    expect(parsePutUri('/file.txt')).toEqual({ dir: '', file: 'file.txt' });
    expect(parsePutUri('/new/dir/file.txt')).toEqual({ dir: '/new/dir', file: 'file.txt' });
    expect(parsePutUri('/a-b_c.d/e')).toEqual({ dir: '/a-b_c.d', file: 'e' });
  });
  it.each([
    '/',
    '',
    'file',
    '/a/../b',
    '/..',
    '/a..b',
    '/a%2e',
    '/a b',
    '/a?x=1',
    '/a/',
    '/a//b',
    '/a\\b',
    '/caf\u00e9',
  ])('refuses PUT %j', (u) => {
    expect(parsePutUri(u)).toBeNull();
  });
  it('DELETE', () => {
    expect(validDeleteUri('/a/b.txt')).toBe(true);
    expect(validDeleteUri('/')).toBe(false);
    expect(validDeleteUri('/a/../b')).toBe(false);
    expect(validDeleteUri('/a%2fb')).toBe(false);
    expect(validDeleteUri('/a/')).toBe(false);
  });
  it("errno text is glibc's strerror", () => {
    const e = Object.assign(new Error('x'), { code: 'EISDIR' });
    expect(errnoText(e)).toBe('Is a directory');
  });
});
