/**
 * XFFExtras (Perlbal::Plugin::XFFExtras, t/78-plugin-xffextras): X-Forwarded-Port and
 * X-Forwarded-Proto reach the backend; the port is the listener the client used (a
 * selector's when routed through one), the proto is https over TLS; a trusted upstream on a
 * blind_proxy is left alone; HEADER rules run after the plugin.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseResponses, rawOne } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { startBackend, type TestBackend } from '../../helpers/test-backend.js';

const proxy = (backend: TestBackend, extra: string, head = ''): string => `
LOAD XFFExtras
${head}
CREATE POOL p
  POOL p ADD ${backend.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET plugins = XFFExtras
${extra}
ENABLE proxy
`;

/** The header lines the backend saw on its last request. */
function seen(backend: TestBackend): Record<string, string> {
  const last = backend.requests.at(-1)!;
  return Object.fromEntries(last.headers.map(([k, v]) => [k, v]));
}

describe('XFFExtras', () => {
  it('sends X-Forwarded-Port and X-Forwarded-Proto (t/78)', async () => {
    const backend = await startBackend();
    const core = await startCore(
      proxy(backend, '  SET send_backend_port = yes\n  SET send_backend_proto = yes'),
    );
    const res = await rawOne(core.port('proxy'), 'GET /status HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(200);
    expect(seen(backend)['X-Forwarded-Port']).toBe(String(core.port('proxy')));
    expect(seen(backend)['X-Forwarded-Proto']).toBe('http');
  });

  it('sends only what is switched on', async () => {
    const backend = await startBackend();
    const core = await startCore(proxy(backend, '  SET send_backend_proto = on'));
    await rawOne(core.port('proxy'), 'GET /status HTTP/1.0\r\n\r\n');
    expect(seen(backend)['X-Forwarded-Port']).toBeUndefined();
    expect(seen(backend)['X-Forwarded-Proto']).toBe('http');
  });

  it("uses the selector's port for a routed request, and HEADER rules still apply", async () => {
    const backend = await startBackend();
    const core = await startCore(
      proxy(backend, '  SET send_backend_port = on\n  SET send_backend_proto = on', '').replace(
        '  SET listen = 127.0.0.1:0\n',
        '',
      ) +
        `LOAD vhosts
CREATE SERVICE sel
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  VHOST * = proxy
ENABLE sel
HEADER proxy remove X-Forwarded-Proto
`,
    );
    await rawOne(core.port('sel'), 'GET /status HTTP/1.0\r\nHost: a\r\n\r\n');
    expect(seen(backend)['X-Forwarded-Port']).toBe(String(core.port('sel')));
    expect(seen(backend)['X-Forwarded-Proto']).toBeUndefined();
  });

  it('leaves a trusted upstream alone on a blind_proxy, but not an untrusted one', async () => {
    const backend = await startBackend();
    const trusted = await startCore(
      proxy(
        backend,
        '  SET send_backend_port = on\n  SET blind_proxy = on\n  SET always_trusted = on',
      ),
    );
    await rawOne(trusted.port('proxy'), 'GET /status HTTP/1.0\r\n\r\n');
    expect(seen(backend)['X-Forwarded-Port']).toBeUndefined();
    const untrusted = await startCore(
      proxy(backend, '  SET send_backend_port = on\n  SET blind_proxy = on'),
    );
    await rawOne(untrusted.port('proxy'), 'GET /status HTTP/1.0\r\n\r\n');
    expect(seen(backend)['X-Forwarded-Port']).toBe(String(untrusted.port('proxy')));
  });

  it('says https for a TLS client', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-xff-'));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    const backend = await startBackend();
    const core = await startCore(
      proxy(
        backend,
        `  SET send_backend_proto = on\n  SET enable_ssl = on\n  SET ssl_key_file = ${key}\n  SET ssl_cert_file = ${cert}`,
      ),
    );
    const sock = tls.connect({
      port: core.port('proxy'),
      host: '127.0.0.1',
      rejectUnauthorized: false,
    });
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      sock.once('secureConnect', () => sock.write('GET /status HTTP/1.0\r\n\r\n'));
      sock.on('data', (c: Buffer) => chunks.push(c));
      sock.once('end', () => resolve());
      sock.once('error', reject);
    });
    sock.destroy();
    expect(parseResponses(Buffer.concat(chunks))[0]!.status).toBe(200);
    expect(seen(backend)['X-Forwarded-Proto']).toBe('https');
  });
});
