/**
 * Certificate names: parsing and normalising what users and configs give, one-level wildcard
 * matching as browsers do it, and the wildcards browsers refuse.
 */
import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../../../proxy-core/src/common/errors.js';
import {
  covers,
  normaliseHosts,
  parseHostName,
  wildcardProblem,
} from '../../../../proxy-core/src/node/certs/host-names.js';

describe('parseHostName', () => {
  it('lower-cases DNS names, drops a trailing dot and turns IDNs into punycode', () => {
    expect(parseHostName('Stat.LJ.localhost.')).toEqual({ kind: 'dns', name: 'stat.lj.localhost' });
    expect(parseHostName('bücher.test')).toEqual({ kind: 'dns', name: 'xn--bcher-kva.test' });
    expect(parseHostName('*.lj.localhost')).toEqual({ kind: 'dns', name: '*.lj.localhost' });
  });

  it('recognises IPv4 and IPv6 (bracketed or not) and writes IPv6 canonically', () => {
    expect(parseHostName('127.0.0.1')).toEqual({ kind: 'ip', name: '127.0.0.1' });
    expect(parseHostName('[::1]')).toEqual({ kind: 'ip', name: '::1' });
    expect(parseHostName('0:0:0:0:0:0:0:1')).toEqual({ kind: 'ip', name: '::1' });
  });

  it.each([
    ['', 'empty'],
    ['a.*.b', 'whole first label'],
    ['*foo.test', 'whole first label'],
    ['*.*.test', 'whole first label'],
    ['my_host.test', 'underscore'],
    ['-bad.test', 'not a valid label'],
    ['a..b', 'not a valid'],
  ])('refuses %j with a reason (%s)', (input, why) => {
    let err: unknown;
    try {
      parseHostName(input);
    } catch (e) {
      err = e;
    }
    expect(hasErrorCode(err, 'PB_ERR_CERT_HOST_INVALID')).toBe(true);
    expect((err as Error).message).toContain(why);
  });
});

describe('covers', () => {
  it('matches exactly, or one label under a wildcard', () => {
    expect(covers('stat.lj.localhost', 'stat.lj.localhost')).toBe(true);
    expect(covers('*.lj.localhost', 'stat.lj.localhost')).toBe(true);
    expect(covers('*.lj.localhost', 'a.b.lj.localhost')).toBe(false);
    expect(covers('*.lj.localhost', 'lj.localhost')).toBe(false);
    expect(covers('*.lj.localhost', '*.lj.localhost')).toBe(true);
    expect(covers('stat.lj.localhost', '*.lj.localhost')).toBe(false);
  });
});

describe('wildcards browsers refuse', () => {
  it('flags a wildcard right under a top-level name, keeps deeper ones', () => {
    expect(wildcardProblem('*.localhost')).toMatch(/top-level/);
    expect(wildcardProblem('*.test')).toMatch(/top-level/);
    expect(wildcardProblem('*.lj.localhost')).toBeNull();
    expect(wildcardProblem('lj.localhost')).toBeNull();
  });

  it('normaliseHosts leaves them out with a note and de-duplicates the rest', () => {
    const r = normaliseHosts(['*.localhost', 'A.test', 'a.test', '127.0.0.1']);
    expect(r.hosts.map((h) => h.name)).toEqual(['a.test', '127.0.0.1']);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toContain('*.localhost');
  });
});
