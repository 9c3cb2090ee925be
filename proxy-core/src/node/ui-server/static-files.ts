/**
 * Serves the built renderer (out/renderer) to the browser in `--ui` mode: GET and HEAD only,
 * files under the renderer folder only (no `..`, encoded or not, no NUL, no backslash), and
 * the same strict Content-Security-Policy as in Electron, widened only to let the page open
 * its WebSocket back to this server.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { PerlbalError } from '../../common/errors.js';

const TYPES: Readonly<Record<string, string>> = {
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

/** Fails clearly when the renderer was never built: the page would otherwise be a 404. */
export function checkRendererBuilt(dir: string): void {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new PerlbalError(
      'PB_ERR_UI_NOT_BUILT',
      `The desktop UI is not built (no ${path.join(dir, 'index.html')}). Build it with \`npm run build\` and try again.`,
    );
  }
}

/** The file a URL path names under `root`, or null when it would leave `root`. */
export function resolveUnder(root: string, urlPath: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (!pathname.startsWith('/') || pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname.endsWith('/')) pathname += 'index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, `.${pathname}`);
  const rel = path.relative(base, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    return null;
  return file;
}

export function contentSecurityPolicy(wsOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${wsOrigins.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

function send(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer | string,
): void {
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

export function serveStatic(
  root: string,
  csp: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  const common = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  const text = { ...common, 'Content-Type': 'text/plain; charset=utf-8' };
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, { ...text, Allow: 'GET, HEAD' }, 'Method Not Allowed\n');
  const file = resolveUnder(root, req.url ?? '/');
  if (file === null) return send(res, 404, text, 'Not Found\n');
  fs.readFile(file, (err, body) => {
    if (err)
      return send(
        res,
        err.code === 'ENOENT' || err.code === 'EISDIR' ? 404 : 500,
        text,
        'Not Found\n',
      );
    send(
      res,
      200,
      {
        ...common,
        'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      },
      body,
    );
  });
}
