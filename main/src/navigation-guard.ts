/**
 * Decisions for navigation and new windows (Electron security checklist "limit navigation" and
 * "limit creation of new windows"). The renderer is a single page; it never needs to leave the
 * app origin, so anything else is refused. main.ts applies these to every webContents.
 */
import { isSameOrigin } from './url-origin.js';

export type NavigationDecision = 'allow' | 'deny';

/** `will-navigate` / `will-redirect`: stay on the app origin or go nowhere. */
export function decideNavigation(targetUrl: string, appOrigin: string): NavigationDecision {
  return isSameOrigin(targetUrl, appOrigin) ? 'allow' : 'deny';
}

/**
 * `setWindowOpenHandler`: always deny. A later "open in browser" for documentation links should
 * go through a desktop:open-external channel with its own allow-list, not through window.open.
 */
export function decideWindowOpen(): { action: 'deny' } {
  return { action: 'deny' };
}

/** Permission requests and checks (camera, notifications, ...): the app needs none. */
export function decidePermission(): boolean {
  return false;
}
