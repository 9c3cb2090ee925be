/**
 * The app's own origin. The renderer is served from `app://perlbal-desktop/` (app-protocol.ts)
 * rather than file://, so it has a real origin for the IPC sender check, for CSP 'self' and
 * for the navigation guard (Electron security checklist: "avoid file://").
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'perlbal-desktop';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Privileges for `protocol.registerSchemesAsPrivileged`. `standard` gives the scheme a host and
 * an origin (needed for 'self' and relative URLs); `secure` makes it a secure context like https.
 * No `bypassCSP`: the policy from content-security-policy.ts must apply.
 */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
});
