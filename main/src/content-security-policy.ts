/**
 * The renderer's Content-Security-Policy, sent as a response header by the app:// protocol
 * handler. A header rather than a <meta> tag: it is in force before any byte of the page is
 * parsed, and it can carry directives a meta tag cannot (frame-ancestors).
 */

const DIRECTIVES: readonly string[] = [
  "default-src 'none'",
  "script-src 'self'",
  // Svelte's CSS is extracted to files by Vite; the UI needs no inline styles or scripts.
  "style-src 'self'",
  // data: and blob: for small inlined assets and, later, the palimg preview.
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
];

export const CONTENT_SECURITY_POLICY = DIRECTIVES.join('; ');
