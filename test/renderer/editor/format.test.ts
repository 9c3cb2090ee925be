/**
 * Format gives Perlbal's canonical layout and case, is idempotent, and never changes what a
 * config means: checkConfig gives the same model and the same diagnostics before and after.
 */
import { describe, expect, it } from 'vitest';
import { checkConfig, permissiveEnv } from '../../../renderer/src/editor/config-lib.js';
import { formatConfig } from '../../../renderer/src/editor/format.js';

// Every config fixture goes through the same checks in
// test/unit/renderer/editor/format-fixtures.test.ts (it reads files, so it runs on the Node side).
const SAMPLES = [
  {
    name: 'a selector with vhosts and comments',
    text: [
      'load vhosts',
      '',
      '# the front end',
      'create service ss',
      'set role=selector',
      'set listen = 127.0.0.1:8080',
      '    set plugins = vhosts',
      'vhost *.lj.localhost = web   # everything else',
      'enable ss',
      'CREATE SERVICE web',
      '  SET role = web_server',
      '  SET docroot = /srv',
      'header web insert X-Dev: 1',
      'enable web',
    ].join('\n'),
  },
  {
    name: 'a config with errors',
    text: 'create service x\nset role = proxy\nset persist_backnd = on\nfrob\nSET a#b = c\n',
  },
  { name: 'an empty file', text: '' },
];

/** What checkConfig says, minus positions (formatting moves lines) and the `a#b` warning. */
function meaning(text: string) {
  const r = checkConfig(text, permissiveEnv);
  return {
    model: r.model,
    diagnostics: r.diagnostics
      .filter((d) => d.code !== 'comment_in_value')
      .map((d) => ({ code: d.code, severity: d.severity, perlbal: d.perlbal })),
  };
}

describe('formatConfig', () => {
  it('indents blocks and writes verbs, keywords and keys in canonical case', () => {
    const messy = [
      'create   service Balancer   # the front',
      'set Role=reverse_proxy',
      '      SET  listen =  127.0.0.1:8080',
      'create pool Backends',
      'pool backends add 127.0.0.1:8081',
      'set balancer.pool = backends',
      'load Vhosts',
      'enable BALANCER',
      '',
    ].join('\n');
    expect(formatConfig(messy)).toEqual({
      changed: true,
      text: [
        'CREATE SERVICE balancer # the front',
        '  SET role = reverse_proxy',
        '  SET listen = 127.0.0.1:8080',
        'CREATE POOL backends',
        '  POOL backends ADD 127.0.0.1:8081',
        'SET balancer.pool = backends',
        'LOAD Vhosts',
        'ENABLE balancer',
        '',
      ].join('\n'),
    });
  });

  it('keeps the case of values, $VARs and LOAD names', () => {
    const text = 'create service $Svc\nset $Svc.docroot = /Srv/$Site\nLOAD AccessControl\n';
    const vars: Record<string, string> = { Svc: 'web', Site: 'lj' };
    const env = { ...permissiveEnv, getenv: (name: string) => vars[name] };
    const { text: out } = formatConfig(text, env);
    expect(out).toBe('CREATE SERVICE $Svc\n  SET $Svc.docroot = /Srv/$Site\nLOAD AccessControl\n');
  });

  it('leaves a formatted config alone', () => {
    const text = 'CREATE SERVICE web\n  SET role = web_server\nENABLE web\n';
    expect(formatConfig(text)).toEqual({ text, changed: false });
  });

  it.each(SAMPLES)('is idempotent and keeps the meaning of $name', ({ text }) => {
    const once = formatConfig(text);
    expect(once.refused).toBeUndefined();
    expect(formatConfig(once.text)).toEqual({ text: once.text, changed: false });
    expect(meaning(once.text)).toEqual(meaning(text));
  });
});
