/**
 * The file behind getSettings / saveSettings: `ui-settings.json` in a folder of the user's.
 * The desktop app passes its user-data folder; the CLI's browser mode uses
 * `$PERLBAL_DESKTOP_SETTINGS_DIR`, else the folder `cert create` uses, without `certs/`
 * (`~/.config/perlbal-desktop` on Linux). Written through a temporary file and a rename,
 * mode 0600; a missing or damaged file means defaults.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  checkUiSettings,
  normaliseUiSettings,
  type UiSettings,
} from '../../common/api/settings.js';
import { PerlbalError } from '../../common/errors.js';
import { defaultCertDir } from '../certs/cert-store.js';

export const SETTINGS_DIR_VARIABLE = 'PERLBAL_DESKTOP_SETTINGS_DIR';
export const UI_SETTINGS_FILE = 'ui-settings.json';

/** The option, else $PERLBAL_DESKTOP_SETTINGS_DIR, else the user's perlbal-desktop folder. */
export function resolveSettingsDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option || env[SETTINGS_DIR_VARIABLE] || path.dirname(defaultCertDir(env));
}

export function readUiSettings(dir: string): UiSettings {
  try {
    return normaliseUiSettings(
      JSON.parse(fs.readFileSync(path.join(dir, UI_SETTINGS_FILE), 'utf8')),
    );
  } catch {
    return { savedFilters: [] };
  }
}

export function writeUiSettings(dir: string, value: unknown): UiSettings {
  const checked = checkUiSettings(value);
  if (!checked.ok)
    throw new PerlbalError('PB_ERR_API_INVALID_ARGUMENT', `Settings refused: ${checked.reason}`);
  const file = path.join(dir, UI_SETTINGS_FILE);
  const tmp = path.join(dir, `.${UI_SETTINGS_FILE}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, `${JSON.stringify(checked.settings, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new PerlbalError(
      'PB_ERR_CONFIG_SAVE',
      `Could not save the settings to ${file}: ${(e as Error).message}`,
      undefined,
      { cause: e },
    );
  }
  return checked.settings;
}
