/**
 * The certificate folder: where it is by default, the files in it (four PEM files and
 * names.json, what they were made to cover), and how they are written. Keys are written with
 * mode 0600 into a 0700 folder, each file through a temporary name and a rename, so a proxy
 * reading them never sees half a file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerlbalError } from '../../common/errors.js';

export const CA_CERT_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';
export const SERVER_CERT_FILE = 'cert.pem';
export const SERVER_KEY_FILE = 'key.pem';
export const REQUEST_FILE = 'names.json';

/** Private keys: owner read/write only. */
export const KEY_MODE = 0o600;
const CERT_MODE = 0o644;
const DIR_MODE = 0o700;

/**
 * The folder the desktop app will use too: Electron's userData folder for the app name
 * `perlbal-desktop`, plus `certs`. Linux: $XDG_CONFIG_HOME or ~/.config; macOS:
 * ~/Library/Application Support; Windows: %APPDATA%.
 */
export function defaultCertDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = os.homedir(),
): string {
  let base: string;
  if (platform === 'darwin') base = path.join(home, 'Library', 'Application Support');
  else if (platform === 'win32') base = env['APPDATA'] || path.join(home, 'AppData', 'Roaming');
  else base = env['XDG_CONFIG_HOME'] || path.join(home, '.config');
  return path.join(base, 'perlbal-desktop', 'certs');
}

export interface StoreFiles {
  dir: string;
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
  /** names.json: the CertRequest the certificate was last made for. */
  request: string;
}

export function storeFiles(dir: string): StoreFiles {
  return {
    dir,
    caCert: path.join(dir, CA_CERT_FILE),
    caKey: path.join(dir, CA_KEY_FILE),
    cert: path.join(dir, SERVER_CERT_FILE),
    key: path.join(dir, SERVER_KEY_FILE),
    request: path.join(dir, REQUEST_FILE),
  };
}

/**
 * What a certificate was made to cover, as asked (kept in names.json), so that a later `show` or
 * `create` without names checks the same ones: the config is read again then, so a host added to
 * it since is noticed.
 */
export interface CertRequest {
  /** The config the names come from (an absolute path), or null when only hosts were given. */
  config: string | null;
  /** Names given explicitly (--hosts), as typed. */
  hosts: string[];
}

/** The recorded request, or null when there is none (a folder made before names.json). */
export function readRequest(file: string): CertRequest | null {
  const text = readIfExists(file);
  if (text === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new PerlbalError('PB_ERR_CERT_UNUSABLE', `${file} isn't valid JSON: ${(e as Error).message}`, { file });
  }
  const r = v as Partial<CertRequest> | null;
  const config = r?.config;
  const hosts = r?.hosts;
  if (
    (config !== null && typeof config !== 'string') ||
    !Array.isArray(hosts) ||
    !hosts.every((h) => typeof h === 'string')
  ) {
    throw new PerlbalError('PB_ERR_CERT_UNUSABLE', `${file} should hold {"config": path or null, "hosts": [names]}`, { file });
  }
  return { config, hosts };
}

export function writeRequest(file: string, request: CertRequest): void {
  writeAtomically(file, `${JSON.stringify(request, null, 2)}\n`, CERT_MODE);
}

/** The file's text, or null when it doesn't exist; other failures are PB_ERR_CERT_UNUSABLE. */
export function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return null;
    throw new PerlbalError('PB_ERR_CERT_UNUSABLE', `${file} can't be read: ${err.message}`, {
      file,
      syscallCode: err.code,
    });
  }
}

export function ensureDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new PerlbalError(
      'PB_ERR_CERT_UNUSABLE',
      `Can't create the folder ${dir}: ${err.message}`,
      {
        file: dir,
        syscallCode: err.code,
      },
    );
  }
}

/**
 * Write `text` to `file` with `mode`, replacing it in one rename. The temporary file is
 * created with the final mode (O_EXCL), so a key is never readable by others, not even briefly.
 */
function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', mode);
    try {
      fs.writeFileSync(fd, text);
      // The umask may have taken bits away from `mode` at creation; set them exactly.
      fs.fchmodSync(fd, mode);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw new PerlbalError('PB_ERR_CERT_UNUSABLE', `Can't write ${file}: ${err.message}`, {
      file,
      syscallCode: err.code,
    });
  }
}

export function writeKey(file: string, pem: string): void {
  writeAtomically(file, pem, KEY_MODE);
}

export function writeCert(file: string, pem: string): void {
  writeAtomically(file, pem, CERT_MODE);
}
