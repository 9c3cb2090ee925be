/**
 * "Copy as curl": a request record as a shell command that sends the same request through
 * the same proxy listener (the Host header carried as -H, so vhost selection is the same).
 * Pure string work; the view puts the result on the clipboard.
 */
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';

/** Headers curl computes itself or that describe the old connection. */
const SKIP = new Set(['content-length', 'connection', 'keep-alive', 'proxy-connection', 'te']);

/** POSIX shell single-quoting: 'it'\''s'. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * @param listener `ip:port` of the service that took the request; without it the URL is
 *   built from the Host header (what a browser would have asked for).
 */
export function toCurl(r: RequestRecord, listener?: string): string {
  const base = listener ? `http://${listener}` : `http://${r.host || 'localhost'}`;
  const parts = ['curl'];
  if (r.method === 'HEAD') parts.push('-I');
  else if (r.method !== 'GET') parts.push('-X', shellQuote(r.method));
  parts.push(shellQuote(base + r.uri), '--path-as-is');
  if (r.httpVersion === '1.0' || r.httpVersion === 'HTTP/1.0') parts.push('--http1.0');
  for (const [name, value] of r.requestHeaders) {
    if (SKIP.has(name.toLowerCase())) continue;
    // Host must be sent when going to the listener's address; curl adds its own otherwise.
    if (!listener && name.toLowerCase() === 'host') continue;
    parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  return parts.join(' ');
}
