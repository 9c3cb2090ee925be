/**
 * The config text "HTTPS in one click" writes (node/api/https-config.ts): a TLS selector that
 * copies the VHOST rules of the bundled LiveJournal config, and a line-for-line update of an
 * SSL service that exists. Checked with the core's own parser, no sockets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../../../proxy-core/src/common/config/index.js';
import { planHttpsConfig } from '../../../../proxy-core/src/node/api/https-config.js';
import { vhostRules } from '../../../../proxy-core/src/node/plugins/plugin-config.js';
import { permissiveEnv } from '../../../../proxy-core/src/common/config/env.js';

const bundled = path.resolve(__dirname, '../../../../resources/perlbal.conf');
const files = { certFile: '/certs/cert.pem', keyFile: '/certs/key.pem' };

function plan(text: string) {
  const { commands, model } = checkConfig(text, permissiveEnv);
  return planHttpsConfig({ text, commands, model, ...files, listen: '127.0.0.1:8443' });
}

describe('HTTPS config plan', () => {
  it('adds a TLS selector with the bundled config’s VHOST rules, leaving the rest as written', () => {
    const text = fs.readFileSync(bundled, 'utf8');
    const p = plan(text);
    expect(p).toMatchObject({ action: 'added', serviceName: 'ssl_proxy' });
    expect(p.text.startsWith(text.replace(/\n+$/, ''))).toBe(true);
    const after = checkConfig(p.text, permissiveEnv);
    expect(after.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ssl = after.model.services.find((s) => s.name === 'ssl_proxy')!;
    const ss = after.model.services.find((s) => s.name === 'ss')!;
    expect(ssl).toMatchObject({ role: 'selector', enabled: true });
    expect(ssl.tunables).toMatchObject({
      listen: '127.0.0.1:8443',
      enable_ssl: true,
      ssl_cert_file: '/certs/cert.pem',
      ssl_key_file: '/certs/key.pem',
    });
    expect(vhostRules(ssl)).toEqual(vhostRules(ss));
    expect(p.explanation).toContain('same VHOST rules as ss');
  });

  it('changes only the file lines of an SSL service that exists, and then nothing', () => {
    const text = [
      'CREATE SERVICE web',
      '  SET role = web_server',
      '  SET listen = 127.0.0.1:0',
      '  SET docroot = /tmp',
      '  SET enable_ssl = on',
      '  SET ssl_cert_file = a.pem # old',
      'ENABLE web',
      '',
    ].join('\r\n');
    const p = plan(text);
    expect(p.action).toBe('updated');
    const lines = p.text.split('\r\n');
    expect(lines[5]).toBe('  SET ssl_cert_file = /certs/cert.pem # old');
    // No ssl_key_file line: one is added after the config, naming the service.
    expect(lines).toContain('SET web.ssl_key_file = /certs/key.pem');
    expect(plan(p.text)).toMatchObject({ action: 'unchanged', text: p.text });
  });

  it('says there is nothing to put HTTPS in front of', () => {
    expect(() =>
      plan('CREATE SERVICE m\n  SET role = management\n  SET listen = 127.0.0.1:0\nENABLE m\n'),
    ).toThrow(/no selector, reverse_proxy or web_server/);
  });
});
