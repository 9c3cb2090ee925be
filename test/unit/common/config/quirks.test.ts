/**
 * The command-language quirks of spec section 17, items 1-10, each reproduced (or, where we
 * deliberately improve on Perlbal, shown to be diagnosed).
 */
import { describe, expect, test } from 'vitest';
import { parseLine } from '../../../../proxy-core/src/common/config/index.js';
import { check, env, session } from './helpers.js';

describe('17.1 everything before the first = is lower-cased', () => {
  test('service and pool names are lower-case; values keep their case', () => {
    const r = check([
      'CREATE SERVICE Foo',
      'CREATE POOL MyPool',
      'SET Foo.Role = reverse_proxy',
      'SET foo.pool = MyPool',
    ]);
    expect(r.model.services.map((s) => s.name)).toEqual(['foo']);
    expect(r.model.pools.map((p) => p.name)).toEqual(['mypool']);
    const d = r.diagnostics.find((x) => x.code === 'unknown_pool')!;
    expect(d.perlbal).toBe("Pool 'MyPool' not found");
    expect(d.span).toMatchObject({ line: 4, column: 16, endColumn: 22 });
  });

  test('HEADER, VPATH, REDIRECT and ACCESS arguments are lower-cased', () => {
    const r = check([
      'LOAD vpaths',
      'LOAD redirect',
      'LOAD AccessControl',
      'CREATE SERVICE sel',
      'SET role = selector',
      'VPATH ^/Static/ = sel',
      'REDIRECT HOST A.COM B.COM',
      'ACCESS ALLOW IP 127.0.0.1',
      'HEADER sel insert X-Foo: Bar',
    ]);
    const svc = r.model.services[0]!;
    expect(svc.pluginConfig['vpaths']).toEqual({ paths: [{ regex: '^/static/', target: 'sel' }] });
    expect(svc.pluginConfig['redirect']).toEqual({ hosts: [{ match: 'a.com', target: 'b.com' }] });
    expect(svc.headers.insert).toEqual([['x-foo', 'bar']]);
  });

  test('a VHOST target keeps its case, so a mixed-case target names no service', () => {
    const r = check([
      'LOAD vhosts',
      'CREATE SERVICE web',
      'CREATE SERVICE sel',
      'SET role = selector',
      'VHOST x.com = Web',
    ]);
    const d = r.diagnostics.find((x) => x.code === 'unknown_target')!;
    expect(d.severity).toBe('warning');
    expect(d.message).toContain("write 'web'");
    expect(d.span).toMatchObject({ line: 5, column: 15 });
  });
});

describe('17.2 comments, whitespace and $VAR', () => {
  test('# starts a comment anywhere, even inside a value', () => {
    const r = check(['CREATE SERVICE a', 'SET a.extra.x = abc#def']);
    expect(r.model.services[0]!.extra).toEqual({ x: 'abc' });
    expect(r.diagnostics.map((d) => d.code)).toContain('comment_in_value');
  });

  test('whitespace runs collapse everywhere, values included', () => {
    const r = check(['CREATE   SERVICE    a', 'SET a.extra.x  =  one   two\t three']);
    expect(r.model.services[0]!.extra).toEqual({ x: 'one two three' });
  });

  test('an unset $VAR expands to an empty string (with a warning)', () => {
    const r = check(['CREATE SERVICE a', 'SET a.extra.x = pre$UNSET-post'], env({ vars: {} }));
    expect(r.model.services[0]!.extra).toEqual({ x: 'pre-post' });
    const d = r.diagnostics.find((x) => x.code === 'unset_variable')!;
    expect(d.span).toMatchObject({ line: 2, column: 20, endColumn: 26 });
  });

  test('a set $VAR expands anywhere on the line', () => {
    const r = check(
      ['CREATE SERVICE a', 'SET listen = 127.0.0.1:$PBPORT'],
      env({ vars: { PBPORT: '27080' } }),
    );
    expect(r.model.services[0]!.tunables['listen']).toBe('127.0.0.1:27080');
  });
});

describe('17.3 SET of a * parameter before role is reset by the role', () => {
  test('the value is reset and the earlier line gets a warning', () => {
    const r = check([
      'CREATE SERVICE a',
      '  SET persist_client = on',
      '  SET listen = 8080',
      '  SET role = web_server',
    ]);
    const svc = r.model.services[0]!;
    expect(svc.tunables['persist_client']).toBe(false);
    expect(svc.tunables['listen']).toBe('8080');
    const warnings = r.diagnostics.filter((d) => d.code === 'role_reset');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.severity).toBe('warning');
    expect(warnings[0]!.span).toMatchObject({ line: 2, column: 7 });
    expect(warnings[0]!.message).toBe(
      "This value of 'persist_client' is reset to off by SET role on line 4; set it after the role",
    );
  });

  test('setting the role again re-initialises everything', () => {
    const r = check([
      'CREATE SERVICE a',
      'SET role = web_server',
      'SET enable_put = on',
      'SET role = web_server',
    ]);
    expect(r.model.services[0]!.tunables['enable_put']).toBe(false);
    expect(r.diagnostics.find((d) => d.code === 'role_reset')!.span.line).toBe(3);
  });
});

describe('17.4 POOL word order and the context form', () => {
  test('name and verb in either order', () => {
    const r = check([
      'CREATE POOL p',
      'POOL p ADD 127.0.0.1',
      'POOL ADD p 127.0.0.2:81',
      'POOL p add 127.0.0.1',
    ]);
    expect(r.model.pools[0]!.nodes).toEqual(['127.0.0.2:81', '127.0.0.1:80']);
  });

  test('the documented context form POOL ADD ip is a syntax error', () => {
    const p = parseLine('POOL ADD 127.0.0.1:80', env());
    expect(p.command!.kind).toBe('invalid');
    expect(p.diagnostics[0]!.perlbal).toBe("Invalid syntax to 'pool' command");
  });
});

describe('17.5 an unknown pool key fails without output', () => {
  test('Perlbal prints nothing; we give unknown_pool_parameter', () => {
    const s = session({ verbose: true });
    expect(s.run('create pool p', 'set p.foo = bar')).toEqual(['OK']);
    const d = s.diagnostics.find((x) => x.code === 'unknown_pool_parameter')!;
    expect(d.perlbal).toBeUndefined();
    expect(d.severity).toBe('error');
  });
});

describe('17.6 SERVER quirks', () => {
  test('an unknown option echoes the value', () => {
    expect(session().run('server frob = 1')).toEqual(["ERROR: unknown server option '1'"]);
  });

  test('max_reproxy_connections(host) sets that host\'s cap (a fixed Perlbal bug: it set the global one)', () => {
    const r = check(['SERVER max_reproxy_connections(127.0.0.1:80) = 2', 'SERVER max_reproxy_connections = 5']);
    expect(r.model.server).toEqual({ 'max_reproxy_connections(127.0.0.1:80)': 2, max_reproxy_connections: 5 });
    expect(r.diagnostics.filter((d) => d.code !== 'nothing_enabled')).toEqual([]);
  });
});

describe('17.7 balance_method accepts only random', () => {
  test.each(["'random'", 'round_robin', 'Random'])('%s fails', (value) => {
    expect(session().run('create pool p', `set p.balance_method = ${value}`)).toEqual([
      'OK',
      'ERROR: Unknown balance method',
    ]);
  });
});

describe("17.8 management framing is the runtime's job", () => {
  test('a line is one command; an empty line is nothing', () => {
    expect(parseLine('', env()).command).toBeNull();
    expect(parseLine('   # only a comment', env()).command).toBeNull();
    expect(parseLine('QUIT', env()).diagnostics[0]!.perlbal).toBe('unknown command: quit');
  });
});

describe('17.9 plugin setters and extra.* need the explicit service prefix', () => {
  test('SET extra.x in context fails; SET svc.extra.x works', () => {
    const s = session();
    expect(s.run('create service a', 'set extra.x = 1', 'set a.extra.x = 1')).toEqual([
      'OK',
      "ERROR: service/pool 'extra' does not exist",
      'OK',
    ]);
  });

  test('SET highpri.uri_pattern in context fails the same way', () => {
    const s = session();
    s.run('load highpri', 'create service a', 'set role = reverse_proxy', 'set plugins = highpri');
    expect(s.run('set highpri.uri_pattern = ^/x')).toEqual([
      "ERROR: service/pool 'highpri' does not exist",
    ]);
    expect(s.run('set a.highpri.uri_pattern = ^/x')).toEqual([]);
    expect(s.model.services[0]!.pluginConfig['highpri']).toEqual({
      uriPattern: '^/x',
      hostPattern: 'undef',
    });
  });
});

describe('17.10 LOAD needs the right case for CamelCase plugins', () => {
  test.each([
    'vhosts',
    'VHOSTS',
    'throttle',
    'highpri',
    'palimg',
    'cgilike',
    'include',
    'redirect',
    'queues',
    'stats',
    'vpaths',
  ])('load %s works', (name) => {
    expect(session().run(`load ${name}`)).toEqual(['OK']);
  });

  test.each([
    ['accesscontrol', 'AccessControl'],
    ['xffextras', 'XFFExtras'],
    ['flvstreaming', 'FlvStreaming'],
    ['lazycdn', 'LazyCDN'],
    ['echoservice', 'EchoService'],
    ['autoremoveleadingdir', 'AutoRemoveLeadingDir'],
    ['notmodified', 'NotModified'],
    ['maxcontentlength', 'MaxContentLength'],
  ])('load %s fails; %s works', (lower, module) => {
    const s = session();
    expect(s.run(`load ${lower}`)).toEqual([
      `ERROR: Can't locate Perlbal/Plugin/${lower}.pm in @INC (you may need to install the Perlbal::Plugin::${lower} module)`,
    ]);
    const d = s.diagnostics.find((x) => x.code === 'unknown_plugin')!;
    expect(d.message).toBe(
      `There is no plugin named '${lower}'; did you mean '${module}'? plugin names are case-sensitive`,
    );
    expect(s.run(`LOAD ${module}`)).toEqual(['OK']);
    expect(s.model.plugins).toEqual([lower]);
  });
});
