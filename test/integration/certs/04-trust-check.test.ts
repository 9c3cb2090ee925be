/**
 * The trust check reads stores and never writes them: an authority is trusted when a system
 * bundle holds it (compared as DER, whatever the PEM wrapping), and the CA variables tools
 * read are reported with whether their file holds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureCertificates } from '../../../proxy-core/src/node/certs/ensure-certs.js';
import {
  bundleHolds,
  checkTrust,
  LINUX_BUNDLES,
} from '../../../proxy-core/src/node/certs/trust-check.js';
import { tempDir } from './cert-helpers.js';
import nodeCrypto from 'node:crypto';

async function authority() {
  const { base, certs } = tempDir();
  await ensureCertificates({ dir: certs, hosts: [] });
  const caFile = path.join(certs, 'ca.pem');
  return { base, caFile, caPem: fs.readFileSync(caFile, 'utf8') };
}

describe('checkTrust on Linux', () => {
  it('is trusted when a system bundle holds the authority, rewrapped or not', async () => {
    const { base, caFile, caPem } = await authority();
    const der = new nodeCrypto.X509Certificate(caPem).raw;
    const rewrapped = `-----BEGIN CERTIFICATE-----\n${der
      .toString('base64')
      .match(/.{1,76}/g)!
      .join('\n')}\n-----END CERTIFICATE-----\n`;
    const bundle = path.join(base, 'bundle.crt');
    fs.writeFileSync(
      bundle,
      fs.readFileSync(LINUX_BUNDLES.find((f) => fs.existsSync(f)) ?? caFile, 'utf8') + rewrapped,
    );
    const before = fs.readFileSync(bundle, 'utf8');
    const r = await checkTrust(caFile, caPem, {
      platform: 'linux',
      bundles: [bundle],
      env: {},
      wsl: false,
    });
    expect(r.trusted).toBe(true);
    expect(r.stores).toEqual([{ store: bundle, trusted: true, detail: `in ${bundle}` }]);
    expect(fs.readFileSync(bundle, 'utf8')).toBe(before);
  });

  it('is not trusted when the bundles lack it, and unknown when there are none', async () => {
    const { base, caFile, caPem } = await authority();
    const other = await authority();
    const bundle = path.join(base, 'bundle.crt');
    fs.writeFileSync(bundle, other.caPem);
    const no = await checkTrust(caFile, caPem, {
      platform: 'linux',
      bundles: [bundle],
      env: {},
      wsl: false,
    });
    expect(no.trusted).toBe(false);
    const none = await checkTrust(caFile, caPem, {
      platform: 'linux',
      bundles: [path.join(base, 'absent')],
      env: {},
      wsl: false,
    });
    expect(none.trusted).toBeNull();
    expect(none.stores[0]!.detail).toBe('no system bundle found');
  });

  it("says a new authority isn't in this machine's real store", async () => {
    const { caFile, caPem } = await authority();
    const r = await checkTrust(caFile, caPem, { platform: 'linux', env: {}, wsl: false });
    expect(r.trusted === false || r.trusted === null).toBe(true);
  });

  it('reports the CA variables that are set, and whether their file holds the authority', async () => {
    const { base, caFile, caPem } = await authority();
    const elsewhere = path.join(base, 'elsewhere.pem');
    fs.writeFileSync(elsewhere, (await authority()).caPem);
    const r = await checkTrust(caFile, caPem, {
      platform: 'linux',
      bundles: [],
      wsl: false,
      env: {
        NODE_EXTRA_CA_CERTS: caFile,
        SSL_CERT_FILE: elsewhere,
        CURL_CA_BUNDLE: path.join(base, 'missing.pem'),
      },
    });
    expect(r.tools).toEqual([
      { variable: 'NODE_EXTRA_CA_CERTS', file: caFile, trusted: true },
      { variable: 'CURL_CA_BUNDLE', file: path.join(base, 'missing.pem'), trusted: false },
      { variable: 'SSL_CERT_FILE', file: elsewhere, trusted: false },
    ]);
  });

  it('bundleHolds compares certificates, not text', async () => {
    const { caPem } = await authority();
    const der = new nodeCrypto.X509Certificate(caPem).raw;
    expect(bundleHolds(caPem.replace(/\n/g, '\r\n'), der)).toBe(true);
    expect(bundleHolds('', der)).toBe(false);
  });
});
