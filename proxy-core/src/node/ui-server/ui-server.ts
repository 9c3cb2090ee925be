/**
 * Browser mode (`perlbal-desktop --ui`): the built renderer and the CoreApi WebSocket on one
 * loopback port. Guarantees:
 * - listens on 127.0.0.1 only, on a port the OS picks unless one is given;
 * - answers only requests whose Host is this server (127.0.0.1:PORT or localhost:PORT), so a
 *   DNS-rebinding page on another name gets nothing;
 * - the WebSocket accepts only pages whose Origin is this server (close 4403 otherwise) and
 *   reads nothing before a `hello` with the token printed in the URL (close 4401 otherwise);
 * - method names are checked against CORE_METHODS before any call (ws-session.ts).
 */
import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer } from 'ws';
import type { CoreClient } from '../../common/api/core-api.js';
import { UI_SOCKET_PATH, WS_CLOSE } from '../../common/api/wire.js';
import { checkRendererBuilt, contentSecurityPolicy, serveStatic } from './static-files.js';
import { newToken } from './ui-token.js';
import { MAX_FRAME_BYTES, WsSession } from './ws-session.js';

export interface UiServerOptions {
  api: CoreClient;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 (default) lets the OS choose. */
  port?: number;
  /** Tests may fix it; otherwise a fresh random one. */
  token?: string;
  version?: string;
}

export interface UiServer {
  readonly port: number;
  readonly token: string;
  /** What to open in a browser: `http://127.0.0.1:PORT/?token=...`. */
  readonly url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  checkRendererBuilt(opts.rendererDir);
  const token = opts.token ?? newToken();
  const sessions = new Set<WsSession>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let port = 0;
  const origins = (): string[] => [`http://${HOST}:${port}`, `http://localhost:${port}`];
  const hostOk = (h: string | undefined): boolean =>
    h === `${HOST}:${port}` || h === `localhost:${port}`;

  const server = http.createServer((req, res) => {
    if (!hostOk(req.headers.host)) {
      res
        .writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Misdirected Request\n');
      return;
    }
    serveStatic(
      opts.rendererDir,
      contentSecurityPolicy(origins().map((o) => o.replace(/^http/, 'ws'))),
      req,
      res,
    );
  });

  server.on('upgrade', (req, socket: net.Socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== UI_SOCKET_PATH || !hostOk(req.headers.host)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Accepted, then closed with a code: the page learns why, which a refused upgrade hides.
      if (!origins().includes(req.headers.origin ?? ''))
        return ws.close(WS_CLOSE.badOrigin.code, WS_CLOSE.badOrigin.reason);
      const session = new WsSession(ws, opts.api, token, opts.version ?? '0.0.0');
      sessions.add(session);
      ws.on('close', () => sessions.delete(session));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as net.AddressInfo).port;

  return {
    port,
    token,
    url: `http://${HOST}:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.dispose();
        for (const ws of wss.clients) ws.close(WS_CLOSE.shutdown.code, WS_CLOSE.shutdown.reason);
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
