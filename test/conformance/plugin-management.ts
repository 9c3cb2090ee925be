/**
 * Management checks shared by the plugins-*.test.ts files: `plugins` and `dumpconfig` from
 * the real Perlbal and from ours on the same config must match (dumpconfig block by block,
 * since Perlbal prints services and pools in hash order).
 */
import { expect } from 'vitest';
import { manageBoth, type Server } from './harness.js';

type Servers = { perlbal: Server; ours: Server };

async function both(
  servers: Servers,
  line: string,
  mode: 'multi' | 'drain',
): Promise<{ perlbal: string[]; ours: string[] }> {
  const sessions = { perlbal: await servers.perlbal.manage(), ours: await servers.ours.manage() };
  return manageBoth(sessions, servers, line, mode);
}

/** `plugins` output, the same on both; returns Perlbal's lines. */
export async function samePluginsListing(servers: Servers): Promise<string[]> {
  const out = await both(servers, 'plugins', 'multi');
  expect(out.ours.sort(), 'plugins').toEqual(out.perlbal.sort());
  return out.perlbal;
}

/** Perlbal walks a service's plugins in hash order: sort its `# Plugin ...` lines. */
function sortPluginLines(block: string): string {
  const lines = block.split('\n');
  const plugin = lines.filter((l) => l.trim().startsWith('# Plugin ')).sort();
  return lines.map((l) => (l.trim().startsWith('# Plugin ') ? plugin.shift()! : l)).join('\n');
}

/** `dumpconfig` blocks (sorted), the same on both; returns Perlbal's blocks. */
export async function sameDumpconfig(servers: Servers): Promise<string[]> {
  const out = await both(servers, 'dumpconfig', 'drain');
  const blocks = (lines: string[]): string[] =>
    lines
      .join('\n')
      .split('\n\n')
      .map((b) => sortPluginLines(b.trim()))
      .filter(Boolean)
      .sort();
  expect(blocks(out.ours), 'dumpconfig').toEqual(blocks(out.perlbal));
  return blocks(out.perlbal);
}
