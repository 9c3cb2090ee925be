/**
 * Where `--demo` starts the demo backend: every 127.0.0.1 node of the pools used by enabled
 * reverse_proxy services. A node that something already listens on is left alone (it may be
 * the developer's own LiveJournal); the caller is told which service holds it, if one does.
 */
import type { ConfigModel } from '../../common/config/model.js';
import { startDemo, type DemoServer } from './demo-server.js';

export interface DemoTarget {
  ipport: string;
  port: number;
  /** The reverse_proxy services whose pools include this node. */
  services: string[];
}

export function demoTargets(model: ConfigModel): DemoTarget[] {
  const byNode = new Map<string, DemoTarget>();
  for (const svc of model.services) {
    const poolName = svc.tunables['pool'];
    if (!svc.enabled || svc.role !== 'reverse_proxy' || typeof poolName !== 'string') continue;
    const pool = model.pools.find((p) => p.name === poolName);
    for (const node of pool?.nodes ?? []) {
      const m = /^127\.0\.0\.1:(\d+)$/.exec(node);
      if (!m) continue;
      const target = byNode.get(node) ?? { ipport: node, port: Number(m[1]), services: [] };
      if (!target.services.includes(svc.name)) target.services.push(svc.name);
      byNode.set(node, target);
    }
  }
  return [...byNode.values()];
}

export type DemoOutcome =
  | { target: DemoTarget; server: DemoServer }
  /** `usedBy`: the service of ours listening there, or null for another program. */
  | { target: DemoTarget; usedBy: string | null };

export interface DemoHost {
  model: ConfigModel;
  listening(): Array<{ service: string; port: number; protocol: 'tcp' | 'udp' }>;
}

/** Start a demo backend on every free target; report the ones already taken. */
export async function startDemos(core: DemoHost, assetsDir: string, statBases: string[] = []): Promise<DemoOutcome[]> {
  const out: DemoOutcome[] = [];
  for (const target of demoTargets(core.model)) {
    try {
      out.push({ target, server: await startDemo({ port: target.port, assetsDir, statBases }) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      const ours = core.listening().find((l) => l.protocol === 'tcp' && l.port === target.port);
      out.push({ target, usedBy: ours ? ours.service : null });
    }
  }
  return out;
}
