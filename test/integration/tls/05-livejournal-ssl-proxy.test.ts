/**
 * LiveJournal's `ssl_proxy` service (spec livejournal-perlbal-setup.txt), as commented out in
 * resources/perlbal.conf: uncommented, with a certificate where the config expects it
 * (certs/cert.pem and certs/key.pem next to the config, as `perlbal-desktop cert create --out
 * certs` writes them), it proxies HTTPS to the same pool as web_proxy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';
import { makeCa, makeLeaf, tempDir, tlsConnect, writePair } from './tls-fixtures.js';

describe("LiveJournal's ssl_proxy", () => {
  it('runs from the bundled config with the HTTPS block uncommented', async () => {
    const backend = await startBackend();
    backend.handle((req) => ({
      status: 200,
      body: `journal page ${req.uri}\n`,
      headers: [['Content-Type', 'text/html']],
    }));
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'certs'));
    fs.mkdirSync(path.join(dir, 'docroot'));
    const ca = await makeCa();
    const pair = writePair(
      path.join(dir, 'certs'),
      'server',
      await makeLeaf(ca, ['lj.localhost', '*.lj.localhost']),
    );
    fs.renameSync(pair.certFile, path.join(dir, 'certs', 'cert.pem'));
    fs.renameSync(pair.keyFile, path.join(dir, 'certs', 'key.pem'));
    const text = fs
      .readFileSync('resources/perlbal.conf', 'utf8')
      .replace(/^# (CREATE SERVICE ssl_proxy[\s\S]*?)^# (ENABLE ssl_proxy)$/m, (block) =>
        block.replace(/^# /gm, ''),
      )
      .replace(/SET listen = 127\.0\.0\.1:\d+/g, 'SET listen = 127.0.0.1:0')
      .replace(
        'POOL web_proxy_pool ADD 127.0.0.1:8081',
        `POOL web_proxy_pool ADD ${backend.hostport}`,
      );
    expect(text).toMatch(/^CREATE SERVICE ssl_proxy$/m);
    const pb = await startCore(text, { cwd: dir });
    expect(pb.core.listening().find((l) => l.service === 'ssl_proxy')).toMatchObject({
      tls: true,
      role: 'reverse_proxy',
    });

    const c = await tlsConnect(pb.port('ssl_proxy'), ca.cert, 'www.lj.localhost');
    expect(c.authorized).toBe(true);
    c.conn.write('GET /~test/ HTTP/1.0\r\nHost: www.lj.localhost\r\n\r\n');
    const res = await c.conn.read();
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('journal page /~test/\n');
    // verify_backend = on: the pool node was asked OPTIONS first, as Perlbal does.
    expect(backend.optionsSeen).toBeGreaterThan(0);
  });
});
