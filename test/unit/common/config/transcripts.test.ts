/**
 * The verified management transcripts of spec section 16.5 ("Errors and edge cases"), replayed
 * through parseLine + applyCommand: the printed lines must match Perlbal's exactly, and the
 * diagnostics must carry the right code, message and position.
 */
import { describe, expect, test } from 'vitest';
import { envWithout, session, check } from './helpers.js';

const MGMT =
  'CREATE SERVICE mgmt\nSET role = management\nSET listen = 127.0.0.1:27090\nENABLE mgmt\n';

describe('spec 16.5 errors and edge cases', () => {
  const s = session({ base: MGMT, env: envWithout('/tmp', '/nonexistent') });

  test.each([
    ['create service Foo', ['OK']],
    [
      'set persist_client = maybe',
      ["ERROR: Expecting boolean value for parameter 'persist_client'"],
    ],
    ['set foo.nosuch = 1', ["ERROR: Unknown service parameter 'nosuch'"]],
    [
      'set listen = abc',
      ['ERROR: Listen argument must be ip:port or port. e.g. 192.168.0.1:80 or 81'],
    ],
    ['set role = reverse_proxy', ['OK']],
    ['set pool = nosuch', ["ERROR: Pool 'nosuch' not found"]],
    [
      'set docroot = /tmp',
      ["ERROR: The 'docroot' option can only be set on a 'web_server' service"],
    ],
    ['set foo buffer_size = 2k', ['OK']],
    [
      'SET FOO.queue_relief_chance = 101',
      ['ERROR: Expecting integer value between 0 and 100, inclusive.'],
    ],
    [
      'set foo.connect_ahead = -1',
      ["ERROR: Expecting integer value for parameter 'connect_ahead'"],
    ],
    ['set extra.blah = 1', ["ERROR: service/pool 'extra' does not exist"]],
    ['create pool foo', ["ERROR: service 'foo' already exists"]],
    ['create pool p2', ['OK']],
    ["set balance_method = 'random'", ['ERROR: Unknown balance method']],
    ['set p2.nodefile = /nonexistent', ['ERROR: File not found']],
    ['set p2.foo = bar', []],
    ['pool add 127.0.0.1:9', ["ERROR: Invalid syntax to 'pool' command"]],
    ['pool add p2 127.0.0.2', ['OK']],
    ['pool p2 frob 127.0.0.1', ["ERROR: Invalid command:  must be 'add' or 'remove'"]],
    ['enable foo', ['OK']],
    ['enable foo', ['ERROR: service foo is already enabled']],
    ['disable mgmt', ["ERROR: can't disable management service"]],
    ['frobnicate', ['ERROR: unknown command: frobnicate']],
    ['set', ['ERROR: usage: SET [<service>] <param> = <value>']],
    ['verbose off', []],
    ['create pool p3', []],
    ['verbose on', ['OK']],
    ['mime set foo application/x-foo', ['foo set to application/x-foo.']],
    ['mime remove foo', ['foo removed.']],
    ['mime remove foo', ['ERROR: foo not a defined extension.']],
    ['server frob = 1', ["ERROR: unknown server option '1'"]],
    ['server aio_mode = linux', ['ERROR: Linux::AIO no longer supported']],
    [
      'server pidfile = /tmp/x.pid',
      ['ERROR: pidfile must be configured at startup, before Perlbal::run is called'],
    ],
    ['header foo insert X-Foo', ['ERROR: no value provided']],
    ['shutdown graceful x', ["ERROR: Invalid syntax to 'shutdown' command"]],
    ['pools', ['ERROR: unknown command: pools']],
  ])('%s', (line, expected) => {
    expect(s.run(line)).toEqual(expected);
  });

  test('create service Foo creates the lower-case service foo', () => {
    expect(s.model.services.map((x) => x.name)).toContain('foo');
    expect(s.model.services.find((x) => x.name === 'foo')!.tunables['buffer_size']).toBe(2048);
  });

  test('reload of a loaded plugin fails because no bundled plugin can reload', () => {
    const t = session({ base: MGMT });
    expect(t.run('load stats', 'reload stats', 'reload vhosts')).toEqual([
      'OK',
      "ERROR: Plugin Perlbal::Plugin::Stats doesn't support reloading",
      "ERROR: Unknown/unloaded plugin 'vhosts'",
    ]);
  });
});

describe('spec 16.5 diagnostics carry code, message and position', () => {
  const cases: Array<[string[], string, string, number, number, string]> = [
    [
      ['CREATE SERVICE a', '  SET persist_client = maybe'],
      'invalid_bool',
      "Expecting boolean value for parameter 'persist_client'",
      2,
      24,
      "'persist_client' expects on or off",
    ],
    [
      ['CREATE SERVICE a', '  SET a.nosuch = 1'],
      'unknown_tunable',
      "Unknown service parameter 'nosuch'",
      2,
      9,
      "'nosuch' is not a tunable of a service",
    ],
    [
      ['CREATE SERVICE a', 'SET listen = abc'],
      'invalid_listen',
      'Listen argument must be ip:port or port. e.g. 192.168.0.1:80 or 81',
      2,
      14,
      "'listen' expects ip:port or port",
    ],
    [
      ['CREATE SERVICE a', 'SET role = reverse_proxy', 'SET pool = nosuch'],
      'unknown_pool',
      "Pool 'nosuch' not found",
      3,
      12,
      "There is no pool named 'nosuch'",
    ],
    [
      ['CREATE SERVICE a', 'SET docroot = /tmp'],
      'tunable_wrong_role',
      "The 'docroot' option can only be set on a 'web_server' service",
      2,
      5,
      "'docroot' can only be set on a web_server service; service 'a' has no role yet",
    ],
    [
      ['CREATE SERVICE a', 'SET role = reverse_proxy', 'SET a.queue_relief_chance = 101'],
      'invalid_value',
      'Expecting integer value between 0 and 100, inclusive.',
      3,
      29,
      "'queue_relief_chance' expects a whole number from 0 to 100, not '101'",
    ],
    [
      ['SET extra.blah = 1'],
      'unknown_name',
      "service/pool 'extra' does not exist",
      1,
      5,
      "There is no service or pool named 'extra' (Perlbal reads 'extra' as the service name",
    ],
    [
      ['CREATE SERVICE foo', 'CREATE POOL foo'],
      'duplicate_name',
      "service 'foo' already exists",
      2,
      13,
      "A service named 'foo' already exists",
    ],
    [
      ['CREATE POOL p2', "SET balance_method = 'random'"],
      'invalid_enum',
      'Unknown balance method',
      2,
      22,
      'quotes are part of the value',
    ],
    [
      ['CREATE POOL p2', 'SET p2.foo = bar'],
      'unknown_pool_parameter',
      '',
      2,
      8,
      "'foo' is not a pool parameter",
    ],
    [
      ['POOL ADD 127.0.0.1:9'],
      'invalid_syntax',
      "Invalid syntax to 'pool' command",
      1,
      1,
      'POOL ADD/REMOVE needs the pool name',
    ],
    [
      ['CREATE POOL p2', 'POOL p2 frob 127.0.0.1'],
      'invalid_syntax',
      "Invalid command:  must be 'add' or 'remove'",
      2,
      1,
      'POOL needs ADD or REMOVE',
    ],
    [
      ['CREATE SERVICE foo', 'ENABLE foo', 'ENABLE foo'],
      'already_enabled',
      'service foo is already enabled',
      3,
      1,
      "Service 'foo' is already enabled",
    ],
    [
      ['CREATE SERVICE mgmt', 'SET role = management', 'ENABLE mgmt', 'DISABLE mgmt'],
      'cannot_disable_management',
      "can't disable management service",
      4,
      1,
      "A management service can't be disabled",
    ],
    [
      ['frobnicate'],
      'unknown_command',
      'unknown command: frobnicate',
      1,
      1,
      "'frobnicate' is not a Perlbal command",
    ],
    [
      ['SET'],
      'invalid_syntax',
      'usage: SET [<service>] <param> = <value>',
      1,
      1,
      'This line does not match SET',
    ],
    [
      ['MIME REMOVE foo'],
      'unknown_extension',
      'foo not a defined extension.',
      1,
      13,
      "'foo' is not in the MIME table",
    ],
    [
      ['SERVER frob = 1'],
      'unknown_server_option',
      "unknown server option '1'",
      1,
      8,
      "'frob' is not a SERVER option",
    ],
    [
      ['SERVER aio_mode = linux'],
      'invalid_server_value',
      'Linux::AIO no longer supported',
      1,
      19,
      'linux is no longer supported',
    ],
    [
      ['CREATE SERVICE web', 'HEADER web insert X-Foo'],
      'missing_header_value',
      'no value provided',
      2,
      1,
      'HEADER INSERT needs a value',
    ],
    [
      ['SHUTDOWN graceful x'],
      'invalid_syntax',
      "Invalid syntax to 'shutdown' command",
      1,
      1,
      'SHUTDOWN [GRACEFUL]',
    ],
  ];

  test.each(cases)('%j -> %s', (lines, code, perlbal, line, column, message) => {
    const d = check(lines, envWithout('/tmp')).diagnostics.find((x) => x.severity === 'error')!;
    expect(d).toBeDefined();
    expect(d.code).toBe(code);
    expect(d.perlbal ?? '').toBe(perlbal);
    expect([d.span.line, d.span.column]).toEqual([line, column]);
    expect(d.message).toContain(message);
  });

  test('the pidfile error only happens on a running server', () => {
    const r = check(['SERVER pidfile = /tmp/x.pid']);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model.server['pidfile']).toBe('/tmp/x.pid');
  });
});

describe('spec 16.5 dumpconfig', () => {
  test('the verified excerpt, in insertion order', () => {
    const s = session({ env: envWithout() });
    s.run(
      'load stats',
      'create pool backends',
      'pool backends add 127.0.0.1:27081',
      'create service proxy',
      'set role = reverse_proxy',
      'set listen = 127.0.0.1:27082',
      'set pool = backends',
      'set persist_client = on',
      'set persist_backend = on',
      'set enable_reproxy = on',
      'set plugins = stats',
      'enable proxy',
      'create service web',
      'set role = web_server',
      'set listen = 127.0.0.1:27080',
      'set docroot = /tmp/pbr/docroot',
      'set dirindexing = 1',
      'set persist_client = on',
      'set enable_concatenate_get = 1',
      'set enable_put = 1',
      'set enable_delete = 1',
      'set plugins = stats',
      'enable web',
    );
    expect(s.run('dumpconfig')).toEqual([
      'CREATE POOL backends',
      '  POOL ADD backends 127.0.0.1:27081',
      '',
      'CREATE SERVICE proxy',
      '  SET role = reverse_proxy',
      '  SET listen = 127.0.0.1:27082',
      '  SET pool = backends',
      '  SET enable_reproxy = on',
      '  SET persist_backend = on',
      '  SET persist_client = on',
      "  # Plugin 'Stats' isn't capable of dumping config.",
      'ENABLE proxy',
      '',
      'CREATE SERVICE web',
      '  SET role = web_server',
      '  SET listen = 127.0.0.1:27080',
      '  SET dirindexing = on',
      '  SET docroot = /tmp/pbr/docroot',
      '  SET enable_concatenate_get = on',
      '  SET enable_delete = on',
      '  SET enable_put = on',
      '  SET index_files = index.html',
      '  SET persist_client = on',
      "  # Plugin 'Stats' isn't capable of dumping config.",
      'ENABLE web',
      '',
      'OK',
    ]);
  });
});
