/**
 * A server certificate signed by the local authority, for Perlbal's `ssl_cert_file`: the
 * fields browsers check on a certificate from a locally trusted root, and nothing else.
 */
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import type { Authority } from './authority.js';
import type { HostName } from './host-names.js';
import {
  crypto,
  DAY_MS,
  generateKeyPair,
  importSigningKey,
  jsonName,
  ownerTag,
  privateKeyPem,
  randomSerial,
} from './x509-keys.js';

/**
 * 397 days: under Apple's 825-day limit for any TLS certificate (mkcert's reason for 2y3m),
 * and also under the 398 days Safari and Chrome allow public certificates, so no browser
 * policy can call it too long. Renewal is one command (or automatic in the app).
 */
export const SERVER_VALIDITY_DAYS = 397;
/** Renew when fewer days than this remain. */
export const RENEW_BEFORE_DAYS = 30;
const BACKDATE_MS = 60 * 60 * 1000;

export interface ServerCertPem {
  certPem: string;
  keyPem: string;
}

/** Issue a certificate for `hosts` (DNS names first, as given, then IPs). */
export async function issueServerCert(
  authority: Authority,
  hosts: readonly HostName[],
  now = new Date(),
): Promise<ServerCertPem> {
  const keys = await generateKeyPair();
  const signer = await importSigningKey(authority.keyPem, 'ca-key.pem');
  const caCert = new X509Certificate(authority.certPem);
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const first = hosts.find((h) => h.kind === 'dns') ?? hosts[0];
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      // Browsers read only the SANs; the CN is for people reading the certificate.
      subject: jsonName([
        ['O', 'Perlbal Desktop development certificate'],
        ['OU', ownerTag()],
        ...(first ? ([['CN', first.name]] as Array<[string, string]>) : []),
      ]),
      issuer: caCert.subject,
      notBefore,
      notAfter: new Date(notBefore.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
      signingAlgorithm: signer.algorithm,
      publicKey: keys.publicKey,
      signingKey: signer.key,
      extensions: [
        // A leaf that says CA:TRUE is refused by Firefox (MOZILLA_PKIX_CA_CERT_USED_AS_END_ENTITY).
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth], false),
        new SubjectAlternativeNameExtension(
          hosts.map((h) => ({ type: h.kind === 'ip' ? 'ip' : 'dns', value: h.name })),
          false,
        ),
        await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}
