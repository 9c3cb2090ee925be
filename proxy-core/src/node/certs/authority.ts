/**
 * The local certificate authority: made once per machine (per certificate folder), trusted
 * once by the user, then used to sign every server certificate. ECDSA P-256, ten years,
 * path length 0 so it can sign server certificates only, never another CA (as mkcert).
 */
import nodeCrypto from 'node:crypto';
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { PerlbalError } from '../../common/errors.js';
import {
  crypto,
  DAY_MS,
  EC_P256,
  generateKeyPair,
  jsonName,
  ownerTag,
  privateKeyPem,
  randomSerial,
} from './x509-keys.js';

/** Ten years, as mkcert and HTTP Toolkit; the user trusts it once. */
export const AUTHORITY_VALIDITY_DAYS = 3650;
/** Starts a day early, so a laptop whose clock is a little behind still accepts it. */
const BACKDATE_MS = DAY_MS;

export interface AuthorityPem {
  certPem: string;
  keyPem: string;
}

/** A usable authority: its certificate parsed and its key matching it. */
export interface Authority extends AuthorityPem {
  cert: nodeCrypto.X509Certificate;
}

export async function createAuthority(now = new Date()): Promise<AuthorityPem> {
  const keys = await generateKeyPair();
  const owner = ownerTag();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      // The CN carries user@host: iOS and keychains list a root by it (mkcert#47).
      name: jsonName([
        ['O', 'Perlbal Desktop local CA'],
        ['OU', owner],
        ['CN', `Perlbal Desktop CA ${owner}`],
      ]),
      notBefore,
      notAfter: new Date(notBefore.getTime() + AUTHORITY_VALIDITY_DAYS * DAY_MS),
      signingAlgorithm: EC_P256,
      keys,
      extensions: [
        new BasicConstraintsExtension(true, 0, true),
        new KeyUsagesExtension(
          KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature,
          true,
        ),
        await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

function unusable(file: string, why: string): PerlbalError {
  return new PerlbalError(
    'PB_ERR_CERT_UNUSABLE',
    `The certificate authority ${file} can't be used: ${why}`,
    {
      file,
    },
  );
}

/**
 * Check that `certPem`/`keyPem` are an authority we can sign with: a CA certificate, not
 * expired, and the key belonging to it. Throws PB_ERR_CERT_UNUSABLE saying which it is not.
 */
export function loadAuthority(pem: AuthorityPem, file: string, now = new Date()): Authority {
  let cert: nodeCrypto.X509Certificate;
  try {
    cert = new nodeCrypto.X509Certificate(pem.certPem);
  } catch (e) {
    throw unusable(file, `it is not a PEM certificate (${(e as Error).message})`);
  }
  if (!cert.ca) throw unusable(file, 'it is not a CA certificate');
  if (Date.parse(cert.validTo) <= now.getTime())
    throw unusable(file, `it expired on ${cert.validTo}`);
  let matches = false;
  try {
    matches = cert.checkPrivateKey(nodeCrypto.createPrivateKey(pem.keyPem));
  } catch (e) {
    throw unusable(file, `its key is not a private key (${(e as Error).message})`);
  }
  if (!matches) throw unusable(file, 'its key file holds a different key');
  return { ...pem, cert };
}
