/**
 * A reverse proxy whose clients can be made to wait in the backend queues on purpose: the
 * proxy verifies each new backend connection (verify_backend) and the test backend holds the
 * OPTIONS answers until `release()`, so requests sent meanwhile queue up deterministically.
 */
import { startCore, type StartedCore } from '../../helpers/start-core.js';
import { rawOne } from '../../helpers/raw-http.js';
import { startBackend, type BackendRequest, type TestBackend } from '../../helpers/test-backend.js';

export interface QueuedProxy {
  pb: StartedCore;
  be: TestBackend;
  /** Send a request; resolves with its response once the queues are released. */
  send(request: string): Promise<Awaited<ReturnType<typeof rawOne>>>;
  /** Wait (bounded) until `queues` shows these counts for the proxy service. */
  waitQueued(counts: { normal?: number; highpri?: number; lowpri?: number }): Promise<void>;
  release(): void;
  /** The non-OPTIONS requests the backend received, in order. */
  received(): BackendRequest[];
}

export async function queuedProxy(plugins: string, extra = ''): Promise<QueuedProxy> {
  const be = await startBackend();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  be.handle(
    async (req) => {
      if (req.isOptions) await gate;
      return undefined;
    },
    { includeOptions: true },
  );
  // No plugins ('') for tests of the core's own queueing.
  const names = plugins ? plugins.split(/\s*,\s*/) : [];
  const loads = names.map((p) => `LOAD ${p}`).join('\n');
  const pb = await startCore(`
${loads}
CREATE POOL p
  POOL p ADD ${be.hostport}
CREATE SERVICE proxy
  SET role = reverse_proxy
  SET listen = 127.0.0.1:0
  SET pool = p
  SET verify_backend = on
${names.length ? `  SET plugins = ${plugins}` : ''}
${extra}
ENABLE proxy
CREATE SERVICE mgmt
  SET role = management
  SET listen = 127.0.0.1:0
ENABLE mgmt
`);
  const m = await pb.manage();
  return {
    pb,
    be,
    send: (request) => rawOne(pb.port('proxy'), request, 3000),
    async waitQueued(counts) {
      const want = Object.entries(counts).map(([q, n]) => `proxy-${q}.count ${n}`);
      for (let i = 0; i < 200; i++) {
        const lines = await m.multi('queues');
        if (want.every((w) => lines.includes(w))) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`queues never showed ${want.join(', ')}`);
    },
    release,
    received: () => be.requests.filter((r) => !r.isOptions),
  };
}

/** A header of a request the backend received. */
export function sentHeader(req: BackendRequest, name: string): string | undefined {
  return req.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}
