/**
 * electron-builder.yml against electron-builder's own schema (toolchain.md §6), with no download,
 * plus the settings the rest of the project relies on.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-root.js';

const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId?: string;
  productName?: string;
  directories?: { output?: string };
  files?: (string | { filter?: string[] })[];
  linux?: { target?: string[]; icon?: string };
  mac?: { target?: string[]; icon?: string };
  win?: { target?: string[]; icon?: string };
  extraResources?: { from: string; filter: string[] }[];
}

// app-builder-lib has no exports map, so the deep import is supported in practice.
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(
    projectDir: string,
    configPath: string | null,
    configFromOptions: null,
  ): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', { timeout: 30_000 }, async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('rejects an unknown key (the validation really runs)', { timeout: 30_000 }, async () => {
    const config = { ...(await getConfig(REPO_ROOT, null, null)), bogusKey: true };
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/bogusKey/);
  });

  it('names the app and targets AppImage, deb, dmg and nsis with existing icons', async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    expect(config.appId).toBe('org.perlbal-desktop.app');
    expect(config.productName).toBe('Perlbal Desktop');
    expect(config.directories?.output).toBe('dist');
    // getConfig normalises `files` to [{ filter: [...] }].
    const patterns = (config.files ?? []).flatMap((f) =>
      typeof f === 'string' ? f : (f.filter ?? []),
    );
    expect(patterns).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
    for (const icon of [config.linux?.icon, config.mac?.icon, config.win?.icon]) {
      expect(icon && existsSync(path.join(REPO_ROOT, icon)), String(icon)).toBe(true);
    }
  });

  it('ships only named resources, never the development test CA', async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    const filters = (config.extraResources ?? []).flatMap((r) => r.filter);
    expect(filters.length).toBeGreaterThan(0);
    expect(filters.every((f) => !f.startsWith('!') && f !== '**/*' && f !== '**')).toBe(true);
  });
});
