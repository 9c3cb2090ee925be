/**
 * `ssl_sni_dir` (our addition, named after Perlbal's unmerged SNI patch): accepted on every
 * role, checked as a folder with line and column, shown by dumpconfig and the printed config,
 * and a warning when the service forgets enable_ssl.
 */
import { describe, expect, test } from 'vitest';
import { dump, print } from '../../../../proxy-core/src/common/config/index.js';
import { check, envWithout, problems, session } from './helpers.js';

const service = (role: string, extra: string[]): string[] => [
  'CREATE SERVICE s',
  `  SET role = ${role}`,
  '  SET listen = 127.0.0.1:8443',
  ...extra,
  'ENABLE s',
];

describe('ssl_sni_dir', () => {
  test.each(['reverse_proxy', 'web_server', 'selector', 'management'])(
    'is accepted on a %s',
    (role) => {
      const extra = role === 'web_server' ? ['  SET docroot = /srv'] : [];
      const r = check(
        service(role, [...extra, '  SET enable_ssl = on', '  SET ssl_sni_dir = /etc/perlbal/sni']),
      );
      expect(problems(r.diagnostics)).toEqual([]);
      expect(r.model.services[0]!.tunables['ssl_sni_dir']).toBe('/etc/perlbal/sni');
    },
  );

  test('a missing folder is an error at its line and column', () => {
    const r = check(
      service('reverse_proxy', ['  SET enable_ssl = on', '  SET ssl_sni_dir = /nope']),
      envWithout('/nope'),
    );
    const d = r.diagnostics.find((x) => x.severity === 'error')!;
    expect(d).toMatchObject({ code: 'directory_not_found', span: { line: 5, column: 21 } });
    expect(d.perlbal).toBe("Directory '/nope' not found for 'ssl_sni_dir'");
  });

  test('without enable_ssl it warns at ENABLE', () => {
    const r = check(service('reverse_proxy', ['  SET ssl_sni_dir = /etc/perlbal/sni']));
    const d = problems(r.diagnostics);
    expect(d.map((x) => x.code)).toEqual(['sni_without_ssl']);
    expect(d[0]!.span.line).toBe(5);
    expect(d[0]!.message).toContain("Service 's' sets ssl_sni_dir but not enable_ssl = on");
  });

  test('dumpconfig shows it; plain Perlbal configs dump as before', () => {
    const s = session();
    s.run(
      'CREATE SERVICE s',
      'SET role = reverse_proxy',
      'SET enable_ssl = on',
      'SET ssl_sni_dir = /etc/perlbal/sni',
    );
    const out = s.run('dumpconfig');
    expect(out).toContain('  SET ssl_sni_dir = /etc/perlbal/sni');
    const plain = session();
    plain.run('CREATE SERVICE s', 'SET role = reverse_proxy', 'SET enable_ssl = on');
    expect(plain.run('dumpconfig').join('\n')).not.toContain('ssl_sni_dir');
  });

  test('survives dump and print', () => {
    const r = check(
      service('reverse_proxy', ['  SET enable_ssl = on', '  SET ssl_sni_dir = /etc/perlbal/sni']),
    );
    const text = print(dump(r.model));
    expect(text).toContain('SET ssl_sni_dir = /etc/perlbal/sni');
    expect(check(text.split('\n')).model).toEqual(r.model);
  });
});
