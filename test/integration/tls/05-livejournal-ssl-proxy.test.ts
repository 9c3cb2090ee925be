/**
 * LiveJournal's `ssl_proxy` service (spec livejournal-perlbal-setup.txt), as commented out in
 * resources/perlbal.conf, set up by following that comment to the letter: the config copied to
 * a folder, the `perlbal-desktop cert create ...` command it gives run there (the built CLI, as
 * npx runs it), the block uncommented. It then proxies HTTPS to the same pool as web_proxy with a
 * certificate that a client trusting only the new ca.pem accepts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';
import { startBackend } from '../../helpers/test-backend.js';
import { runCli } from '../certs/cert-helpers.js';
import { tempDir, tlsConnect } from './tls-fixtures.js';

const BUNDLED = fs.readFileSync('resources/perlbal.conf', 'utf8');

describe("LiveJournal's ssl_proxy", () => {
  it('runs from the bundled config after the steps its comment gives', async () => {
    const backend = await startBackend();
    backend.handle((req) => ({
      status: 200,
      body: `journal page ${req.uri}\n`,
      headers: [['Content-Type', 'text/html']],
    }));
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'docroot'));
    fs.writeFileSync(path.join(dir, 'perlbal.conf'), BUNDLED);

    // Step 1: the command in the comment, run from the config's folder.
    const command = /^#\s+npx perlbal-desktop (cert create .*)$/m.exec(BUNDLED)?.[1];
    expect(command, 'the comment above the ssl_proxy block names the command').toBeDefined();
    const made = await runCli(
      command!.split(/\s+/),
      { XDG_CONFIG_HOME: path.join(dir, 'xdg') },
      dir,
    );
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`SET ssl_cert_file = ${path.join(dir, 'certs', 'cert.pem')}`);

    // Step 2: uncomment the block; the paths in it must be where the files now are.
    const text = BUNDLED.replace(
      /^# (CREATE SERVICE ssl_proxy[\s\S]*?)^# (ENABLE ssl_proxy)$/m,
      (block) => block.replace(/^# /gm, ''),
    )
      .replace(/SET listen = 127\.0\.0\.1:\d+/g, 'SET listen = 127.0.0.1:0')
      .replace(
        'POOL web_proxy_pool ADD 127.0.0.1:8081',
        `POOL web_proxy_pool ADD ${backend.hostport}`,
      );
    expect(text).toMatch(/^CREATE SERVICE ssl_proxy$/m);
    for (const m of text.matchAll(/^ {2}SET ssl_(?:key|cert)_file = (\S+)$/gm)) {
      expect(fs.existsSync(path.join(dir, m[1]!)), m[1]).toBe(true);
    }
    const pb = await startCore(text, { cwd: dir });
    expect(pb.core.listening().find((l) => l.service === 'ssl_proxy')).toMatchObject({
      tls: true,
      role: 'reverse_proxy',
    });

    // A client that trusts only the authority just made, for a host the config routes.
    const ca = fs.readFileSync(path.join(dir, 'certs', 'ca.pem'), 'utf8');
    const c = await tlsConnect(pb.port('ssl_proxy'), ca, 'www.lj.localhost');
    expect(c.authorized).toBe(true);
    expect(c.peerNames).toContain('*.lj.localhost');
    c.conn.write('GET /~test/ HTTP/1.0\r\nHost: www.lj.localhost\r\n\r\n');
    const res = await c.conn.read();
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('journal page /~test/\n');
    // verify_backend = on: the pool node was asked OPTIONS first, as Perlbal does.
    expect(backend.optionsSeen).toBeGreaterThan(0);
  });
});
