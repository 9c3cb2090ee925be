/**
 * The names a config answers to: VHOST patterns of every selector (a `*.x` pattern brings
 * `x` too, as Perlbal routes it), listen addresses, and notes for what a certificate can't cover.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostsFromConfig } from '../../../../proxy-core/src/node/certs/hosts-from-config.js';

const FILE = path.join('/nonexistent', 'perlbal.conf');

describe('hostsFromConfig', () => {
  it('reads VHOST patterns and specific listen addresses, in config order', () => {
    const r = hostsFromConfig(
      [
        'LOAD vhosts',
        'CREATE SERVICE web',
        '  SET role = web_server',
        '  SET docroot = /tmp',
        'ENABLE web',
        'CREATE SERVICE ss',
        '  SET role = selector',
        '  SET listen = 127.0.0.1:8080',
        '  SET plugins = vhosts',
        '  VHOST *.LJ.localhost = web',
        '  VHOST stat.lj.localhost = web',
        '  VHOST www.lj.localhost;using:stat.lj.localhost = web',
        'ENABLE ss',
        'CREATE SERVICE other',
        '  SET role = web_server',
        '  SET listen = 127.1.2.3:80',
        '  SET docroot = /tmp',
        'ENABLE other',
        'CREATE SERVICE all',
        '  SET role = web_server',
        '  SET listen = 0.0.0.0:81',
        '  SET docroot = /tmp',
        'ENABLE all',
      ].join('\n'),
      FILE,
    );
    expect(r.hosts).toEqual([
      '*.lj.localhost',
      'lj.localhost',
      'stat.lj.localhost',
      'www.lj.localhost',
      '127.0.0.1',
      '127.1.2.3',
    ]);
    expect(r.sources).toContain('VHOST *.lj.localhost');
    expect(r.sources).toContain('listen 127.1.2.3:80');
    expect(r.notes.join('\n')).toMatch(/a\.b\.lj\.localhost.*one level only/);
    expect(r.problems).toEqual([]);
  });

  it('explains VHOST * and underscores instead of putting them on the certificate', () => {
    const r = hostsFromConfig(
      [
        'LOAD vhosts',
        'CREATE SERVICE web',
        '  SET role = web_server',
        '  SET docroot = /tmp',
        'ENABLE web',
        'CREATE SERVICE ss',
        '  SET role = selector',
        '  SET listen = 8080',
        '  VHOST * = web',
        '  VHOST my_host.test = web',
        'ENABLE ss',
      ].join('\n'),
      FILE,
    );
    expect(r.hosts).toEqual([]);
    expect(r.notes.join('\n')).toMatch(/VHOST \* sends every other host to web/);
    expect(r.notes.join('\n')).toMatch(/my_host\.test.*underscores/);
  });

  it('still reads names from a config with errors, and says so', () => {
    const r = hostsFromConfig(
      [
        'LOAD vhosts',
        'CREATE SERVICE ss',
        '  SET role = selector',
        '  SET frobnicate = 1',
        '  VHOST a.test = ss',
        'ENABLE ss',
      ].join('\n'),
      FILE,
    );
    expect(r.hosts).toEqual(['a.test']);
    expect(r.problems[0]).toMatch(/^line 4: /);
  });
});
