/**
 * Which transport the page has (house style B3): the preload's bridge inside Electron, else
 * the browser-mode WebSocket of the server that served this page, with the token from the
 * URL the CLI printed. The token is then taken out of the address bar (kept for this tab in
 * sessionStorage, so a reload still works) so it does not end up in bookmarks or screenshots.
 */
import { UI_SOCKET_PATH } from '../../../proxy-core/src/common/api/index.js';
import { findCoreBridge, type CoreBridge } from './ipc-client.js';

export type Transport =
  | { kind: 'ipc'; bridge: CoreBridge }
  | { kind: 'ws'; url: string; token: string }
  | { kind: 'none'; reason: string };

const TOKEN_KEY = 'perlbal-desktop-token';

export interface PageScope {
  perlbalDesktop?: unknown;
  location: { protocol: string; host: string; search: string; pathname: string };
  history?: { replaceState(data: unknown, unused: string, url: string): void };
  sessionStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void };
}

export function chooseTransport(scope: PageScope): Transport {
  const bridge = findCoreBridge(scope);
  if (bridge) return { kind: 'ipc', bridge };
  const { protocol, host, search, pathname } = scope.location;
  if (protocol !== 'http:' && protocol !== 'https:') {
    return { kind: 'none', reason: 'This page was not served by perlbal-desktop.' };
  }
  const params = new URLSearchParams(search);
  const fromUrl = params.get('token');
  const token = fromUrl ?? scope.sessionStorage?.getItem(TOKEN_KEY) ?? null;
  if (!token) {
    return {
      kind: 'none',
      reason: 'No token: open the URL that `perlbal-desktop --ui` printed, with its ?token=.',
    };
  }
  if (fromUrl) {
    scope.sessionStorage?.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    scope.history?.replaceState(null, '', `${pathname}${rest ? `?${rest}` : ''}`);
  }
  return {
    kind: 'ws',
    url: `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${UI_SOCKET_PATH}`,
    token,
  };
}
