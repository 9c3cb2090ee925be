/**
 * Every way a key or certificate file can be wrong gives an error that names the file and
 * says what is wrong, at start-up (and the same text on reload: 03-reload): missing,
 * unreadable, a directory, not PEM, swapped, encrypted, expired, not yet valid, a key that is
 * not the certificate's, a cipher list OpenSSL rejects.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PerlbalError } from '../../../proxy-core/src/common/errors.js';
import { ConfigError, ProxyCore } from '../../../proxy-core/src/node/core.js';
import { makeCa, makeLeaf, tempDir, writePair } from './tls-fixtures.js';

async function pair(): Promise<{ dir: string; keyFile: string; certFile: string }> {
  const dir = tempDir();
  return { dir, ...writePair(dir, 'server', await makeLeaf(await makeCa(), ['localhost'])) };
}

const conf = (key: string, cert: string, extra = ''): string =>
  `CREATE SERVICE rp\n  SET role = reverse_proxy\n  SET listen = 127.0.0.1:0\n  SET enable_ssl = on\n` +
  `  SET ssl_key_file = ${key}\n  SET ssl_cert_file = ${cert}\n${extra}ENABLE rp\n`;

/** Start, expecting a TLS error; returns it. */
async function refused(text: string): Promise<PerlbalError> {
  const err = await ProxyCore.start(text).then(
    (core) => {
      core.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PerlbalError);
  expect((err as PerlbalError).code).toBe('PB_ERR_TLS_CONFIG');
  return err as PerlbalError;
}

describe('bad key and certificate files', () => {
  it("missing: Perlbal's ENABLE check, with line and column", async () => {
    const p = await pair();
    const missing = path.join(p.dir, 'nope.pem');
    const err = await ProxyCore.start(conf(missing, p.certFile)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const d = (err as ConfigError).diagnostics.find((x) => x.severity === 'error')!;
    expect(d.perlbal).toBe(`File '${missing}' not found for 'ssl_key_file'`);
    expect(d.span).toMatchObject({ line: 5, column: 22 });
  });

  it('missing at reload time (deleted after ENABLE): the runtime says so', async () => {
    const p = await pair();
    const core = await ProxyCore.start(conf(p.keyFile, p.certFile));
    try {
      fs.unlinkSync(p.certFile);
      const model = structuredClone(core.model) as typeof core.model;
      model.services[0]!.tunables['ssl_cipher_list'] = 'HIGH'; // a change, so the files are read again
      await expect(core.applyModel(model)).rejects.toThrow(
        `Service 'rp': ${p.certFile}: the certificate file doesn't exist`,
      );
    } finally {
      core.close();
    }
  });

  it("a directory where a file should be: refused on its line, as Perlbal's -f check does", async () => {
    const p = await pair();
    const err = await ProxyCore.start(conf(p.keyFile, p.dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const d = (err as ConfigError).diagnostics.find((x) => x.severity === 'error')!;
    expect(d).toMatchObject({
      code: 'not_a_file',
      message: `'${p.dir}' is a directory, not a file (for 'ssl_cert_file')`,
      perlbal: `File '${p.dir}' not found for 'ssl_cert_file'`,
      span: { line: 6, column: 23 },
    });
  });

  it('a directory at reload time (the file replaced by one after ENABLE): the runtime says so', async () => {
    const p = await pair();
    const core = await ProxyCore.start(conf(p.keyFile, p.certFile));
    try {
      fs.unlinkSync(p.certFile);
      fs.mkdirSync(p.certFile);
      const model = structuredClone(core.model) as typeof core.model;
      model.services[0]!.tunables['ssl_cipher_list'] = 'HIGH'; // a change, so the files are read again
      const err = await core.applyModel(model).catch((e: unknown) => e);
      expect((err as PerlbalError).code).toBe('PB_ERR_TLS_CONFIG');
      expect((err as PerlbalError).message).toBe(
        `Service 'rp': ${p.certFile}: the certificate file is a directory, not a file`,
      );
      expect((err as PerlbalError).details).toMatchObject({ file: p.certFile, problem: 'not_a_file', service: 'rp' });
    } finally {
      core.close();
    }
  });

  it('unreadable (chmod 000): permission denied, unless we run as root, who reads it anyway', async () => {
    const p = await pair();
    fs.chmodSync(p.keyFile, 0o000);
    let readable = true;
    try {
      fs.readFileSync(p.keyFile);
    } catch {
      readable = false;
    }
    if (readable) {
      const core = await ProxyCore.start(conf(p.keyFile, p.certFile));
      core.close();
    } else {
      expect((await refused(conf(p.keyFile, p.certFile))).message).toBe(
        `Service 'rp': ${p.keyFile}: the key file can't be read: permission denied`,
      );
    }
  });

  it('not PEM', async () => {
    const p = await pair();
    const junk = path.join(p.dir, 'junk.pem');
    fs.writeFileSync(junk, 'hello\n');
    expect((await refused(conf(junk, p.certFile))).message).toBe(
      `Service 'rp': ${junk}: isn't a PEM private key (no '-----BEGIN PRIVATE KEY-----' block)`,
    );
    expect((await refused(conf(p.keyFile, junk))).message).toBe(
      `Service 'rp': ${junk}: isn't a PEM certificate (no '-----BEGIN CERTIFICATE-----' block)`,
    );
    const broken = path.join(p.dir, 'broken.pem');
    fs.writeFileSync(
      broken,
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n',
    );
    expect((await refused(conf(p.keyFile, broken))).message).toMatch(
      new RegExp(`^Service 'rp': ${broken}: the certificate can't be parsed \\(`),
    );
  });

  it('key and certificate swapped', async () => {
    const p = await pair();
    expect((await refused(conf(p.certFile, p.keyFile))).message).toBe(
      `Service 'rp': ${p.certFile}: holds a certificate, not a private key (are ssl_key_file and ssl_cert_file swapped?)`,
    );
  });

  it('an encrypted key', async () => {
    const p = await pair();
    const enc = crypto
      .createPrivateKey(fs.readFileSync(p.keyFile))
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' });
    fs.writeFileSync(p.keyFile, enc);
    expect((await refused(conf(p.keyFile, p.certFile))).details).toMatchObject({
      problem: 'encrypted',
      file: p.keyFile,
    });
  });

  it('expired, and not valid yet', async () => {
    const dir = tempDir();
    const ca = await makeCa();
    const day = 86400_000;
    const old = writePair(
      dir,
      'old',
      await makeLeaf(ca, ['localhost'], {
        notBeforeDate: new Date(Date.now() - 30 * day),
        notAfterDate: new Date(Date.now() - day),
      }),
    );
    const err = await refused(conf(old.keyFile, old.certFile));
    expect(err.message).toMatch(
      new RegExp(
        `^Service 'rp': ${old.certFile}: the certificate for localhost expired on \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    expect(err.details).toMatchObject({ problem: 'expired' });
    const early = writePair(
      dir,
      'early',
      await makeLeaf(ca, ['localhost'], {
        notBeforeDate: new Date(Date.now() + day),
        notAfterDate: new Date(Date.now() + 30 * day),
      }),
    );
    expect((await refused(conf(early.keyFile, early.certFile))).details).toMatchObject({
      problem: 'not_yet_valid',
      file: early.certFile,
    });
  });

  it("a key that is not the certificate's", async () => {
    const a = await pair();
    const b = await pair();
    const err = await refused(conf(b.keyFile, a.certFile));
    expect(err.message).toBe(
      `Service 'rp': ${b.keyFile}: the private key doesn't match the certificate in ${a.certFile} (for localhost); they must come from the same openssl run`,
    );
    expect(err.details).toMatchObject({ problem: 'mismatch', certFile: a.certFile });
  });

  it('a cipher list OpenSSL rejects', async () => {
    const p = await pair();
    expect(
      (await refused(conf(p.keyFile, p.certFile, '  SET ssl_cipher_list = NO-SUCH-CIPHER\n')))
        .message,
    ).toMatch(/^Service 'rp': ssl_cipher_list 'NO-SUCH-CIPHER' can't be used: /);
  });
});
