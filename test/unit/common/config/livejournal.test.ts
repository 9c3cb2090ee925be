/**
 * The config LiveJournal developers start from: clean with a permissive environment, and exact
 * directory_not_found / file_not_found errors when its paths are missing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  checkConfig,
  formatDiagnostic,
  permissiveEnv,
} from '../../../../proxy-core/src/common/config/index.js';
import { envWithout } from './helpers.js';

const LJ = readFileSync('test/fixtures/config/livejournal/input.conf', 'utf8');

describe('LiveJournal config', () => {
  test('gives no diagnostics at all with permissiveEnv, as Perlbal prints nothing', () => {
    const r = checkConfig(LJ, permissiveEnv, 'perlbal.conf');
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  test('SET balance_method = random on a service reaches its pool without a note', () => {
    const r = checkConfig(LJ, permissiveEnv, 'perlbal.conf');
    expect(r.model.pools).toEqual([
      { name: 'web_proxy_pool', nodes: ['127.0.0.1:8081'], nodefile: null, balance_method: 'random' },
    ]);
    // nodefile on a service still says where it went: unlike balance_method it changes something.
    const nodefile = checkConfig(
      `${LJ}\nUSE web_proxy\nSET nodefile = /etc/perlbal/nodes\n`,
      permissiveEnv,
      'perlbal.conf',
    );
    expect(nodefile.diagnostics.map((d) => [d.severity, d.code, d.span.line])).toEqual([
      ['info', 'pool_setting_on_service', 55],
    ]);
  });

  test('builds the expected services', () => {
    const { model } = checkConfig(LJ, permissiveEnv);
    expect(model.plugins).toEqual(['palimg', 'vhosts', 'accesscontrol']);
    expect(model.server).toEqual({ aio_mode: 'ioaio' });
    expect(model.services.map((s) => [s.name, s.role, s.enabled])).toEqual([
      ['uptrack', 'upload_tracker', true],
      ['ss', 'selector', true],
      ['web_proxy', 'reverse_proxy', true],
      ['ssl_proxy', 'reverse_proxy', true],
      ['web_stat', 'web_server', true],
      ['mgmt', 'management', true],
    ]);
    expect(model.services[1]!.pluginConfig['vhosts']).toEqual({
      hosts: [
        { pattern: '*.examplehostname.lj', target: 'web_proxy' },
        { pattern: 'stat.examplehostname.lj', target: 'web_stat' },
      ],
    });
    expect(model.services[3]!.tunables).toMatchObject({
      enable_ssl: true,
      ssl_key_file: '/etc/perlbal/certs/server-key.pem',
      max_backend_uses: 10,
    });
  });

  test('a missing docroot is directory_not_found on its line', () => {
    const r = checkConfig(LJ, envWithout('/home/lj/htdocs/stc'), 'perlbal.conf');
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'directory_not_found',
      perlbal: 'Directory not found for service web_stat',
      message: "Directory '/home/lj/htdocs/stc' does not exist (for 'docroot')",
      span: { line: 46, column: 17, endColumn: 36 },
      file: 'perlbal.conf',
    });
  });

  test('missing SSL files are file_not_found on their lines, then at ENABLE', () => {
    const missing = [
      '/etc/perlbal/certs/server-key.pem',
      '/etc/perlbal/certs/server-cert.pem',
      'certs/server-key.pem',
      'certs/server-cert.pem',
    ];
    const r = checkConfig(LJ, envWithout(...missing), 'perlbal.conf');
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.span.line, d.perlbal])).toEqual([
      [
        'file_not_found',
        41,
        "File '/etc/perlbal/certs/server-key.pem' not found for 'ssl_key_file'",
      ],
      [
        'file_not_found',
        42,
        "File '/etc/perlbal/certs/server-cert.pem' not found for 'ssl_cert_file'",
      ],
      ['file_not_found', 43, "SSL key file (certs/server-key.pem) doesn't exist"],
    ]);
    expect(errors[0]!.message).toContain('/etc/perlbal/certs/server-key.pem');
    expect(r.model.services.find((s) => s.name === 'ssl_proxy')!.enabled).toBe(false);
  });
});
