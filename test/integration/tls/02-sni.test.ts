/**
 * Several certificates on one listener, chosen by SNI (ssl_sni_dir): each name gets the
 * certificate that is for it (checked on the peer certificate's subjectAltName), wildcards
 * match one label, and clients with no name or an unknown one get ssl_cert_file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PerlbalError } from '../../../proxy-core/src/common/errors.js';
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

interface Site {
  dir: string;
  ca: Pem;
  conf: string;
  sni: string;
}

/** A default certificate for localhost and an SNI folder in the three layouts we read. */
async function site(): Promise<Site> {
  const dir = tempDir();
  const ca = await makeCa();
  const { keyFile, certFile } = writePair(dir, 'server', await makeLeaf(ca, ['localhost']));
  const sni = path.join(dir, 'sni');
  fs.mkdirSync(sni);
  const lj = await makeLeaf(ca, ['lj.localhost', '*.lj.localhost']);
  fs.writeFileSync(path.join(sni, 'lj.pem'), `${lj.key}\n${lj.cert}\n`); // key and cert in one file (Perlbal#25)
  const dw = await makeLeaf(ca, ['dw.localhost']);
  fs.writeFileSync(path.join(sni, 'dw.crt'), dw.cert);
  fs.writeFileSync(path.join(sni, 'dw.key'), dw.key);
  const other = await makeLeaf(ca, ['other.localhost']);
  fs.writeFileSync(path.join(sni, 'other.localhost.pem'), other.cert); // mkcert's names
  fs.writeFileSync(path.join(sni, 'other.localhost-key.pem'), other.key);
  const docroot = path.join(dir, 'docroot');
  fs.mkdirSync(docroot);
  fs.writeFileSync(path.join(docroot, 'hello.txt'), 'hi\n');
  const conf =
    `CREATE SERVICE web\n  SET role = web_server\n  SET listen = 127.0.0.1:0\n  SET docroot = ${docroot}\n  SET persist_client = on\n` +
    `  SET enable_ssl = on\n  SET ssl_key_file = ${keyFile}\n  SET ssl_cert_file = ${certFile}\n  SET ssl_sni_dir = ${sni}\nENABLE web\n`;
  return { dir, ca, conf, sni };
}

describe('ssl_sni_dir', () => {
  it('serves the certificate for the name asked', async () => {
    const s = await site();
    const pb = await startCore(s.conf);
    const port = pb.port('web');
    const cases: Array<[string | undefined, string[], boolean]> = [
      ['lj.localhost', ['lj.localhost', '*.lj.localhost'], true],
      ['www.lj.localhost', ['lj.localhost', '*.lj.localhost'], true],
      ['a.b.lj.localhost', ['localhost'], false], // a wildcard covers one label only
      ['DW.LOCALHOST', ['dw.localhost'], true],
      ['other.localhost', ['other.localhost'], true],
      ['unknown.localhost', ['localhost'], false],
      ['localhost', ['localhost'], true],
      [undefined, ['localhost'], true], // no SNI: the default, checked against its IP SAN
    ];
    for (const [name, names, authorized] of cases) {
      const c = await tlsConnect(port, s.ca.cert, name);
      expect(c.peerNames, String(name)).toEqual(names);
      expect(c.authorized, String(name)).toBe(authorized);
      c.conn.write(`GET /hello.txt HTTP/1.1\r\nHost: ${name ?? 'localhost'}\r\n\r\n`);
      expect((await c.conn.read()).status).toBe(200);
      c.socket.destroy();
    }
  });

  it('picks up a certificate added to the folder while running', async () => {
    const s = await site();
    const pb = await startCore(s.conf);
    const port = pb.port('web');
    expect((await tlsConnect(port, s.ca.cert, 'new.localhost')).peerNames).toEqual(['localhost']);
    const fresh = await makeLeaf(s.ca, ['new.localhost']);
    replaceFile(path.join(s.sni, 'new.pem'), `${fresh.cert}\n${fresh.key}\n`);
    await until(
      async () =>
        (await tlsConnect(port, s.ca.cert, 'new.localhost')).peerNames[0] === 'new.localhost',
      5000,
      'the new certificate',
    );
  });

  it('a certificate without its key, or a key without a certificate, is an error naming the file', async () => {
    const s = await site();
    fs.unlinkSync(path.join(s.sni, 'dw.key'));
    await expect(startCore(s.conf)).rejects.toThrow(
      `${path.join(s.sni, 'dw.crt')}: holds a certificate but no private key`,
    );
    fs.writeFileSync(path.join(s.sni, 'dw.key'), (await makeLeaf(s.ca, ['x'])).key);
    fs.unlinkSync(path.join(s.sni, 'dw.crt'));
    const err = await startCore(s.conf).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PerlbalError);
    expect((err as PerlbalError).code).toBe('PB_ERR_TLS_CONFIG');
    expect((err as PerlbalError).message).toBe(
      `Service 'web': ${path.join(s.sni, 'dw.key')}: holds a private key that no certificate file in ssl_sni_dir pairs with`,
    );
  });
});
