/**
 * The intent of Perlbal's t/50-plugins (`require_ok` for each plugin): every one of the 18
 * modules Perlbal 1.80 ships in Perlbal/Plugin/ has a config definition (LOAD's module name,
 * its roles and register) and a runtime part under the same canonical name, and all of them
 * load together in a running core: LOAD by Perlbal's spelling, SET plugins on a service of a
 * role they accept, with no "no runtime effect" warning, each registering its hooks (or its
 * selector, or its role).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGINS, pluginByName } from '../../../../proxy-core/src/common/config/index.js';
import { ProxyCore } from '../../../../proxy-core/src/node/core.js';
import { BUILTIN_PLUGINS } from '../../../../proxy-core/src/node/plugins/builtin.js';

/** Perlbal 1.80's Perlbal/Plugin/*.pm, and one hook each plugin's register installs. */
const PERLBAL_180 = {
  AccessControl: 'start_http_request',
  AutoRemoveLeadingDir: 'start_serve_request',
  Cgilike: 'start_http_request',
  EchoService: null, // adds the `echo` role; no register
  FlvStreaming: 'start_proxy_request',
  Highpri: 'make_high_priority',
  Include: null, // a config command only; no register
  LazyCDN: 'static_get_poststat_file_missing',
  MaxContentLength: 'start_http_request',
  NotModified: 'start_http_request',
  Palimg: 'start_send_file',
  Queues: 'backend_client_assigned',
  Redirect: 'start_http_request',
  Stats: 'start_send_file',
  Throttle: 'start_proxy_request',
  Vhosts: 'selector',
  Vpaths: 'selector',
  XFFExtras: 'backend_client_assigned',
} as const;

const MODULES = Object.keys(PERLBAL_180) as Array<keyof typeof PERLBAL_180>;
const SHIPPED = '/usr/share/perl5/Perlbal/Plugin';

describe('the 18 Perlbal 1.80 plugins (t/50)', () => {
  it('are exactly the config language’s plugins (and Debian’s Perlbal/Plugin/*.pm)', () => {
    expect(PLUGINS.map((p) => p.module).sort()).toEqual([...MODULES].sort());
    expect(MODULES).toHaveLength(18);
    if (fs.existsSync(SHIPPED)) {
      const shipped = fs.readdirSync(SHIPPED).filter((f) => f.endsWith('.pm'));
      expect(shipped.map((f) => f.slice(0, -3)).sort()).toEqual([...MODULES].sort());
    }
  });

  for (const module of MODULES) {
    it(`${module} has a config definition and a runtime part`, () => {
      const name = module.toLowerCase();
      const def = pluginByName(name);
      expect(def?.module).toBe(module);
      const runtime = BUILTIN_PLUGINS.get(name);
      expect(runtime?.name).toBe(name);
      if (def!.hasRegister) expect(runtime!.register).toBeTypeOf('function');
      else expect(runtime!.register).toBeUndefined();
      expect(Object.keys(runtime!.roles ?? {})).toEqual([...(def!.addsRoles ?? [])]);
    });
  }

  it('has no runtime plugin the config language does not know', () => {
    expect([...BUILTIN_PLUGINS.keys()].sort()).toEqual(MODULES.map((m) => m.toLowerCase()).sort());
  });
});

describe('all 18 load and register in a running core', () => {
  let core: ProxyCore;
  const logs: string[] = [];

  /** The service that registers `module`: its name and role. */
  const serviceOf = (module: string): { svc: string; role: string } => {
    const def = pluginByName(module)!;
    return { svc: `svc_${def.name}`, role: def.roles?.[0] ?? 'web_server' };
  };

  beforeAll(async () => {
    core = new ProxyCore();
    core.on('log', (_level: string, message: string) => logs.push(message));
    const lines = MODULES.map((m) => `LOAD ${m}`);
    for (const module of MODULES) {
      if (!pluginByName(module)!.hasRegister) continue;
      const { svc, role } = serviceOf(module);
      lines.push(`CREATE SERVICE ${svc}`, `  SET role = ${role}`, `  SET plugins = ${module}`);
    }
    // EchoService's role exists only while it is loaded.
    lines.push('CREATE SERVICE svc_echo', '  SET role = echo');
    await core.loadConfig(`${lines.join('\n')}\n`);
  });

  afterAll(() => core?.close());

  it('loads every plugin with a runtime effect', () => {
    expect([...core.model.plugins].sort()).toEqual(MODULES.map((m) => m.toLowerCase()).sort());
    expect(logs.filter((l) => l.includes('no runtime effect'))).toEqual([]);
  });

  for (const module of MODULES) {
    const hook = PERLBAL_180[module];
    if (hook === null) continue;
    it(`${module} registers on its service (${hook})`, () => {
      const svc = core.service(serviceOf(module).svc)!;
      expect(svc.model.plugins).toEqual([module.toLowerCase()]);
      if (hook === 'selector') expect(svc.selector).toBeTypeOf('function');
      else expect(svc.hooks.has(hook)).toBe(true);
    });
  }

  it('EchoService adds the echo role', () => {
    expect(core.service('svc_echo')?.role).toBe('echo');
    expect(core.plugins.roleAcceptor('echo')).toBeTypeOf('function');
  });
});
