/**
 * The browser-mode token: 32 random bytes, printed once in the URL the CLI shows. Compared in
 * constant time, so a page on another origin that somehow reaches the socket cannot guess it
 * byte by byte from response times.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
