/**
 * dump (complete canonical commands), print (the one serializer) and dumpconfigPerlbal
 * (Perlbal's management format).
 */
import { describe, expect, test } from 'vitest';
import {
  applyConfig,
  checkConfig,
  dump,
  dumpconfigPerlbal,
  parseConfig,
  print,
} from '../../../../proxy-core/src/common/config/index.js';
import { env, session } from './helpers.js';

const E = env();

function roundTrip(text: string) {
  const model = checkConfig(text, E).model;
  const printed = print(dump(model));
  expect(applyConfig(parseConfig(printed, E).commands, E).model).toEqual(model);
  return printed;
}

describe('print', () => {
  test('keeps sources, comments, single blank lines; re-indents blocks', () => {
    const text = [
      '#top',
      'LOAD   vhosts',
      '',
      '',
      'CREATE SERVICE web # the web',
      'SET role=web_server',
      '      # inside',
      'SET listen = $PORT',
      'ENABLE web',
      'SERVER aio_mode = ioaio',
    ].join('\n');
    expect(print(parseConfig(text, E).commands)).toBe(
      [
        '#top',
        'LOAD vhosts',
        '',
        'CREATE SERVICE web # the web',
        '  SET role=web_server',
        '  # inside',
        '  SET listen = $PORT',
        'ENABLE web',
        'SERVER aio_mode = ioaio',
        '',
      ].join('\n'),
    );
  });

  test('indents POOL, HEADER and context plugin commands of the open block only', () => {
    const text = [
      'CREATE POOL p',
      'POOL p ADD 1.2.3.4',
      'POOL q ADD 1.2.3.4',
      'SET x = 1',
      'CREATE SERVICE s',
      'VHOST a = b',
      'HEADER s remove x',
      'HEADER t remove x',
      'SET y = 1',
    ].join('\n');
    expect(print(parseConfig(text, E).commands)).toBe(
      [
        'CREATE POOL p',
        '  POOL p ADD 1.2.3.4',
        'POOL q ADD 1.2.3.4',
        'SET x = 1',
        'CREATE SERVICE s',
        '  VHOST a = b',
        '  HEADER s remove x',
        'HEADER t remove x',
        'SET y = 1',
        '',
      ].join('\n'),
    );
  });

  test('is idempotent on messy input, invalid lines included', () => {
    const text = '\n\n  # a\n\tFROB  x\n# b\n\nSET\n   \n#c\n';
    const once = print(parseConfig(text, E).commands);
    expect(print(parseConfig(once, E).commands)).toBe(once);
    expect(once).toBe('# a\nFROB x\n# b\n\nSET\n\n#c\n');
  });

  test('canonical forms of dump-made commands', () => {
    const s = session();
    s.run(
      'load vhosts',
      'load AccessControl',
      'load redirect',
      'load cgilike',
      'perlrequire = A::B',
      'server aio_mode = none',
      'default persist_client = on',
      'mime set svg image/svg+xml',
      'mime remove doc',
      'create pool p',
      'set nodefile = /etc/nodes',
      'pool p add 127.0.0.1:81',
      'create service sel',
      'set role = selector',
      'set listen = 80',
      'set plugins = vhosts, accesscontrol',
      'set sel.accesscontrol.use_observed_ip = 1',
      'set sel.extra.k = v',
      'vhost *.a.com = web',
      'access deny ip 1.2.3.4',
      'redirect host x.com y.com',
      'perlhandler = A::B::c',
      'header sel insert X-A: 1',
      'header sel remove Cookie',
      'enable sel',
      'create service off',
    );
    expect(print(dump(s.model))).toBe(
      [
        'LOAD Vhosts',
        'LOAD AccessControl',
        'LOAD Redirect',
        'LOAD Cgilike',
        'PERLREQUIRE = A::B',
        'SERVER aio_mode = none',
        'DEFAULT persist_client = on',
        'MIME SET svg image/svg+xml',
        'MIME REMOVE doc',
        '',
        'CREATE POOL p',
        '  SET nodefile = /etc/nodes',
        '  POOL p ADD 127.0.0.1:81',
        '',
        'CREATE SERVICE sel',
        '  SET role = selector',
        '  SET listen = 80',
        '  SET plugins = vhosts, accesscontrol',
        '  SET sel.extra.k = v',
        '  SET sel.accesscontrol.use_observed_ip = 1',
        '  HEADER sel REMOVE cookie',
        '  HEADER sel INSERT x-a: 1',
        '  VHOST *.a.com = web',
        '  ACCESS DENY IP 1.2.3.4',
        '  ACCESS POLICY ALLOW',
        '  REDIRECT HOST x.com y.com',
        '  PERLHANDLER = A::B::c',
        'ENABLE sel',
        '',
        'CREATE SERVICE off',
        '',
      ].join('\n'),
    );
    expect(applyConfig(parseConfig(print(dump(s.model)), E).commands, E).model).toEqual(s.model);
  });
});

describe('dump', () => {
  test('only tunables that differ from the effective default, sorted', () => {
    const printed = roundTrip(
      [
        'DEFAULT persist_client = on',
        'CREATE SERVICE w',
        'SET role = web_server',
        'SET persist_client = on',
        'SET enable_md5 = off',
        'SET dirindexing = on',
        'SET buffer_size = 1k',
      ].join('\n'),
    );
    expect(printed).toContain(
      'CREATE SERVICE w\n  SET role = web_server\n  SET dirindexing = on\n  SET enable_md5 = off\n',
    );
    expect(printed).not.toContain('persist_client = on\n  ');
  });

  test('a service that never got a role keeps every tunable it has', () => {
    expect(roundTrip('CREATE SERVICE a\nSET persist_client = off\nSET listen = 80\n')).toBe(
      'CREATE SERVICE a\n  SET listen = 80\n  SET persist_client = off\n',
    );
  });

  test('auto-vivified pools are recreated the same way', () => {
    const printed = roundTrip(
      'CREATE SERVICE p\nSET role = reverse_proxy\nSET nodefile = /n\nPOOL p_pool ADD 1.2.3.4\nENABLE p\n',
    );
    expect(printed).toBe(
      'CREATE SERVICE p\n  SET role = reverse_proxy\n  SET nodefile = /n\nENABLE p\nPOOL p_pool ADD 1.2.3.4:80\n',
    );
  });

  test('the model after management commands round-trips too', () => {
    const s = session();
    s.run(
      'load throttle',
      'create pool p',
      'create service a',
      'set role = reverse_proxy',
      'set pool = p',
      'set max_delay = 9',
      'set plugins = throttle',
      'enable a',
      'disable a',
      'pool p add 1.1.1.1',
    );
    expect(applyConfig(parseConfig(print(dump(s.model)), E).commands, E).model).toEqual(s.model);
  });
});

describe('dumpconfigPerlbal', () => {
  test("Perlbal's format: role always, bools on/0, plugin lines, nodefile instead of nodes", () => {
    const s = session();
    s.run(
      'load vhosts',
      'load stats',
      'create pool p',
      'pool p add 1.1.1.1',
      'set nodefile = /n',
      'create service bare',
      'create service sel',
      'set role = selector',
      'set plugins = stats, vhosts',
      'vhost a = b',
      'create service w',
      'set role = web_server',
      'set enable_md5 = off',
      'set index_files = a, b',
      'set persist_client_timeout = 5',
      'enable w',
    );
    expect(dumpconfigPerlbal(s.model)).toEqual([
      'CREATE POOL p',
      '  SET nodefile = /n',
      '',
      'CREATE SERVICE bare',
      '  SET role = ',
      'DISABLE bare',
      '',
      'CREATE SERVICE sel',
      '  SET role = selector',
      "  # Plugin 'Stats' isn't capable of dumping config.",
      '  VHOST a = b',
      'DISABLE sel',
      '',
      'CREATE SERVICE w',
      '  SET role = web_server',
      '  SET enable_md5 = 0',
      '  SET idle_timeout = 5',
      '  SET index_files = a, b',
      '  SET persist_client_idle_timeout = 5',
      'ENABLE w',
      '',
    ]);
  });
});
