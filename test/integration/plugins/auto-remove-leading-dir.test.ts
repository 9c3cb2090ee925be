/**
 * AutoRemoveLeadingDir (Perlbal::Plugin::AutoRemoveLeadingDir): with docroot `.../stc`,
 * `/stc/x` is served as `/x`, for plain files, index files and `??` lists; a name that only
 * starts with `stc` is left alone (Perlbal mangled it, docs/compatibility.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { rawOne } from '../../helpers/raw-http.js';
import { startCore } from '../../helpers/start-core.js';
import { removeLeadingDir } from '../../../proxy-core/src/node/plugins/auto-remove-leading-dir.js';

function stcDocroot(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-ardir-'));
  onTestFinished(() => fs.rmSync(base, { recursive: true, force: true }));
  const stc = path.join(base, 'htdocs', 'stc');
  fs.mkdirSync(path.join(stc, 'img'), { recursive: true });
  fs.writeFileSync(path.join(stc, 'img', 'a.txt'), 'image a\n');
  fs.writeFileSync(path.join(stc, 'b.css'), 'b{}\n');
  fs.writeFileSync(path.join(stc, 'c.css'), 'c{}\n');
  fs.writeFileSync(path.join(stc, 'index.html'), '<p>stc index</p>\n');
  fs.writeFileSync(path.join(stc, 'stc-old.css'), 'old{}\n');
  return stc;
}

const conf = (docroot: string, plugins = 'AutoRemoveLeadingDir'): string => `
LOAD AutoRemoveLeadingDir
CREATE SERVICE web
  SET role = web_server
  SET listen = 127.0.0.1:0
  SET docroot = ${docroot}
  SET enable_concatenate_get = on
  SET plugins = ${plugins}
ENABLE web
`;

const get = async (port: number, uri: string): Promise<{ status: number; body: string }> => {
  const r = await rawOne(port, `GET ${uri} HTTP/1.0\r\n\r\n`);
  return { status: r.status, body: r.body.toString() };
};

describe('AutoRemoveLeadingDir', () => {
  it('serves /stc/... from a docroot ending in /stc, and plain paths as before', async () => {
    const core = await startCore(conf(stcDocroot()));
    const port = core.port('web');
    expect(await get(port, '/stc/img/a.txt')).toEqual({ status: 200, body: 'image a\n' });
    expect(await get(port, '/img/a.txt')).toEqual({ status: 200, body: 'image a\n' });
    expect(await get(port, '/stc/b.css?v=3')).toEqual({ status: 200, body: 'b{}\n' });
    expect(await get(port, '/stc/')).toEqual({ status: 200, body: '<p>stc index</p>\n' });
    expect((await get(port, '/stc/??b.css,c.css')).body).toBe('b{}\nc{}\n');
  });

  it('removes the directory only as a whole path segment (a Perlbal bug fixed)', async () => {
    const core = await startCore(conf(`${stcDocroot()}/`));
    const port = core.port('web');
    // Perlbal: `-old.css`, a 403 "Bogus URL".
    expect(await get(port, '/stc-old.css')).toEqual({ status: 200, body: 'old{}\n' });
    // Perlbal: an empty path, 403.
    expect(await get(port, '/stc')).toEqual({ status: 200, body: '<p>stc index</p>\n' });
  });

  it('does nothing when the docroot does not end in a plain name or the plugin is off', async () => {
    const stc = stcDocroot();
    const off = await startCore(conf(stc, 'none'));
    expect((await get(off.port('web'), '/stc/b.css')).status).toBe(404);
  });

  it('rewrites only at segment boundaries', () => {
    expect(removeLeadingDir('/stc/a', 'stc')).toBe('/a');
    expect(removeLeadingDir('/stc', 'stc')).toBe('/');
    expect(removeLeadingDir('/stc?x=1', 'stc')).toBe('/?x=1');
    expect(removeLeadingDir('/stc??a,b', 'stc')).toBe('/??a,b');
    expect(removeLeadingDir('/stcx/a', 'stc')).toBe('/stcx/a');
    expect(removeLeadingDir('/a/stc/b', 'stc')).toBe('/a/stc/b');
  });
});
