/**
 * The tunables table (Perlbal::Service $tunables) and Service::set's type checks for every
 * type, with Perlbal's error texts, plus role gating.
 */
import { describe, expect, test } from 'vitest';
import {
  allTunables,
  TUNABLES,
  tunableFor,
  tunablesForRole,
} from '../../../../proxy-core/src/common/config/index.js';
import { env, envWithout, session } from './helpers.js';

describe('the table', () => {
  test('has the 54 core tunables of Perlbal 1.80, plus the marked additions', () => {
    const core = TUNABLES.filter((t) => !('addition' in t));
    expect(core).toHaveLength(54);
    expect(new Set(TUNABLES.map((t) => t.name)).size).toBe(TUNABLES.length);
    expect(TUNABLES.filter((t) => 'addition' in t).map((t) => t.name)).toEqual(['restrict_symlinks', 'ssl_sni_dir']);
  });

  test('every row has a description, and enum rows list their values', () => {
    for (const t of allTunables()) {
      expect(t.description.length, t.name).toBeGreaterThan(10);
      if (t.type === 'enum') expect(t.values!.length).toBeGreaterThan(1);
    }
  });

  test('size defaults are in bytes; index_files is dumped always; persist_client_timeout never', () => {
    expect(tunableFor('buffer_size')!.default).toBe(262144);
    expect(tunableFor('buffer_upload_threshold_size')!.default).toBe(256000);
    expect(tunableFor('index_files')).toMatchObject({ default: ['index.html'], dumpAlways: true });
    expect(tunableFor('persist_client_timeout')).toMatchObject({ neverDump: true });
  });

  test('plugin rows appear only when their plugin is loaded', () => {
    expect(tunableFor('max_content_length', [])).toBeUndefined();
    expect(tunableFor('max_content_length', ['maxcontentlength'])).toMatchObject({
      plugin: 'maxcontentlength',
    });
    expect(allTunables().filter((t) => t.plugin === 'throttle')).toHaveLength(17);
  });

  test('tunablesForRole filters by role', () => {
    const names = tunablesForRole('web_server').map((t) => t.name);
    expect(names).toContain('docroot');
    expect(names).not.toContain('pool');
    expect(names).toContain('persist_client');
  });
});

/** Runs `set k = v` on a fresh service of `role` and returns what Perlbal prints. */
function setOn(
  role: string,
  key: string,
  value: string,
  e = env(),
): { out: string[]; value: unknown } {
  const s = session({ env: e });
  s.run('create pool p1', 'create service other', 'create service svc', `set role = ${role}`);
  const out = s.run(`set svc.${key} = ${value}`);
  return { out, value: s.model.services.find((x) => x.name === 'svc')!.tunables[key] };
}

describe('type checks', () => {
  test.each([
    ['on', true],
    ['ON', true],
    ['1', true],
    ['true', true],
    ['yes', true],
    ['off', false],
    ['0', false],
    ['False', false],
    ['no', false],
  ])('bool %s', (value, expected) => {
    expect(setOn('reverse_proxy', 'persist_backend', value)).toEqual({
      out: ['OK'],
      value: expected,
    });
  });

  test.each(['maybe', "'on'", '2'])('bool rejects %j', (value) => {
    expect(setOn('reverse_proxy', 'persist_backend', value).out).toEqual([
      "ERROR: Expecting boolean value for parameter 'persist_backend'",
    ]);
  });

  test.each([
    ['0', 0],
    ['42', 42],
  ])('int %s', (value, expected) => {
    expect(setOn('reverse_proxy', 'connect_ahead', value)).toEqual({
      out: ['OK'],
      value: expected,
    });
  });

  test.each(['-1', '1.5', 'ten', '1k'])('int rejects %s', (value) => {
    expect(setOn('reverse_proxy', 'connect_ahead', value).out).toEqual([
      "ERROR: Expecting integer value for parameter 'connect_ahead'",
    ]);
  });

  test.each([
    ['100', 100],
    ['100b', 100],
    ['2k', 2048],
    ['2K', 2048],
    ['3m', 3145728],
    ['3M', 3145728],
  ])('size %s', (value, expected) => {
    expect(setOn('reverse_proxy', 'buffer_size', value)).toEqual({ out: ['OK'], value: expected });
  });

  test.each(['2g', '1.5k', 'k', '-1'])('size rejects %s', (value) => {
    expect(setOn('reverse_proxy', 'buffer_size', value).out).toEqual([
      "ERROR: Expecting size unit value for parameter 'buffer_size' in bytes, or suffixed with 'K' or 'M'",
    ]);
  });

  test('enum (a plugin tunable)', () => {
    const s = session();
    s.run('load throttle', 'create service a', 'set role = reverse_proxy');
    expect(s.run('set a.default_action = allow', 'set a.default_action = Allow')).toEqual([
      'OK',
      "ERROR: Value of 'default_action' must be one of: allow, throttle",
    ]);
  });

  test('regexp (listen)', () => {
    expect(setOn('web_server', 'listen', '127.0.0.1:80').value).toBe('127.0.0.1:80');
    expect(setOn('web_server', 'listen', '80').value).toBe('80');
    expect(setOn('web_server', 'listen', 'localhost:80').out).toEqual([
      'ERROR: Listen argument must be ip:port or port. e.g. 192.168.0.1:80 or 81',
    ]);
  });

  test('list (index_files) splits on commas and whitespace', () => {
    expect(setOn('web_server', 'index_files', 'a.html,b.html  c.html').value).toEqual([
      'a.html',
      'b.html',
      'c.html',
    ]);
  });

  test('file_or_none: the file must exist, or be the default', () => {
    const e = envWithout('/no/key.pem', 'certs/server-key.pem');
    expect(setOn('web_server', 'ssl_key_file', '/no/key.pem', e).out).toEqual([
      "ERROR: File '/no/key.pem' not found for 'ssl_key_file'",
    ]);
    expect(setOn('web_server', 'ssl_key_file', 'certs/server-key.pem', e).out).toEqual(['OK']);
    expect(setOn('web_server', 'ssl_key_file', 'none', envWithout('none')).out).toEqual([
      "ERROR: File 'none' not found for 'ssl_key_file'",
    ]);
  });

  test('directory_or_none and directory', () => {
    const e = envWithout('/nodir');
    expect(setOn('web_server', 'ssl_ca_path', '/nodir', e).out).toEqual([
      "ERROR: Directory '/nodir' not found for 'ssl_ca_path'",
    ]);
    expect(setOn('web_server', 'docroot', '/nodir', e).out).toEqual([
      'ERROR: Directory not found for service svc',
    ]);
    expect(setOn('web_server', 'docroot', '/srv/www/', e).value).toBe('/srv/www/');
    expect(setOn('reverse_proxy', 'buffer_uploads_path', '/nodir', e).out).toEqual([
      'ERROR: Directory (/nodir) not found for service svc (buffer_uploads_path)',
    ]);
  });

  test('executable (server_process)', () => {
    const e = env({ notExecutable: ['/etc/passwd'] });
    expect(setOn('reverse_proxy', 'server_process', '/etc/passwd', e).out).toEqual([
      'ERROR: Server process (/etc/passwd) not executable.',
    ]);
    expect(setOn('reverse_proxy', 'server_process', '/usr/bin/app', e).out).toEqual(['OK']);
  });

  test('pool and service names must exist (case-sensitive)', () => {
    expect(setOn('reverse_proxy', 'pool', 'p1').value).toBe('p1');
    expect(setOn('reverse_proxy', 'pool', 'P1').out).toEqual(["ERROR: Pool 'P1' not found"]);
    expect(setOn('selector', 'default_service', 'other').value).toBe('other');
    expect(setOn('selector', 'default_service', 'Other').out).toEqual([
      "ERROR: Service '' not found",
    ]);
  });

  test('udp_endpoints', () => {
    expect(
      setOn('reverse_proxy', 'upload_status_listeners', '127.0.0.1:7002, 127.0.0.1:7003').value,
    ).toBe('127.0.0.1:7002, 127.0.0.1:7003');
    expect(setOn('reverse_proxy', 'upload_status_listeners', '127.0.0.1').out).toEqual([
      'ERROR: Invalid UDP endpoint: "127.0.0.1".  Must be of form a.b.c.d:port',
    ]);
  });

  test('netmask_list (trusted_upstream_proxies), normalised like Net::Netmask', () => {
    expect(
      setOn('reverse_proxy', 'trusted_upstream_proxies', '127.0.0.7/8, 127.0.0.1').value,
    ).toEqual(['127.0.0.0/8', '127.0.0.1/32']);
    expect(setOn('reverse_proxy', 'trusted_upstream_proxies', 'nonsense').out).toEqual([
      'ERROR: Error defining trusted upstream proxies: could not parse nonsense',
    ]);
  });

  test('percent (queue_relief_chance)', () => {
    expect(setOn('reverse_proxy', 'queue_relief_chance', '100').value).toBe(100);
    expect(setOn('reverse_proxy', 'queue_relief_chance', '101').out).toEqual([
      'ERROR: Expecting integer value between 0 and 100, inclusive.',
    ]);
  });

  test('unchecked (max_backend_uses) accepts anything, with a warning', () => {
    const s = session();
    s.run('create service a', 'set role = reverse_proxy');
    expect(s.run('set a.max_backend_uses = lots')).toEqual(['OK']);
    expect(s.diagnostics.at(-1)).toMatchObject({ code: 'unchecked_value', severity: 'warning' });
  });

  test('string tunables keep the value as typed', () => {
    expect(setOn('reverse_proxy', 'verify_backend_path', '/Health').value).toBe('/Health');
  });

  test('persist_client_timeout sets both timeouts and is not stored', () => {
    const s = session();
    s.run('create service a', 'set role = web_server', 'set a.persist_client_timeout = 7');
    const t = s.model.services[0]!.tunables;
    expect([
      t['persist_client_idle_timeout'],
      t['idle_timeout'],
      t['persist_client_timeout'],
    ]).toEqual([7, 7, undefined]);
  });
});

describe('role gating runs before the type check', () => {
  test('a wrong-role key with a bad value reports the role', () => {
    expect(setOn('web_server', 'buffer_size', 'garbage').out).toEqual([
      "ERROR: The 'buffer_size' option can only be set on a 'reverse_proxy' service",
    ]);
  });

  test('role-specific keys before the role', () => {
    const s = session();
    s.run('create service a');
    expect(s.run('set a.docroot = /srv')).toEqual([
      "ERROR: The 'docroot' option can only be set on a 'web_server' service",
    ]);
    expect(s.diagnostics.at(-1)!.message).toBe(
      "'docroot' can only be set on a web_server service; service 'a' has no role yet (SET role = web_server first)",
    );
  });

  test('an unknown key suggests the nearest tunable, even of another role', () => {
    const s = session();
    s.run(
      'create service a',
      'set role = web_server',
      'set a.persist_backnd = on',
      'set a.dirindexin = on',
    );
    const [wrongRole, typo] = s.diagnostics.filter((d) => d.code === 'unknown_tunable');
    expect(wrongRole!.message).toBe(
      "'persist_backnd' is not a tunable of a web_server service; did you mean 'persist_backend'? (it is a reverse_proxy tunable)",
    );
    expect(typo!.message).toBe(
      "'dirindexin' is not a tunable of a web_server service; did you mean 'dirindexing'?",
    );
  });

  test('invalid roles', () => {
    const s = session();
    s.run('create service a');
    expect(s.run('set a.role = proxy', 'set a.role = 0')).toEqual([
      'ERROR: Role not valid for service a',
      'ERROR: ',
    ]);
    s.run('set a.role = web_serer');
    expect(s.diagnostics.filter((d) => d.code === 'invalid_role').at(-1)!.message).toContain(
      "did you mean 'web_server'?",
    );
  });
});
