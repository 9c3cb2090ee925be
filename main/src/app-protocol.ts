/**
 * Serves the built renderer on the app:// scheme. Pure apart from the injected file reader, so
 * path handling is unit-tested without Electron; main.ts wraps the result in a Response inside
 * `protocol.handle`. Only files under the renderer folder are ever read.
 */
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.js';
import { isSameOrigin } from './url-origin.js';

export interface AssetRequest {
  readonly method: string;
  readonly url: string;
}

export interface AssetResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
}

export type ReadFile = (file: string) => Promise<Uint8Array>;

// Module scripts are refused by Chromium unless served with a JavaScript MIME type, so the type
// comes from this table rather than from sniffing.
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * Absolute path of the file `url` names under `rootDir`, or null when the URL is not on the app
 * origin or would leave `rootDir` (`..`, encoded `%2e%2e`, encoded slashes, NUL, backslashes).
 */
export function resolveAssetPath(rootDir: string, url: string, appOrigin: string): string | null {
  if (!isSameOrigin(url, appOrigin)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  // `app://perlbal-desktop` has an empty path: non-special schemes get no implicit "/".
  if (pathname === '') pathname = '/';
  if (pathname.endsWith('/')) pathname += 'index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, '.' + pathname);
  const relative = path.relative(root, file);
  const escapes = relative === '..' || relative.startsWith('..' + path.sep);
  if (relative === '' || escapes || path.isAbsolute(relative)) return null;
  return file;
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function plain(status: number, text: string): AssetResponse {
  const headers = { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' };
  return { status, headers, body: text };
}

function isMissingFileError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

/** Answer one app:// request. Never throws: read errors become 404 or 500 responses. */
export async function serveAsset(
  rootDir: string,
  request: AssetRequest,
  appOrigin: string,
  readFile: ReadFile,
): Promise<AssetResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return plain(405, 'Method Not Allowed');
  const file = resolveAssetPath(rootDir, request.url, appOrigin);
  if (file === null) return plain(404, 'Not Found');
  let body: Uint8Array;
  try {
    body = await readFile(file);
  } catch (err) {
    return isMissingFileError(err) ? plain(404, 'Not Found') : plain(500, 'Internal Error');
  }
  const headers = { ...SECURITY_HEADERS, 'Content-Type': contentTypeFor(file) };
  return { status: 200, headers, body: request.method === 'HEAD' ? '' : body };
}
