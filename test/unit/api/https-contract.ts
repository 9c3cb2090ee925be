/**
 * Contract cases for HTTPS in one click (getHttpsStatus, enableHttps), run inside
 * describeContract for every transport. Certificates go to the fixture's temp folder
 * (PERLBAL_DESKTOP_CERT_DIR); an https request with only that authority trusted must succeed.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoreClient } from '../../../proxy-core/src/common/api/index.js';
import type { ApiFixture } from '../../helpers/api-fixture.js';
import { rejectsWith } from './contract.js';

/** One GET over TLS, trusting only `ca`, for the name `servername`. */
function httpsGet(port: number, ca: string, servername: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/', servername, ca, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

const portOf = (listening: readonly string[]): number => {
  const where = listening[0]!;
  return Number(where.slice(where.lastIndexOf(':') + 1));
};

export function describeHttpsContract(get: () => { api: CoreClient; fx: ApiFixture }): void {
  describe('HTTPS in one click', () => {
    it('reports no certificates and no TLS service before, in the temp folder', async () => {
      const { api, fx } = get();
      const s = await api.getHttpsStatus();
      expect(s.certDir).toBe(fx.certDir);
      expect(s).toMatchObject({ authority: null, certificate: null, service: null, url: null });
      expect(s.configHosts).toContain('127.0.0.1');
      expect(s.missingHosts).toContain('localhost');
      expect(fs.existsSync(fx.certDir)).toBe(false);
    });

    it('adds an SSL service whose certificate the authority vouches for, then reuses it', async () => {
      const { api, fx } = get();
      const r = await api.enableHttps({ port: 0 });
      expect(r).toMatchObject({
        authority: 'created',
        certificate: 'created',
        service: 'added',
        serviceName: 'ssl_proxy',
      });
      expect(r.changes).toContainEqual(
        expect.objectContaining({ kind: 'service-added', name: 'ssl_proxy' }),
      );
      // The fixture has no selector: the new service proxies to the reverse_proxy's pool.
      expect(r.text).toContain('SET pool = backends');
      expect((await api.getConfig()).text).toBe(r.text);
      const s = r.status;
      expect(s.certificate!.names).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
      expect(s.missingHosts).toEqual([]);
      expect(s.service).toMatchObject({ name: 'ssl_proxy', enabled: true });
      expect(s.url).toMatch(/^https:\/\/localhost:\d+\/$/);
      expect(s.trustSteps.length).toBeGreaterThan(s.ownSteps);
      const caFile = path.join(fx.certDir, 'ca.pem');
      expect(s.trustSteps.flatMap((t) => t.lines).join('\n')).toContain(caFile);
      const ca = fs.readFileSync(caFile, 'utf8');
      expect(await httpsGet(portOf(s.service!.listening), ca, 'localhost')).toBe(200);

      const again = await api.enableHttps({ port: 0 });
      expect(again).toMatchObject({
        authority: 'reused',
        certificate: 'kept',
        service: 'unchanged',
        changes: [],
        text: r.text,
      });
    });

    it('points an SSL service that exists at the local certificates, keeping its lines', async () => {
      const { api, fx } = get();
      await api.enableHttps({ port: 0 });
      // Another pair of files (a copy) in the config's folder, used by a hand-written service.
      for (const f of ['cert.pem', 'key.pem'])
        fs.copyFileSync(path.join(fx.certDir, f), path.join(fx.dir, `old-${f}`));
      const own = `${fx.text}
CREATE SERVICE secure   # mine
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = docroot
  SET enable_ssl = on
  SET ssl_cert_file = old-cert.pem
  SET ssl_key_file = old-key.pem
ENABLE secure
`;
      await api.applyConfig(own);
      const r = await api.enableHttps();
      expect(r).toMatchObject({ service: 'updated', serviceName: 'secure', certificate: 'kept' });
      expect(r.text).toContain(`  SET ssl_cert_file = ${path.join(fx.certDir, 'cert.pem')}\n`);
      expect(r.text).toContain(`  SET ssl_key_file = ${path.join(fx.certDir, 'key.pem')}\n`);
      expect(r.text).toContain('CREATE SERVICE secure   # mine');
      expect(r.text.split('\n').length).toBe(own.split('\n').length);
      expect(r.changes).toContainEqual(
        expect.objectContaining({ kind: 'service-changed', name: 'secure' }),
      );
    });

    it('refuses malformed options', async () => {
      const { api } = get();
      await rejectsWith(api.enableHttps({ port: -1 }), 'PB_ERR_API_INVALID_ARGUMENT');
      await rejectsWith(
        api.enableHttps('8443' as unknown as { port: number }),
        'PB_ERR_API_INVALID_ARGUMENT',
      );
    });

    it('says each note about the names once, also with a TLS selector mirroring the plain one', async () => {
      const { api, fx } = get();
      await api.applyConfig(`${fx.text}
LOAD vhosts
CREATE SERVICE ss
  SET role = selector
  SET listen = 127.0.0.1:0
  SET plugins = vhosts
  VHOST *.lj.localhost = proxy
ENABLE ss
`);
      await api.enableHttps({ port: 0 });
      const { notes } = await api.getHttpsStatus();
      expect(notes.filter((n) => n.includes('*.lj.localhost'))).toHaveLength(1);
      expect(new Set(notes).size).toBe(notes.length);
    });
  });
}
