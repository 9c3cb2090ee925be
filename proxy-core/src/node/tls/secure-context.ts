/**
 * TLS material for a service with `enable_ssl` (Perlbal SocketSSL): key, certificate,
 * cipher list, CA path and verify mode, turned into a Node secure context. Every failure
 * names the file and the problem, because a bad certificate is the most common way an
 * HTTPS setup goes wrong.
 */
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import type { ServiceModel } from '../../common/config/model.js';
import { PerlbalError } from '../../common/errors.js';

function readPem(svc: ServiceModel, baseDir: string, key: 'ssl_key_file' | 'ssl_cert_file', what: string): Buffer {
  const file = path.resolve(baseDir, String(svc.tunables[key] ?? ''));
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const problem = err.code === 'ENOENT' ? "doesn't exist" : `can't be read (${err.code ?? err.message})`;
    throw new PerlbalError('PB_ERR_TLS_CONFIG', `SSL ${what} file (${file}) ${problem}`, {
      service: svc.name,
      file,
      syscallCode: err.code,
    });
  }
}

/** Perlbal's ssl_ca_path is a directory of PEM files; Node wants their contents. */
function readCaPath(dir: string): Buffer[] {
  return fs
    .readdirSync(dir)
    .filter((n) => /\.(pem|crt)$/i.test(n))
    .map((n) => fs.readFileSync(path.join(dir, n)));
}

export function loadSecureContext(svc: ServiceModel, baseDir: string): tls.SecureContext {
  const key = readPem(svc, baseDir, 'ssl_key_file', 'key');
  const cert = readPem(svc, baseDir, 'ssl_cert_file', 'cert');
  const caPath = svc.tunables['ssl_ca_path'];
  try {
    return tls.createSecureContext({
      key,
      cert,
      ciphers: String(svc.tunables['ssl_cipher_list'] ?? 'ALL:!LOW:!EXP'),
      ...(typeof caPath === 'string' && caPath ? { ca: readCaPath(path.resolve(baseDir, caPath)) } : {}),
    });
  } catch (e) {
    throw new PerlbalError(
      'PB_ERR_TLS_CONFIG',
      `SSL key ${String(svc.tunables['ssl_key_file'])} and certificate ${String(svc.tunables['ssl_cert_file'])} of service '${svc.name}' can't be used: ${(e as Error).message}`,
      { service: svc.name },
    );
  }
}
