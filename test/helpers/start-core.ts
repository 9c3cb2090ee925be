/**
 * Start a real ProxyCore in-process from config text, on real loopback sockets. Use port 0
 * in `listen` lines; `port(svc)` tells where a service ended up. Stopped after each test.
 */
import { onTestFinished } from 'vitest';
import { ProxyCore } from '../../proxy-core/src/node/core.js';
import { ManageClient } from './manage-client.js';

export interface StartedCore {
  core: ProxyCore;
  port(service: string): number;
  /** A management session on the config's management service (must exist). */
  manage(service?: string): Promise<ManageClient>;
  stop(): void;
}

export async function startCore(confText: string, opts: { cwd?: string } = {}): Promise<StartedCore> {
  const core = await ProxyCore.start(confText, opts);
  const sessions: ManageClient[] = [];
  const started: StartedCore = {
    core,
    port(service) {
      const p = core.portOf(service);
      if (p === undefined) throw new Error(`service '${service}' is not listening`);
      return p;
    },
    async manage(service = 'mgmt') {
      const m = await ManageClient.connect(started.port(service));
      sessions.push(m);
      return m;
    },
    stop() {
      for (const s of sessions) s.close();
      core.close();
    },
  };
  onTestFinished(() => started.stop());
  return started;
}
