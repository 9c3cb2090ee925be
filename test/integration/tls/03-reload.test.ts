/**
 * Certificate reloads: a renewed certificate written over the old files is served to new
 * connections while a keep-alive connection opened before it stays open and keeps working;
 * a bad replacement (from the file watcher or a management SET) is refused with the file and
 * the problem named, and the running certificate stays.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ProxyCore } from '../../../proxy-core/src/node/core.js';
import { ManageClient } from '../../helpers/manage-client.js';
import { startCore } from '../../helpers/start-core.js';
import {
  makeCa,
  makeLeaf,
  replaceFile,
  tempDir,
  tlsConnect,
  until,
  writePair,
  type Pem,
} from './tls-fixtures.js';

const fingerprint = (pem: string): string => new crypto.X509Certificate(pem).fingerprint256;

interface Started {
  ca: Pem;
  keyFile: string;
  certFile: string;
  dir: string;
  core: ProxyCore;
  port: number;
  first: Pem;
  conf(keyFile: string, certFile: string): string;
}

async function start(): Promise<Started> {
  const dir = tempDir();
  const ca = await makeCa();
  const first = await makeLeaf(ca, ['localhost']);
  const { keyFile, certFile } = writePair(dir, 'server', first);
  const docroot = path.join(dir, 'docroot');
  fs.mkdirSync(docroot);
  fs.writeFileSync(path.join(docroot, 'a.txt'), 'A\n');
  const conf = (key: string, cert: string): string =>
    `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:0\n  SET docroot = ${docroot}\n  SET persist_client = on\n  SET persist_client_idle_timeout = 60\n` +
    `  SET enable_ssl = on\n  SET ssl_key_file = ${key}\n  SET ssl_cert_file = ${cert}\nENABLE web\n` +
    `CREATE SERVICE mgmt\n  SET role = management\n  SET listen = 127.0.0.1:0\nENABLE mgmt\n`;
  const pb = await startCore(conf(keyFile, certFile));
  return { ca, keyFile, certFile, dir, core: pb.core, port: pb.port('web'), first, conf };
}

async function servedFingerprint(
  port: number,
  ca: string,
  servername: string | undefined = 'localhost',
): Promise<string> {
  const c = await tlsConnect(port, ca, servername);
  const fp = c.peer!.fingerprint256;
  c.socket.destroy();
  return fp;
}

describe('certificate reload', () => {
  it('serves a renewed certificate to new connections; an open keep-alive connection keeps working', async () => {
    const s = await start();
    const events: Array<{ ok: boolean; service: string }> = [];
    s.core.on('certificate-reload', (e) => events.push(e));
    const logs: string[] = [];
    s.core.on('log', (level, msg) => logs.push(`${level}: ${msg}`));

    const old = await tlsConnect(s.port, s.ca.cert, 'localhost');
    old.conn.write('GET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect((await old.conn.read()).status).toBe(200);

    const renewed = await makeLeaf(s.ca, ['localhost']);
    replaceFile(s.keyFile, renewed.key);
    replaceFile(s.certFile, renewed.cert);
    await until(
      async () => (await servedFingerprint(s.port, s.ca.cert)) === fingerprint(renewed.cert),
      5000,
      'the renewed certificate',
    );
    expect(await servedFingerprint(s.port, s.ca.cert, undefined)).toBe(fingerprint(renewed.cert)); // no SNI
    expect(events.at(-1)).toMatchObject({ service: 'web', ok: true });
    expect(logs.some((l) => l.startsWith("info: Service 'web': certificates reloaded"))).toBe(true);

    // The connection made before the reload: same socket, still the old certificate, still serving.
    old.conn.write('GET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const res = await old.conn.read();
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('A\n');
    expect(old.conn.closed).toBe(false);
    expect(old.peer!.fingerprint256).toBe(fingerprint(s.first.cert));
  });

  it('a bad replacement is refused, named in the log and the event, and the old certificate stays', async () => {
    const s = await start();
    const events: Array<{
      ok: boolean;
      error?: { message: string; details?: Record<string, unknown> };
    }> = [];
    s.core.on('certificate-reload', (e) => events.push(e));
    const errors: string[] = [];
    s.core.on('log', (level, msg) => level === 'error' && errors.push(msg));

    const expired = await makeLeaf(s.ca, ['localhost'], {
      notBeforeDate: new Date(Date.now() - 10 * 86400_000),
      notAfterDate: new Date(Date.now() - 86400_000),
    });
    replaceFile(s.keyFile, expired.key);
    replaceFile(s.certFile, expired.cert);
    await until(() => events.length > 0, 5000, 'a reload attempt');
    expect(events.at(-1)!.ok).toBe(false);
    expect(events.at(-1)!.error!.message).toContain(
      `${s.certFile}: the certificate for localhost expired on`,
    );
    expect(events.at(-1)!.error!.details).toMatchObject({ problem: 'expired', file: s.certFile });
    expect(errors.at(-1)).toContain('(the previous certificate stays in use)');
    expect(await servedFingerprint(s.port, s.ca.cert)).toBe(fingerprint(s.first.cert));
  });

  it('a management SET or a config apply naming a bad certificate is refused with the reason; a good one is served at once', async () => {
    const s = await start();
    const m = await ManageClient.connect(s.core.portOf('mgmt')!);
    onTestFinished(() => m.close());
    const other = await makeLeaf(await makeCa(), ['localhost']); // not for our key
    const wrong = path.join(s.dir, 'wrong-cert.pem');
    fs.writeFileSync(wrong, other.cert);
    expect(await m.line(`SET web.ssl_cert_file = ${wrong}`)).toBe(
      `ERROR: Service 'web': ${s.keyFile}: the private key doesn't match the certificate in ${wrong} (for localhost); they must come from the same openssl run`,
    );
    expect(s.core.model.services.find((x) => x.name === 'web')!.tunables['ssl_cert_file']).toBe(
      s.certFile,
    );
    expect(await servedFingerprint(s.port, s.ca.cert)).toBe(fingerprint(s.first.cert));

    const next = await makeLeaf(s.ca, ['localhost']);
    const pair = writePair(s.dir, 'next', next);
    await s.core.loadConfig(s.conf(pair.keyFile, pair.certFile));
    expect(await servedFingerprint(s.port, s.ca.cert)).toBe(fingerprint(next.cert));

    const notPem = path.join(s.dir, 'not-pem.pem');
    fs.writeFileSync(notPem, 'this is not a certificate\n');
    await expect(s.core.loadConfig(s.conf(pair.keyFile, notPem))).rejects.toThrow(
      `Service 'web': ${notPem}: isn't a PEM certificate (no '-----BEGIN CERTIFICATE-----' block)`,
    );
    expect(await servedFingerprint(s.port, s.ca.cert)).toBe(fingerprint(next.cert));
  });
});
