import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createsInside,
  decodeUri,
  perlbalBogusUrl,
  resolvesInside,
  unsafePath,
} from '../../../../proxy-core/src/node/roles/web-server/safe-path.js';

describe('decodeUri (Perlbal durl)', () => {
  it('decodes %XX only, not +', () => {
    expect(decodeUri('/bar+baz.txt')).toEqual({ uri: '/bar+baz.txt', bad: false });
    expect(decodeUri('/hello%2etxt')).toEqual({ uri: '/hello.txt', bad: false });
    expect(decodeUri('/a%20b%2Fc')).toEqual({ uri: '/a b/c', bad: false });
  });
  it('decodes once only', () => {
    expect(decodeUri('/%252e%252e/x')).toEqual({ uri: '/%2e%2e/x', bad: false });
  });
  it('decodes the query too, so %3F truncates later', () => {
    expect(decodeUri('/a%3Fb?c=%41').uri).toBe('/a?b?c=A');
  });
  it('reads decoded bytes as UTF-8, raw or escaped', () => {
    expect(decodeUri('/caf%C3%A9.txt')).toEqual({ uri: '/café.txt', bad: false });
    expect(decodeUri(Buffer.from('/café.txt').toString('latin1'))).toEqual({
      uri: '/café.txt',
      bad: false,
    });
  });
  it('flags malformed escapes in the path but not in the query', () => {
    expect(decodeUri('/a%zz').bad).toBe(true);
    expect(decodeUri('/a%2').bad).toBe(true);
    expect(decodeUri('/a%').bad).toBe(true);
    expect(decodeUri('/a?q=100%').bad).toBe(false);
  });
  it('flags bytes that are not UTF-8, overlong forms included', () => {
    expect(decodeUri('/%c0%ae%c0%ae/etc/passwd').bad).toBe(true);
    expect(decodeUri('/%c0%af').bad).toBe(true);
    expect(decodeUri('/%e0%80%ae').bad).toBe(true);
    expect(decodeUri('/caf%e9.txt').bad).toBe(true);
  });
});

describe('path checks', () => {
  it("Perlbal's own test: /../ anywhere or no leading slash", () => {
    expect(perlbalBogusUrl('/sub/../hello.txt')).toBe(true);
    expect(perlbalBogusUrl('nothing')).toBe(true);
    expect(perlbalBogusUrl('/foo..123.txt')).toBe(false);
    expect(perlbalBogusUrl('/sub/..')).toBe(false);
  });
  it.each(['/..', '/sub/..', '/../x', '/a/../b', '/a\\..\\b', '/a\\b', '/a\0b', '/a/b\0'])(
    'refuses %j',
    (p) => {
      expect(unsafePath(p)).toBe(true);
    },
  );
  it.each([
    '/',
    '/foo..123.txt',
    '/..foo',
    '/foo..',
    '/.../x',
    '/./hello.txt',
    '//hello.txt',
    '/a/.b',
  ])('accepts %j', (p) => {
    expect(unsafePath(p)).toBe(false);
  });
});

describe('symlink containment', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-safe-'));
  const root = path.join(tmp, 'root');
  const outside = path.join(tmp, 'outside');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'in.txt'), 'in');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(root, 'in.txt'), path.join(root, 'link-in.txt'));
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link-out.txt'));
  fs.symlinkSync(outside, path.join(root, 'outdir'));
  fs.symlinkSync(path.join(outside, 'missing'), path.join(root, 'dangling'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('resolvesInside follows links', () => {
    expect(resolvesInside(root, root + '/in.txt')).toBe(true);
    expect(resolvesInside(root, root + '/link-in.txt')).toBe(true);
    expect(resolvesInside(root, root + '/sub')).toBe(true);
    expect(resolvesInside(root, root + '/link-out.txt')).toBe(false);
    expect(resolvesInside(root, root + '/outdir/secret.txt')).toBe(false);
    expect(resolvesInside(root, root + '/nope')).toBe(false);
  });
  it('createsInside checks the deepest existing ancestor', () => {
    expect(createsInside(root, root + '//new/dir/file.txt')).toBe(true);
    expect(createsInside(root, root + '/sub/file.txt')).toBe(true);
    expect(createsInside(root, root + '/outdir/new/file.txt')).toBe(false);
    expect(createsInside(root, root + '/link-out.txt')).toBe(false);
    expect(createsInside(root, root + '/dangling')).toBe(false);
  });
});
