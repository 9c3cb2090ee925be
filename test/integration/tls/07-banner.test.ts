/**
 * The start-up banner (proxy-core/bin/banner.ts) for TLS listeners: a service with enable_ssl is
 * an https:// URL, the management port included, whose command line then needs a TLS client
 * rather than telnet; plain listeners stay http:// and telnet.
 */
import { describe, expect, it } from 'vitest';
import { describeListeners } from '../../../proxy-core/bin/banner.js';
import { startCore } from '../../helpers/start-core.js';
import { makeCa, makeLeaf, tempDir, writePair } from './tls-fixtures.js';

describe('the start-up banner', () => {
  it('shows https:// and a TLS client for TLS listeners, http:// and telnet for plain ones', async () => {
    const dir = tempDir();
    const { keyFile, certFile } = writePair(
      dir,
      'server',
      await makeLeaf(await makeCa(), ['localhost']),
    );
    const ssl = `  SET enable_ssl = on\n  SET ssl_key_file = ${keyFile}\n  SET ssl_cert_file = ${certFile}\n`;
    const pb = await startCore(
      [
        `CREATE SERVICE smgmt\n  SET role = management\n  SET listen = 127.0.0.1:0\n${ssl}ENABLE smgmt`,
        'CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:0\nENABLE mgmt',
        `CREATE SERVICE sweb\n  SET role = web_server\n  SET listen = 127.0.0.1:0\n  SET docroot = ${dir}\n${ssl}ENABLE sweb`,
        `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:0\n  SET docroot = ${dir}\nENABLE web`,
        '',
      ].join('\n'),
    );
    const lines = describeListeners(pb.core);
    const line = (svc: string): string => lines.find((l) => l.trimStart().startsWith(`${svc} `))!;
    const at = (svc: string): string => `127.0.0.1:${pb.port(svc)}`;
    expect(line('smgmt')).toContain(
      `${at('smgmt')}  (openssl s_client -quiet -connect ${at('smgmt')}, or https://${at('smgmt')}/ in a browser)`,
    );
    expect(line('mgmt')).toContain(
      `${at('mgmt')}  (telnet, or http://${at('mgmt')}/ in a browser)`,
    );
    expect(line('sweb')).toMatch(new RegExp(`web_server +https://${at('sweb')}/$`));
    expect(line('web')).toMatch(new RegExp(`web_server +http://${at('web')}/$`));
  });
});
