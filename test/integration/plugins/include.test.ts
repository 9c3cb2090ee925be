/**
 * Include (Perlbal t/75-plugin-include.t): INCLUDE = file and INCLUDE = glob glob from the
 * management port create the services the files describe; a missing file is an error. The
 * work is the config language's; this checks it end to end on a running server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../helpers/start-core.js';

const service = (name: string): string =>
  `CREATE SERVICE ${name}\nSET role = web_server\nSET listen = 127.0.0.1:0\nENABLE ${name}\n`;

describe('Include (t/75-plugin-include)', () => {
  it('loads a file, then two globs, and refuses a missing file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-include-'));
    fs.writeFileSync(path.join(dir, 'a.conf'), service('test_a'));
    fs.writeFileSync(path.join(dir, 'b1.conf'), service('test_b1'));
    fs.writeFileSync(path.join(dir, 'b2.conf'), service('test_b2'));
    fs.writeFileSync(path.join(dir, 'c.conf'), service('test_c'));
    const pb = await startCore(
      'CREATE SERVICE mgmt\nSET role = management\nSET listen = 127.0.0.1:0\nENABLE mgmt\n',
    );
    const m = await pb.manage();
    expect(await m.line('LOAD Include')).toBe('OK');
    expect(await m.line(`INCLUDE = ${path.join(dir, 'a.conf')}`)).toBe('OK');
    expect(await m.line(`INCLUDE = ${path.join(dir, 'b*.conf')} ${path.join(dir, 'c.con?')}`)).toBe(
      'OK',
    );
    expect(await m.line(`INCLUDE = ${path.join(dir, 'nonexistent.conf')}`)).toMatch(
      /^ERROR: .*nonexistent\.conf.*No such file or directory/,
    );
    const show = await m.multi('show SERVICE');
    for (const name of ['test_a', 'test_b1', 'test_b2', 'test_c']) {
      expect(
        show.some((l) => new RegExp(`^${name} +127\\.0\\.0\\.1:\\d+ +ENABLED$`).test(l)),
        name,
      ).toBe(true);
    }
    expect(pb.core.portOf('test_b2')).toBeGreaterThan(0);
  });
});
