/**
 * Components get the CoreClient from context, never from `window` (house style B3), so the
 * same component runs over IPC, the WebSocket or a test's client.
 */
import { getContext, setContext } from 'svelte';
import type { CoreClient } from '../../../proxy-core/src/common/api/index.js';

const KEY = Symbol('perlbal-core-client');

export function setCoreClient(client: CoreClient): void {
  setContext(KEY, client);
}

export function getCoreClient(): CoreClient {
  const client = getContext<CoreClient | undefined>(KEY);
  if (!client) throw new Error('No CoreClient in context: mount the view inside App');
  return client;
}
