/**
 * Where the desktop app finds its bundled config: the environment's choice first, then the
 * packaged copy in `<resources>/defaults/` (electron-builder.yml's extraResources), then the
 * repository's resources/perlbal.conf in a development run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfigFile } from '../../../main/src/core-host.js';

describe('defaultConfigFile', () => {
  const mainDir = path.join(os.tmpdir(), 'repo', 'out', 'main');

  it('takes PERLBAL_DESKTOP_CONFIG when set', () => {
    expect(defaultConfigFile(mainDir, { PERLBAL_DESKTOP_CONFIG: '/x/my.conf' }, undefined)).toBe(
      '/x/my.conf',
    );
  });

  it('uses the packaged defaults when the app is packaged', () => {
    const resources = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-res-'));
    fs.mkdirSync(path.join(resources, 'defaults'));
    fs.writeFileSync(path.join(resources, 'defaults', 'perlbal.conf'), '# bundled\n');
    expect(defaultConfigFile(mainDir, {}, resources)).toBe(
      path.join(resources, 'defaults', 'perlbal.conf'),
    );
    fs.rmSync(resources, { recursive: true, force: true });
  });

  it("falls back to the repository's resources/perlbal.conf in a development run", () => {
    const expected = path.join(os.tmpdir(), 'repo', 'resources', 'perlbal.conf');
    expect(defaultConfigFile(mainDir, {}, undefined)).toBe(expected);
    // Electron sets resourcesPath in development too (its own folder): no defaults there.
    expect(defaultConfigFile(mainDir, {}, '/nonexistent/electron/resources')).toBe(expected);
  });
});
