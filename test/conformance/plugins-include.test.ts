/**
 * Include against the real Perlbal 1.80 (t/75-plugin-include.t): the same management
 * answers to LOAD Include, INCLUDE of a file, of globs and of a missing file, and the same
 * services afterwards (Perlbal lists them in hash order, so compared sorted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { havePerlbal, manageBoth, startBoth } from './harness.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-conf-include-'));
const service = (name: string): string =>
  `CREATE SERVICE ${name}\nSET role = web_server\nSET docroot = ${dir}\n`;
fs.writeFileSync(path.join(dir, 'a.conf'), service('test_a'));
fs.writeFileSync(path.join(dir, 'b1.conf'), service('test_b1'));
fs.writeFileSync(path.join(dir, 'b2.conf'), `${service('test_b2')}SET bogus_tunable = 1\n`);

const CONFIG = `
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:{{port:mgmt}}
ENABLE mgmt
`;

describe.runIf(havePerlbal())('Include vs Perlbal 1.80', () => {
  it('answers INCLUDE the same way and creates the same services', async () => {
    const servers = await startBoth(CONFIG);
    const sessions = { perlbal: await servers.perlbal.manage(), ours: await servers.ours.manage() };
    for (const line of [
      'LOAD Include',
      `INCLUDE = ${path.join(dir, 'a.conf')}`,
      `INCLUDE = ${path.join(dir, 'b*.conf')} ${path.join(dir, 'a.con?')}`,
      `INCLUDE = ${path.join(dir, 'nonexistent.conf')}`,
      'INCLUDE =',
    ]) {
      const r = await manageBoth(sessions, servers, line, 'drain');
      expect(r.ours, line).toEqual(r.perlbal);
    }
    const show = await manageBoth(sessions, servers, 'show service');
    expect([...show.ours].sort()).toEqual([...show.perlbal].sort());
    expect(show.ours.join('\n')).toContain('test_b2');
  });
});
