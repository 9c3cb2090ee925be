import { describe, expect, it } from 'vitest';
import { extensionOf, mimeFor } from '../../../../proxy-core/src/node/roles/web-server/mime.js';

const table = { txt: 'text/plain', html: 'text/html', png: 'image/png', gz: 'application/x-gzip' };

describe('MIME lookup (Perlbal /\\.(\\w+)$/)', () => {
  it.each([
    ['/a/b.html', 'html'],
    ['/a/UPPER.PNG', 'PNG'],
    ['/x.tar.gz', 'gz'],
    ['/noext', null],
    ['/dot.', null],
    ['/a.b-c', null],
    ['/v1.2/file', null],
    ['/under_score.j_s', 'j_s'],
  ])('%s -> %s', (path, ext) => {
    expect(extensionOf(path)).toBe(ext);
  });
  it('is case-sensitive and defaults to text/plain', () => {
    expect(mimeFor(table, '/a.html')).toBe('text/html');
    expect(mimeFor(table, '/UPPER.PNG')).toBe('text/plain');
    expect(mimeFor(table, '/nothing')).toBe('text/plain');
  });
  it('does not look at inherited keys', () => {
    expect(mimeFor(table, '/x.constructor')).toBe('text/plain');
    expect(mimeFor(table, '/x.toString')).toBe('text/plain');
  });
});
