/**
 * Origin comparison that also works for custom schemes. WHATWG `URL.origin` is the opaque "null"
 * for any non-special scheme such as `app:`, so two app:// URLs would never compare equal by it;
 * this compares scheme and host explicitly instead.
 */

/** `scheme://host[:port]` of `url`, or null when it has no host, carries credentials or is not a URL. */
export function originOf(url: unknown): string | null {
  if (typeof url !== 'string' || url === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  // file:, data:, about:, javascript: have no host: nothing from them is ever the app.
  if (parsed.host === '') return null;
  // `app://perlbal-desktop@evil/` has host "evil"; refuse credentials outright so a reader of a
  // log line is never misled about which host was meant.
  if (parsed.username !== '' || parsed.password !== '') return null;
  return `${parsed.protocol}//${parsed.host.toLowerCase()}`;
}

/** True when `url` is on exactly `origin` (scheme, host and port). */
export function isSameOrigin(url: unknown, origin: string): boolean {
  const actual = originOf(url);
  return actual !== null && actual === originOf(origin);
}
