/**
 * Plugins: SET plugins (register/unregister rules), each plugin's commands and setters with
 * Perlbal's outputs, the slices they write, and INCLUDE.
 */
import { describe, expect, test } from 'vitest';
import { check, env, session } from './helpers.js';

describe('SET plugins', () => {
  test('an unloaded name prints an ERROR but the command succeeds', () => {
    const s = session();
    s.run('load stats', 'create service a', 'set role = web_server');
    expect(s.run('set plugins = Stats, nosuch, none, stats')).toEqual([
      'ERROR: Plugin nosuch not loaded; not registered for a.',
      'OK',
    ]);
    expect(s.model.services[0]!.plugins).toEqual(['stats']);
    expect(s.diagnostics.at(-1)).toMatchObject({
      code: 'plugin_unknown_in_list',
      severity: 'warning',
      perlbal: 'Plugin nosuch not loaded; not registered for a.',
    });
  });

  test('a known but unloaded plugin suggests its LOAD line', () => {
    const s = session();
    s.run('create service a', 'set plugins = AccessControl');
    expect(s.diagnostics.at(-1)!.message).toBe(
      "Plugin 'AccessControl' is not loaded, so it is not registered on service 'a'; add 'LOAD AccessControl' first",
    );
  });

  test('register refuses the wrong role (Vhosts, Vpaths, FlvStreaming)', () => {
    const s = session();
    s.run(
      'load vhosts',
      'load vpaths',
      'load FlvStreaming',
      'create service a',
      'set role = web_server',
    );
    expect(
      s.run('set plugins = vhosts', 'set plugins = vpaths', 'set plugins = flvstreaming'),
    ).toEqual([
      "ERROR: You can't load the vhost plugin on a service not of role selector.",
      "ERROR: You can't load the vpath plugin on a service not of role selector.",
      "ERROR: You can't load the flvstreaming plugin on a service not of role reverse_proxy.",
    ]);
    expect(s.diagnostics.map((d) => d.code)).toEqual([
      'plugin_wrong_role',
      'plugin_wrong_role',
      'plugin_wrong_role',
    ]);
  });

  test('plugins without register or unregister', () => {
    const s = session();
    s.run(
      'load include',
      'load EchoService',
      'load XFFExtras',
      'create service a',
      'set role = reverse_proxy',
    );
    expect(
      s.run(
        'set plugins = include',
        'set plugins = echoservice',
        'set plugins = xffextras',
        'set plugins = none',
      ),
    ).toEqual([
      'ERROR: Can\'t locate object method "register" via package "Perlbal::Plugin::Include"',
      'ERROR: Can\'t locate object method "register" via package "Perlbal::Plugin::EchoService"',
      'OK',
      'ERROR: Can\'t locate object method "unregister" via package "Perlbal::Plugin::XFFExtras"',
    ]);
    expect(s.model.services[0]!.plugins).toEqual(['xffextras']);
  });

  test('plugin tunables exist only after LOAD', () => {
    const s = session();
    s.run('create service a', 'set role = reverse_proxy');
    expect(s.run('set a.max_content_length = 5')).toEqual([
      "ERROR: Unknown service parameter 'max_content_length'",
    ]);
    expect(s.diagnostics.at(-1)!.message).toBe(
      "'max_content_length' comes from the MaxContentLength plugin, which is not loaded; add 'LOAD MaxContentLength' before this line",
    );
    expect(s.run('load MaxContentLength', 'set a.max_content_length = 5')).toEqual(['OK', 'OK']);
    expect(s.model.services[0]!.tunables['max_content_length']).toBe(5);
  });

  test('a plugin command before LOAD is unknown, with a hint', () => {
    const r = check(['CREATE SERVICE sel', 'SET role = selector', 'VHOST a.com = web']);
    expect(r.diagnostics[0]).toMatchObject({
      code: 'plugin_not_loaded',
      perlbal: 'unknown command: vhost',
      message:
        "The VHOST command comes from the Vhosts plugin, which is not loaded; add 'LOAD Vhosts' before this line",
      span: { line: 3, column: 1 },
    });
  });
});

describe('Vhosts and Vpaths', () => {
  test('VHOST: overwrite in place; register resets the map', () => {
    const s = session();
    s.run(
      'load vhosts',
      'create service sel',
      'set role = selector',
      'vhost a.com = one',
      'vhost b.com = two',
      'vhost a.com = three',
    );
    expect(s.model.services[0]!.pluginConfig['vhosts']).toEqual({
      hosts: [
        { pattern: 'a.com', target: 'three' },
        { pattern: 'b.com', target: 'two' },
      ],
    });
    s.run('set plugins = vhosts');
    expect(s.model.services[0]!.pluginConfig['vhosts']).toEqual({ hosts: [] });
  });

  test('VHOST errors', () => {
    const s = session();
    s.run('load vhosts');
    expect(s.run('vhost a = b')).toEqual(['ERROR: omitted service name not implied from context']);
    s.run('create service web', 'set role = web_server');
    expect(
      s.run(
        'vhost a = b',
        'vhost nosuch a = b',
        'create service sel',
        'set role = selector',
        'vhost sel a!b = c',
      ),
    ).toEqual([
      "ERROR: Service 'web' is not a selector service",
      "ERROR: Service 'nosuch' is not a selector service",
      'OK',
      'OK',
      "ERROR: invalid host pattern: 'a!b'",
    ]);
  });

  test("VPATH appends rules; a bad regex gives Perl's message", () => {
    const s = session();
    s.run(
      'load vpaths',
      'create service sel',
      'set role = selector',
      'vpath ^/a/ = x',
      'vpath ^/a/ = y',
    );
    expect(s.model.services[0]!.pluginConfig['vpaths']).toEqual({
      paths: [
        { regex: '^/a/', target: 'x' },
        { regex: '^/a/', target: 'y' },
      ],
    });
    expect(s.run('vpath ^/b[ = z', 'vpath *x = z', 'vpath a) = z')).toEqual([
      'ERROR: Unmatched [ in regex; marked by <-- HERE in m/^/b[ <-- HERE /',
      'ERROR: Quantifier follows nothing in regex; marked by <-- HERE in m/* <-- HERE x/',
      'ERROR: Unmatched ) in regex; marked by <-- HERE in m/a) <-- HERE /',
    ]);
  });
});

describe('AccessControl', () => {
  const base = () => {
    const s = session();
    s.run('load AccessControl', 'create service px', 'set role = reverse_proxy');
    return s;
  };

  test('rules, policy and reset', () => {
    const s = base();
    expect(
      s.run(
        'access policy deny',
        'access allow ip 127.0.0.1',
        'access queue_low netmask 127.1.2.3/16',
        'access deny ip',
      ),
    ).toEqual(['OK', 'OK', 'OK', 'OK']);
    expect(s.model.services[0]!.pluginConfig['accesscontrol']).toEqual({
      policy: 'deny',
      rules: [
        { action: 'allow', type: 'ip', value: '127.0.0.1' },
        { action: 'queue_low', type: 'netmask', value: '127.1.0.0/16' },
        { action: 'deny', type: 'ip', value: null },
      ],
      useObservedIp: false,
    });
    expect(s.diagnostics.map((d) => d.code)).toEqual(['access_missing_value']);
    s.run('access reset');
    expect(s.model.services[0]!.pluginConfig['accesscontrol']).toEqual({
      policy: 'allow',
      rules: [],
      useObservedIp: false,
    });
  });

  test('errors', () => {
    const s = base();
    expect(
      s.run(
        'access policy',
        'access policy maybe',
        'access allow host x',
        'access deny netmask 1.2.3.4/99',
        'access frob',
      ),
    ).toEqual([
      "ERROR: policy must be 'allow' or 'deny'",
      "ERROR: policy must be 'allow' or 'deny'",
      "ERROR: Unknown item to allow: 'host'",
      'ERROR: Error parsing netmask',
      'ERROR: usage: ACCESS <cmd> <arg1> [<arg2>]',
    ]);
    s.run('create pool p');
    expect(s.run('access reset')).toEqual(["ERROR: Non-existent service 'p'"]);
    expect(session().run('load AccessControl', 'access reset')).toEqual([
      'OK',
      'ERROR: No service name in context from CREATE SERVICE <name> or USE <service_name>',
    ]);
  });

  test('the unanchored policy check lets allowx through, acting as allow', () => {
    const s = base();
    expect(s.run('access policy denyx', 'access policy xdeny')).toEqual([
      "ERROR: policy must be 'allow' or 'deny'",
      'OK',
    ]);
    expect(s.model.services[0]!.pluginConfig['accesscontrol']).toMatchObject({ policy: 'allow' });
    expect(s.diagnostics.at(-1)!.code).toBe('access_loose_policy');
  });

  test('queue_low on a non-proxy service is a warning instead of a runtime crash', () => {
    const s = session();
    s.run('load AccessControl', 'create service w', 'set role = web_server');
    s.run('access queue_low ip 127.0.0.1');
    expect(s.diagnostics.at(-1)).toMatchObject({
      code: 'queue_low_not_proxy',
      severity: 'warning',
    });
    expect(s.model.services[0]!.pluginConfig['accesscontrol']).toMatchObject({
      rules: [{ action: 'queue_low', type: 'ip', value: '127.0.0.1' }],
    });
  });

  test('use_observed_ip prints OK itself, even when not verbose; register resets it', () => {
    const s = base();
    s.run('set plugins = accesscontrol', 'verbose off');
    expect(s.run('set px.accesscontrol.use_observed_ip = yes')).toEqual(['OK']);
    expect(s.model.services[0]!.pluginConfig['accesscontrol']).toMatchObject({
      useObservedIp: true,
    });
    s.run('set px.accesscontrol.use_observed_ip = 0');
    expect(s.model.services[0]!.pluginConfig['accesscontrol']).toMatchObject({
      useObservedIp: false,
    });
    s.run('set px.accesscontrol.use_observed_ip = 1', 'set plugins = accesscontrol');
    expect(s.model.services[0]!.pluginConfig['accesscontrol']).toMatchObject({
      useObservedIp: false,
    });
  });

  test('the setter needs the plugin registered on the service', () => {
    const s = base();
    expect(s.run('set px.accesscontrol.use_observed_ip = 1')).toEqual([
      "ERROR: Unknown service parameter 'accesscontrol.use_observed_ip'",
    ]);
    expect(s.diagnostics.at(-1)!.code).toBe('plugin_not_registered');
  });
});

describe('Redirect', () => {
  test('REDIRECT prints nothing on success and lower-cases both hosts', () => {
    const s = session();
    s.run('load redirect', 'create service r', 'set role = web_server');
    expect(s.run('redirect host A.com B.com', 'REDIRECT HOST a.com=X c.com')).toEqual([]);
    expect(s.model.services[0]!.pluginConfig['redirect']).toEqual({
      hosts: [
        { match: 'a.com', target: 'b.com' },
        { match: 'a.com=x', target: 'c.com' },
      ],
    });
  });
});

describe('Highpri and NotModified', () => {
  test('Highpri: defaults on register, setters print nothing, bad values fail', () => {
    const s = session();
    s.run('load highpri', 'create service p', 'set role = reverse_proxy', 'set plugins = highpri');
    expect(s.model.services[0]!.pluginConfig['highpri']).toEqual({
      uriPattern: '^(?:/interface/(?:xmlrpc|flat)|/login\\.bml)$',
      hostPattern: 'undef',
    });
    expect(
      s.run(
        'set p.highpri.host_pattern = ^Admin',
        'set p.highpri.uri_pattern = (',
        'set p.highpri.uri_pattern = 0',
        'set p.highpri.uri_pattern = none',
      ),
    ).toEqual(['ERROR: Invalid regular expression']);
    expect(s.model.services[0]!.pluginConfig['highpri']).toEqual({
      uriPattern: 'none',
      hostPattern: '^Admin',
    });
    expect(s.diagnostics.map((d) => d.code)).toEqual(['invalid_regex', 'setter_rejected']);
    s.run('set plugins = none');
    expect(s.model.services[0]!.pluginConfig['highpri']).toBeUndefined();
  });

  test('patterns needs Highpri loaded', () => {
    expect(session().run('patterns')).toEqual(['ERROR: unknown command: patterns']);
  });

  test('NotModified host_pattern', () => {
    const s = session();
    s.run(
      'load NotModified',
      'create service sel',
      'set role = selector',
      'set plugins = notmodified',
    );
    expect(
      s.run(
        'set sel.notmodified.host_pattern = ^immutable\\.',
        'set sel.notmodified.host_pattern = (',
      ),
    ).toEqual(['ERROR: Unmatched ( in regex; marked by <-- HERE in m/( <-- HERE /']);
    expect(s.model.services[0]!.pluginConfig['notmodified']).toEqual({
      hostPattern: '^immutable\\.',
    });
  });
});

describe('Cgilike and Throttle', () => {
  test('PERLREQUIRE is global, PERLHANDLER per service; neither prints OK', () => {
    const s = session();
    s.run('load cgilike', 'create service app', 'set role = web_server');
    expect(
      s.run('perlrequire = My::App', 'perlhandler = My::App::handler', 'PERLREQUIRE = My::App'),
    ).toEqual([]);
    expect(s.model.pluginGlobals).toEqual({ cgilike: { requires: ['My::App'] } });
    expect(s.model.services[0]!.pluginConfig['cgilike']).toEqual({ handler: 'My::App::handler' });
  });

  test('THROTTLE RELOAD checks the context, the registration and the list files', () => {
    const s = session();
    s.run('load throttle');
    expect(s.run('throttle reload config')).toEqual([
      'ERROR: No service name set. This command must be used after CREATE SERVICE <name> or USE <service_name>',
    ]);
    s.run('create service p', 'set role = reverse_proxy');
    expect(s.run('throttle reload config', 'throttle reload whitelist')).toEqual([
      "ERROR: Can't use an undefined value as a subroutine reference",
      'ERROR: no whitelist file configured',
    ]);
    expect(
      s.run(
        'set plugins = throttle',
        'set whitelist_file = /etc/white',
        'THROTTLE RELOAD CONFIG',
        'throttle reload whitelist',
      ),
    ).toEqual(['OK', 'OK', 'OK', 'OK']);
    expect(s.model.services[0]!.tunables).toMatchObject({
      default_action: 'throttle',
      max_concurrent: 2,
      log_events: 'all',
      whitelist_file: '/etc/white',
    });
  });
});

describe('EchoService, LazyCDN', () => {
  test('the echo role exists only once EchoService is loaded', () => {
    const s = session();
    s.run('create service e');
    expect(
      s.run('set role = echo', 'LOAD EchoService', 'set role = echo', 'set echo_delay = 3'),
    ).toEqual(['ERROR: Role not valid for service e', 'OK', 'OK', 'OK']);
    expect(s.model.services[0]!.tunables['echo_delay']).toBe(3);
  });

  test('LazyCDN tunables are web_server only', () => {
    const s = session();
    s.run('LOAD LazyCDN', 'create service w', 'set role = web_server');
    expect(
      s.run(
        'set fallback_udp_ping_addr = 1.2.3.4',
        'set fallback_udp_ping_addr = 1.2.3.4:5',
        'set fallback_service = Up',
      ),
    ).toEqual(['ERROR: Expecting IP:port of form a.b.c.d:port.', 'OK', 'OK']);
  });
});

describe('INCLUDE', () => {
  const includes = {
    'conf.d/*.conf': [
      {
        path: 'conf.d/a.conf',
        text: 'CREATE SERVICE a\nSET role = web_server\nSET bogus = 1\nSET listen = 9\n',
      },
      { path: 'conf.d/b.conf', text: 'SET listen = 10\n' },
    ],
    'missing.conf': [{ path: 'missing.conf', error: 'No such file or directory' }],
    'loop.conf': [{ path: 'loop.conf', text: 'INCLUDE = loop.conf\n' }],
  };

  test('each file loads with a fresh context and stops at its first failure; errors do not fail INCLUDE', () => {
    const r = check(
      ['LOAD include', 'CREATE SERVICE outer', 'INCLUDE = conf.d/*.conf', 'SET listen = 1'],
      env({ includes }),
    );
    const a = r.model.services.find((s) => s.name === 'a')!;
    expect(a.tunables['listen']).toBeUndefined();
    expect(r.model.services.find((s) => s.name === 'outer')!.tunables['listen']).toBe('1');
    expect(r.diagnostics.map((d) => [d.file, d.span.line, d.perlbal])).toEqual([
      ['conf.d/a.conf', 3, "Unknown service parameter 'bogus'"],
      ['conf.d/b.conf', 1, 'omitted service/pool name not implied from context'],
      ['test.conf', 4, 'No services or management port configured.  Nothing to do.  Stopping.'],
    ]);
  });

  test('an unreadable file fails the INCLUDE', () => {
    const s = session({ env: env({ includes }) });
    expect(s.run('load include', 'include = missing.conf')).toEqual([
      'OK',
      'ERROR: Error opening config file (missing.conf): No such file or directory',
    ]);
  });

  test('recursion stops with an error instead of looping forever', () => {
    const r = check(['LOAD include', 'INCLUDE = loop.conf'], env({ includes }));
    expect(r.diagnostics.some((d) => d.code === 'include_too_deep')).toBe(true);
  });

  test('without readIncludes the INCLUDE is accepted with an info note', () => {
    const r = check(['LOAD include', 'INCLUDE = x/*.conf']);
    expect(r.diagnostics[0]).toMatchObject({ code: 'include_unchecked', severity: 'info' });
  });
});
