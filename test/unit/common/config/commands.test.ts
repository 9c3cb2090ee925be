/**
 * Applying core commands: CREATE/USE/SET resolution, SET role and DEFAULT, pools (POOL, nodefile,
 * balance_method, auto-vivification), ENABLE/DISABLE, HEADER, SERVER, MIME, LOAD/UNLOAD.
 */
import { describe, expect, test } from 'vitest';
import {
  applyCommand,
  effectiveMime,
  emptyModel,
  parseLine,
} from '../../../../proxy-core/src/common/config/index.js';
import { check, env, envWithout, session } from './helpers.js';

describe('CREATE, USE and the context', () => {
  test('services and pools share one namespace; the check order decides the message', () => {
    const s = session();
    expect(s.run('create pool x', 'create service x', 'create pool x')).toEqual([
      'OK',
      "ERROR: pool 'x' already exists",
      "ERROR: pool 'x' already exists",
    ]);
  });

  test('CREATE and USE set the context; a failed USE keeps it', () => {
    const s = session();
    s.run(
      'create service a',
      'create service b',
      'use a',
      'set listen = 1',
      'use nosuch',
      'set listen = 2',
    );
    expect(s.model.services[0]!.tunables['listen']).toBe('2');
    expect(s.ctx.lastCreated).toBe('a');
  });

  test('SET without a name and without context', () => {
    expect(session().run('set listen = 80')).toEqual([
      'ERROR: omitted service/pool name not implied from context',
    ]);
  });

  test('SET on a name that is neither', () => {
    const s = session();
    s.run('create service web');
    expect(s.run('set wbe.listen = 80')).toEqual(["ERROR: service/pool 'wbe' does not exist"]);
    expect(s.diagnostics.at(-1)!.message).toBe(
      "There is no service or pool named 'wbe'; did you mean 'web'?",
    );
  });
});

describe('SET role and DEFAULT', () => {
  test('role applies defaults for the role only', () => {
    const s = session();
    s.run('create service a', 'set role = selector');
    const t = s.model.services[0]!.tunables;
    expect(t['latency']).toBe(0);
    expect(t['docroot']).toBeUndefined();
    expect(t['buffer_size']).toBeUndefined();
    expect(t['server_tokens']).toBe(true);
    expect(t['ssl_ca_path']).toBeNull();
  });

  test('changing the role drops tunables the new role cannot have', () => {
    const s = session();
    s.run(
      'create service a',
      'set role = web_server',
      'set docroot = /srv',
      'set role = reverse_proxy',
    );
    expect(s.model.services[0]!.tunables['docroot']).toBeUndefined();
    expect(s.model.services[0]!.tunables['buffer_size']).toBe(262144);
  });

  test('DEFAULT overrides the table default when a role is set later', () => {
    const s = session();
    s.run(
      'create service before',
      'set role = web_server',
      'default persist_client = on',
      'default buffer_size = 1k',
      'create service after',
      'set role = web_server',
      'create service rp',
      'set role = reverse_proxy',
    );
    const [before, after, rp] = s.model.services;
    expect(before!.tunables['persist_client']).toBe(false);
    expect(after!.tunables['persist_client']).toBe(true);
    expect(after!.tunables['buffer_size']).toBeUndefined();
    expect(rp!.tunables['buffer_size']).toBe(1024);
    expect(s.model.defaults).toEqual({ persist_client: 'on', buffer_size: '1k' });
  });

  test('a bad DEFAULT value fails SET role (Perlbal dies in init) but the role is set', () => {
    const s = session();
    s.run('default persist_client = maybe', 'create service a');
    expect(s.run('set role = web_server')).toEqual([
      "ERROR: MC:err: Expecting boolean value for parameter 'persist_client'",
    ]);
    expect(s.model.services[0]!.role).toBe('web_server');
    expect(s.diagnostics.at(-1)).toMatchObject({ code: 'invalid_default' });
  });

  test('DEFAULT of a non-tunable warns; DEFAULT role is refused', () => {
    const s = session();
    expect(s.run('default persist_clinet = on', 'default role = web_server')).toEqual(['OK']);
    expect(s.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['default_not_tunable', 'warning'],
      ['default_role', 'error'],
    ]);
    expect(s.diagnostics[0]!.message).toContain("did you mean 'persist_client'?");
  });
});

describe('pools', () => {
  test('POOL ADD de-duplicates then appends; REMOVE deletes', () => {
    const s = session();
    s.run(
      'create pool p',
      'pool p add 127.0.0.1',
      'pool p add 127.0.0.2',
      'pool p add 127.0.0.1',
      'pool p remove 127.0.0.2',
    );
    expect(s.model.pools[0]!.nodes).toEqual(['127.0.0.1:80']);
  });

  test('POOL on an unknown pool', () => {
    expect(session().run('pool nosuch add 127.0.0.1')).toEqual(["ERROR: Pool 'nosuch' not found"]);
  });

  test("a non-dotted IP passes Perlbal's regex and gets a warning", () => {
    const s = session();
    expect(s.run('create pool p', 'pool p add 1x2x3x4')).toEqual(['OK', 'OK']);
    expect(s.diagnostics.at(-1)).toMatchObject({ code: 'invalid_ip', severity: 'warning' });
  });

  test('nodefile: must exist; none/undef/null/""/\'\' unset it', () => {
    const s = session({ env: envWithout('/missing') });
    s.run('create pool p', 'set p.nodefile = /etc/nodes');
    expect(s.model.pools[0]!.nodefile).toBe('/etc/nodes');
    expect(s.run('set p.nodefile = /missing')).toEqual(['ERROR: File not found']);
    for (const v of ['none', 'undef', 'null', '""', "''"]) {
      s.run('set p.nodefile = /etc/nodes', `set p.nodefile = ${v}`);
      expect(s.model.pools[0]!.nodefile).toBeNull();
    }
  });

  test('nodefile on a service goes to its pool (info note)', () => {
    const r = check([
      'CREATE POOL p',
      'CREATE SERVICE a',
      'SET role = reverse_proxy',
      'SET pool = p',
      'SET nodefile = /etc/nodes',
    ]);
    expect(r.model.pools[0]!.nodefile).toBe('/etc/nodes');
    expect(r.diagnostics.find((d) => d.code === 'pool_setting_on_service')!.severity).toBe('info');
  });

  test('without any CREATE POOL a service auto-creates <svc>_pool (obsolete warning)', () => {
    const r = check(['CREATE SERVICE a', 'SET role = reverse_proxy', 'SET nodefile = /etc/nodes']);
    expect(r.model.pools).toEqual([
      { name: 'a_pool', nodes: [], nodefile: '/etc/nodes', balance_method: 'random' },
    ]);
    expect(r.model.services[0]!.tunables['pool']).toBe('a_pool');
    expect(r.model.poolsDeclared).toBe(false);
    const d = r.diagnostics.find((x) => x.code === 'pool_vivified')!;
    expect(d.perlbal).toBe(
      "'nodefile' set on service a on auto-vivified pool.\n         This behavior is obsolete.  This value should be set on a\n         pool object and not on a service.",
    );
  });

  test('after a CREATE POOL, auto-creation is refused', () => {
    const s = session();
    s.run('create pool other', 'create service a', 'set role = reverse_proxy');
    expect(s.run('set nodefile = /etc/nodes')).toEqual([
      'ERROR: ERROR: Attempt to vivify pool a_pool but one or more pools\n       have already been created manually.  Please set nodefile on a\n       previously created pool.',
    ]);
  });

  test('auto-creation for a non-proxy creates the pool but cannot attach it', () => {
    const s = session();
    s.run('create service w', 'set role = web_server');
    expect(s.run('set w.balance_method = random')).toEqual(['ERROR: No pool defined for service']);
    expect(s.model.pools.map((p) => p.name)).toEqual(['w_pool']);
  });
});

describe('ENABLE, DISABLE', () => {
  test('a service without listen or role enables fine (with a warning for the role)', () => {
    const s = session();
    expect(s.run('create service a', 'enable a', 'disable a', 'disable a')).toEqual([
      'OK',
      'OK',
      'OK',
      'ERROR: service a is already disabled',
    ]);
    expect(s.diagnostics.map((d) => d.code)).toEqual(['missing_role', 'already_disabled']);
  });

  test('ENABLE checks the SSL files when enable_ssl is on', () => {
    const s = session({ env: envWithout('certs/server-key.pem') });
    s.run('create service a', 'set role = web_server', 'set listen = 443', 'set enable_ssl = on');
    expect(s.run('enable a')).toEqual(["ERROR: SSL key file (certs/server-key.pem) doesn't exist"]);
    expect(s.model.services[0]!.enabled).toBe(false);
  });

  test('ENABLE of a pool name', () => {
    const s = session();
    s.run('create pool p');
    expect(s.run('enable p')).toEqual(["ERROR: service 'p' does not exist"]);
    expect(s.diagnostics.at(-1)!.message).toBe("There is no service named 'p' ('p' is a pool)");
  });
});

describe('HEADER', () => {
  test('insert and remove are kept in order; names are lower-cased unless after =', () => {
    const s = session();
    s.run(
      'create service a',
      'header a insert X-One: 1',
      'header a remove Cookie',
      'header a insert X-One: 2',
      'HEADER a INSERT X-Eq: a=B',
    );
    expect(s.model.services[0]!.headers).toEqual({
      insert: [
        ['x-one', '1'],
        ['x-one', '2'],
        ['x-eq', 'a=B'],
      ],
      remove: ['cookie'],
    });
  });

  test('errors', () => {
    const s = session();
    s.run('create service a');
    expect(s.run('header nosuch remove x', 'header a insert 0: v', 'header a insert x')).toEqual([
      "ERROR: service 'nosuch' does not exist",
      'ERROR: no header provided',
      'ERROR: no value provided',
    ]);
  });
});

describe('SERVER', () => {
  test('keys, checks and stored values', () => {
    const s = session({ phase: 'startup' });
    expect(
      s.run(
        'server max_connections = 1000',
        'server nice_level = -5',
        'server aio_threads = x',
        'server track_obj = 1',
        'server crash_backtrace = yes',
        'server aio_mode = none',
        'server pidfile = /run/p.pid',
        'server max_reproxy_connections = 0',
      ),
    ).toEqual([
      'OK',
      'OK',
      'ERROR: Expected numeric parameter',
      'OK',
      'ERROR: Expected 1 or 0',
      'OK',
      'OK',
      'OK',
    ]);
    expect(s.model.server).toEqual({
      max_connections: 1000,
      nice_level: -5,
      track_obj: 1,
      aio_mode: 'none',
      pidfile: '/run/p.pid',
      max_reproxy_connections: 0,
    });
  });

  test('aio_mode: unanchored check, linux refused', () => {
    const s = session();
    expect(s.run('server aio_mode = nonesuch', 'server aio_mode = sync')).toEqual([
      'OK',
      'ERROR: Unknown AIO mode',
    ]);
    expect(s.diagnostics[0]).toMatchObject({ code: 'server_quirk', severity: 'warning' });
  });

  test('unknown keys suggest the nearest', () => {
    const s = session();
    s.run('server max_conections = 5');
    expect(s.diagnostics[0]!.message).toBe(
      "'max_conections' is not a SERVER option; did you mean 'max_connections'?",
    );
  });
});

describe('MIME', () => {
  test('list is computed from the model, sorted, ending with a dot', () => {
    const s = session();
    s.run('mime set svg image/svg+xml', 'mime remove doc');
    const out = s.run('mime');
    expect(out.at(-1)).toBe('.');
    expect(out).toContain('svg image/svg+xml');
    expect(out).not.toContain('doc application/msword');
    expect(out.slice(0, -1)).toEqual([...out.slice(0, -1)].sort());
  });

  test('changes are recorded relative to the built-in table', () => {
    const s = session();
    s.run('mime set foo a/b', 'mime remove foo', 'mime remove css', 'mime set txt text/x-plain');
    expect(s.model.mime).toEqual({ css: null, txt: 'text/x-plain' });
    expect(effectiveMime(s.model)['css']).toBeUndefined();
    expect(effectiveMime(s.model)['txt']).toBe('text/x-plain');
    expect(effectiveMime(emptyModel())['png']).toBe('image/png');
  });

  test('MIME never prints OK', () => {
    const cmd = parseLine('mime set foo a/b', env()).command!;
    const r = applyCommand(
      emptyModel(),
      cmd,
      { lastCreated: null, verbose: true, phase: 'running' },
      env(),
    );
    expect(r).toMatchObject({ ok: true, printOk: false, output: ['foo set to a/b.'] });
  });
});

describe('LOAD and UNLOAD', () => {
  test('LOAD twice is fine; UNLOAD always prints OK', () => {
    const s = session();
    expect(s.run('load vhosts', 'load Vhosts', 'unload nosuch', 'unload vhosts')).toEqual([
      'OK',
      'OK',
      'OK',
      'OK',
    ]);
    expect(s.model.plugins).toEqual([]);
  });

  test('an unknown plugin suggests the nearest module', () => {
    const s = session();
    s.run('load vhost');
    expect(s.diagnostics[0]!.message).toBe(
      "There is no plugin named 'vhost'; did you mean 'Vhosts'?",
    );
  });

  test('LOAD gives plugin tunable defaults to services whose role is set', () => {
    const s = session();
    s.run('create service a', 'set role = reverse_proxy', 'load XFFExtras');
    expect(s.model.services[0]!.tunables['send_backend_port']).toBe(false);
  });

  test('UNLOAD removes the plugin from services, slices and tunables', () => {
    const s = session();
    s.run(
      'load vhosts',
      'load MaxContentLength',
      'create service sel',
      'set role = selector',
      'set plugins = vhosts',
      'vhost a = b',
      'set max_content_length = 5',
    );
    s.run('unload vhosts', 'unload maxcontentlength');
    const svc = s.model.services[0]!;
    expect([svc.plugins, svc.pluginConfig, svc.tunables['max_content_length']]).toEqual([
      [],
      {},
      undefined,
    ]);
  });

  test('LOAD $VAR cannot work: Perlbal reads the name before expansion', () => {
    const r = check(['LOAD $PLUGIN'], env({ vars: { PLUGIN: 'vhosts' } }));
    expect(r.diagnostics[0]).toMatchObject({ code: 'unknown_plugin' });
  });
});
