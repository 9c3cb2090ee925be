/**
 * Parsing: each verb's regex (Perlbal's, from the MANAGE_* handlers and plugins), usage errors,
 * management classification, comments and layout.
 */
import { describe, expect, test } from 'vitest';
import {
  parseConfig,
  parseLine,
  type ConfigCommand,
} from '../../../../proxy-core/src/common/config/index.js';
import { env } from './helpers.js';

const E = env();

function one(line: string): ConfigCommand {
  const r = parseLine(line, E);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.command!;
}

function usage(line: string, loaded?: string[]): string | undefined {
  const r = parseLine(line, E, 1, loaded);
  expect(r.command!.kind).toBe('invalid');
  return r.diagnostics[0]!.perlbal;
}

describe('core verbs', () => {
  test('CREATE', () => {
    expect(one('CREATE SERVICE Web')).toMatchObject({
      kind: 'create',
      what: 'service',
      name: 'web',
      source: 'CREATE SERVICE Web',
    });
    expect(one('create pool p1')).toMatchObject({ kind: 'create', what: 'pool', name: 'p1' });
    expect(usage('CREATE THING x')).toBe('usage: CREATE {service|pool} <name>');
  });

  test('SET forms: context, dot, space, dotted keys', () => {
    expect(one('SET listen = 80')).toMatchObject({
      kind: 'set',
      target: null,
      key: 'listen',
      value: '80',
    });
    expect(one('SET web.listen=80')).toMatchObject({ target: 'web', key: 'listen', value: '80' });
    expect(one('SET web listen = 80')).toMatchObject({ target: 'web', key: 'listen' });
    expect(one('SET web.extra.Foo = Bar')).toMatchObject({
      target: 'web',
      key: 'extra.foo',
      value: 'Bar',
    });
    expect(one('SET extra.foo = 1')).toMatchObject({ target: 'extra', key: 'foo' });
    expect(one('SET x = a=B')).toMatchObject({ key: 'x', value: 'a=B' });
  });

  test('SET spans point at the key and the value', () => {
    const cmd = one('  SET web.persist_client = On') as Extract<ConfigCommand, { kind: 'set' }>;
    expect(cmd.keySpan).toMatchObject({ line: 1, column: 11, endColumn: 25 });
    expect(cmd.valueSpan).toMatchObject({ column: 28, endColumn: 30 });
    expect(cmd.targetSpan).toMatchObject({ column: 7, endColumn: 10 });
    expect(cmd.span).toMatchObject({ column: 3, endColumn: 30 });
  });

  test('DEFAULT, USE, ENABLE, DISABLE, UNLOAD, SERVER', () => {
    expect(one('DEFAULT persist_client = on')).toMatchObject({
      kind: 'default',
      key: 'persist_client',
      value: 'on',
    });
    expect(one('USE web')).toMatchObject({ kind: 'use', name: 'web' });
    expect(one('ENABLE web')).toMatchObject({ kind: 'enable', name: 'web' });
    expect(one('DISABLE web')).toMatchObject({ kind: 'disable', name: 'web' });
    expect(one('UNLOAD Vhosts')).toMatchObject({ kind: 'unload', plugin: 'vhosts' });
    expect(one('SERVER aio_mode = ioaio')).toMatchObject({
      kind: 'server',
      key: 'aio_mode',
      value: 'ioaio',
    });
    expect(usage('DEFAULT a b')).toBe('usage: DEFAULT <param> = <value>');
    expect(usage('USE')).toBe('usage: USE <service_or_pool_name>');
    expect(usage('ENABLE a b')).toBe('Usage: {ENABLE|DISABLE} <service>');
    expect(usage('UNLOAD')).toBe("Invalid syntax to 'unload' command");
    expect(usage('SERVER x')).toBe("Invalid syntax to 'server' command");
  });

  test('LOAD keeps the typed case (from the original text)', () => {
    expect(one('LOAD AccessControl')).toMatchObject({ kind: 'load', plugin: 'AccessControl' });
    expect(one('load   vhosts  # c')).toMatchObject({ plugin: 'vhosts', trailingComment: ' c' });
    expect(usage('LOAD a b')).toBe("Invalid syntax to 'load' command");
  });

  test('POOL: either order, default port, port 0 means 80', () => {
    expect(one('POOL p ADD 127.0.0.1')).toMatchObject({
      kind: 'pool',
      pool: 'p',
      action: 'add',
      ip: '127.0.0.1',
      port: '80',
    });
    expect(one('POOL remove p 127.0.0.1:8080')).toMatchObject({
      pool: 'p',
      action: 'remove',
      port: '8080',
    });
    expect(one('POOL p add 127.0.0.1:0')).toMatchObject({ port: '80' });
    expect(one('POOL p add 1x2x3x4')).toMatchObject({ ip: '1x2x3x4' });
  });

  test('HEADER', () => {
    expect(one('HEADER web INSERT X-Foo: Bar Baz')).toMatchObject({
      kind: 'header',
      service: 'web',
      action: 'insert',
      name: 'x-foo',
      value: 'bar baz',
    });
    expect(one('HEADER web remove X-Foo')).toMatchObject({
      action: 'remove',
      name: 'x-foo',
      value: null,
    });
    expect(one('HEADER web insert a:b:c')).toMatchObject({ name: 'a', value: 'b:c' });
    expect(usage('HEADER web frob x')).toBe(
      'Usage: HEADER <service> {INSERT|REMOVE} <header>[: <value>]',
    );
  });

  test('MIME', () => {
    expect(one('MIME')).toMatchObject({ kind: 'mime', action: 'list' });
    expect(one('mime list')).toMatchObject({ action: 'list' });
    expect(one('MIME SET SVG image/SVG+xml')).toMatchObject({
      action: 'set',
      ext: 'svg',
      type: 'image/svg+xml',
    });
    expect(one('mime remove foo')).toMatchObject({ action: 'remove', ext: 'foo' });
    expect(usage('mime set foo')).toBe('Usage: set <ext> <mime>');
    expect(usage('mime frob')).toBe('Usage: list, remove <ext>, set <ext> <mime>');
    expect(usage('mime set foo a b')).toBe("Invalid syntax to 'mime' command");
  });
});

describe('management verbs', () => {
  test.each([
    ['uptime', 'uptime', ''],
    ['SHOW SERVICE web', 'show', 'service web'],
    ['show pool', 'show', 'pool'],
    ['states web', 'states', 'web'],
    ['socks summary', 'socks', 'summary'],
    ['node 127.0.0.1:80', 'node', '127.0.0.1:80'],
    ['dumpconfig', 'dumpconfig', ''],
    ['shutdown graceful 5', 'shutdown', 'graceful 5'],
    ['verbose OFF', 'verbose', 'off'],
    ['prof data', 'prof', 'data'],
    ['state changes', 'state', 'changes'],
    ['xs enable headers', 'xs', 'enable headers'],
    ['reload stats', 'reload', 'stats'],
    ['crash now', 'crash', 'now'],
  ])('%s', (line, verb, args) => {
    expect(one(line)).toMatchObject({ kind: 'manage', verb, args, line: line.toLowerCase() });
  });

  test.each([
    ['uptime now', "The 'uptime' command takes no arguments"],
    ['show services', "Invalid syntax to 'show' command"],
    ['verbose maybe', 'usage: VERBOSE {on|off}'],
    ['socks a b', "Invalid syntax to 'socks' command"],
    ['state x', "Invalid syntax to 'state' command"],
    ['help me', "The 'help' command takes no arguments"],
  ])('%s is rejected', (line, perlbal) => {
    expect(usage(line)).toBe(perlbal);
  });

  test('plugin query verbs are management commands', () => {
    expect(one('stats')).toMatchObject({ kind: 'manage', verb: 'stats' });
    expect(one('patterns')).toMatchObject({ kind: 'manage', verb: 'patterns' });
  });
});

describe('plugin verbs', () => {
  test('VHOST with and without a selector name', () => {
    expect(one('VHOST *.Example.com = Web')).toMatchObject({
      kind: 'plugin',
      verb: 'VHOST',
      plugin: 'vhosts',
      args: { service: null, pattern: '*.example.com', target: 'Web' },
    });
    expect(one('VHOST sel www = web')).toMatchObject({
      args: { service: 'sel', pattern: 'www', target: 'web' },
    });
  });

  test('usage errors, or unknown command before LOAD', () => {
    expect(usage('VHOST a = b c')).toBe(
      'usage: VHOST [<service>] <host_or_pattern> = <dest_service>',
    );
    expect(usage('VHOST a = b c', [])).toBe('unknown command: vhost');
    expect(usage('ACCESS frob')).toBe('usage: ACCESS <cmd> <arg1> [<arg2>]');
    expect(usage('REDIRECT a')).toBe('usage: REDIRECT HOST <match_host> <target_host>');
    expect(usage('INCLUDE =x')).toBe('usage: INCLUDE = <config files>');
    expect(usage('THROTTLE reload x')).toBe('usage: throttle reload <config|whitelist|blacklist>');
    expect(usage('PERLREQUIRE Foo')).toBe('usage: PERLREQUIRE=<module>');
    expect(usage('PERLHANDLER = a b')).toBe('usage: PERLHANDLER=<package::subroutine>');
  });

  test('other plugin verbs', () => {
    expect(one('ACCESS ALLOW IP 1.2.3.4')).toMatchObject({
      verb: 'ACCESS',
      args: { action: 'allow', arg1: 'ip', arg2: '1.2.3.4' },
    });
    expect(one('INCLUDE = /etc/Perlbal/*.conf')).toMatchObject({
      verb: 'INCLUDE',
      args: { globs: '/etc/Perlbal/*.conf' },
    });
    expect(one('PERLREQUIRE=My::Mod')).toMatchObject({
      verb: 'PERLREQUIRE',
      args: { module: 'My::Mod' },
    });
    expect(one('THROTTLE RELOAD WHITELIST')).toMatchObject({
      verb: 'THROTTLE',
      args: { action: 'reload', what: 'whitelist' },
    });
  });

  test('parseConfig knows which plugins are loaded at each line', () => {
    const r = parseConfig('VHOST a b\nLOAD vhosts\nVHOST a b\n', E);
    expect(r.diagnostics.map((d) => [d.span.line, d.perlbal])).toEqual([
      [1, 'unknown command: vhost'],
      [3, 'usage: VHOST [<service>] <host_or_pattern> = <dest_service>'],
    ]);
  });
});

describe('unknown and invalid lines', () => {
  test('unknown command with a suggestion', () => {
    const r = parseLine('CRAETE SERVICE x', E);
    expect(r.diagnostics[0]).toMatchObject({
      code: 'unknown_command',
      perlbal: 'unknown command: craete',
      message: "'craete' is not a Perlbal command; did you mean 'create'?",
      span: { column: 1, endColumn: 7 },
    });
  });

  test('a line not starting with a word', () => {
    expect(parseLine('-x', E).diagnostics[0]).toMatchObject({
      code: 'invalid_command',
      perlbal: 'invalid command',
    });
  });

  test('blank and comment-only lines give no command', () => {
    expect(parseLine('   ', E)).toEqual({ command: null, diagnostics: [] });
    expect(parseLine('# hi', E)).toEqual({ command: null, diagnostics: [] });
  });
});

describe('layout: comments and blank lines', () => {
  const text = [
    '# file header',
    '',
    '# about web',
    'CREATE SERVICE web  # trailing',
    '',
    '',
    '  SET role = web_server',
    '# end',
  ].join('\n');

  test('comments attach to the next command; detached blocks become comment nodes', () => {
    const { commands } = parseConfig(text, E);
    expect(
      commands.map((c) => [
        c.kind,
        c.leadingComments,
        c.blankLineBefore ?? false,
        c.trailingComment,
      ]),
    ).toEqual([
      ['comment', [' file header'], false, undefined],
      ['create', [' about web'], true, ' trailing'],
      ['set', [], true, undefined],
      ['comment', [' end'], false, undefined],
    ]);
  });

  test('spans are 1-based with exclusive end columns', () => {
    const { commands } = parseConfig(text, E);
    expect(commands[2]!.span).toEqual({ line: 7, column: 3, endLine: 7, endColumn: 24 });
  });

  test('parse never throws and keeps unparseable lines', () => {
    const { commands } = parseConfig('FROB\n\u0000\u0001 x\n', E);
    expect(commands.map((c) => c.kind)).toEqual(['invalid', 'invalid']);
  });
});
