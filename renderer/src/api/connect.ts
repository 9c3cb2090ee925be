/**
 * Opens the chosen transport: the IPC client at once, or the WebSocket (which must first be
 * welcomed by the server). `kind` tells the UI which desktop-only features it has.
 */
import type { CoreClient } from '../../../proxy-core/src/common/api/index.js';
import type { Transport } from './choose-transport.js';
import { ipcClient } from './ipc-client.js';
import { connectWs } from './ws-client.js';

export interface Connection {
  client: CoreClient;
  kind: 'ipc' | 'ws';
  /** Registers a callback for a lost connection (never called over IPC). */
  onLost(fn: (why: string) => void): void;
}

export async function connect(t: Exclude<Transport, { kind: 'none' }>): Promise<Connection> {
  if (t.kind === 'ipc') return { client: ipcClient(t.bridge), kind: 'ipc', onLost: () => {} };
  const client = await connectWs(t.url, t.token, (url) => new WebSocket(url));
  return { client, kind: 'ws', onLost: (fn) => client.onClose(fn) };
}
