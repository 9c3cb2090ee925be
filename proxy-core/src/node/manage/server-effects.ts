/**
 * The two SERVER settings that act on the process itself (Perlbal.pm MANAGE_server):
 * `nice_level` renices by the given amount (POSIX::nice) and `max_connections` sets the
 * open-files limit (setrlimit RLIMIT_NOFILE, soft = hard). The config language checks and
 * records them; this runs them, each time the command runs, as Perlbal does. Like Perlbal, a
 * failure prints `ERROR: ...` but the command still succeeds, so a config file keeps loading.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseLine, type ApplyEnv, type CommandContext } from '../../common/config/index.js';

/** What running a command with its effects needs (ProxyCore). */
export interface ServerEffectsHost {
  readonly env: ApplyEnv;
  readonly model: { readonly plugins: readonly string[] };
  runCommand(line: string, ctx: CommandContext): Promise<string[]>;
}

/**
 * Run one command line, then, for a successful `SERVER nice_level` / `max_connections`, apply
 * it to this process. Error lines from the effect come before the `OK` (Perlbal: `err`, then
 * `ok`).
 */
export async function runCommandWithEffects(
  host: ServerEffectsHost,
  line: string,
  ctx: CommandContext,
): Promise<string[]> {
  const out = await host.runCommand(line, ctx);
  if (out.some((l) => l.startsWith('ERROR: '))) return out;
  const effect = serverEffect(host, line);
  if (effect.length === 0) return out;
  const ok = out.at(-1) === 'OK' ? out.length - 1 : out.length;
  return [...out.slice(0, ok), ...effect, ...out.slice(ok)];
}

/**
 * Apply `line` to this process if it is a process-level SERVER setting that has just run
 * successfully; returns the `ERROR: ...` lines of a failed effect.
 */
export function serverEffect(host: ServerEffectsHost, line: string): string[] {
  const { command } = parseLine(line, host.env, 1, host.model.plugins);
  if (command?.kind !== 'server' || !/^-?\d+$/.test(command.value)) return [];
  const n = Number(command.value);
  if (command.key === 'nice_level') return renice(n);
  if (command.key === 'max_connections') return setFileLimit(n);
  return [];
}

/** POSIX::nice: add `n` to the niceness, within the kernel's -20..19. */
function renice(n: number): string[] {
  try {
    os.setPriority(Math.max(-20, Math.min(19, os.getPriority() + n)));
    return [];
  } catch (e) {
    // glibc's nice() reports a refused increase as EPERM, whatever setpriority said.
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM' ? 'Operation not permitted' : (e as Error).message;
    return [`ERROR: Unable to renice: ${why}`];
  }
}

/**
 * setrlimit(RLIMIT_NOFILE, n, n). Node has no setrlimit, so on Linux util-linux's `prlimit`
 * sets it on this process; elsewhere, or without `prlimit`, the setting is recorded only
 * (docs/compatibility.md). Perlbal's two messages, and their odd assignment, are kept.
 */
function setFileLimit(n: number): string[] {
  if (process.platform !== 'linux') return [];
  const r = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${n}:${n}`], {
    stdio: 'ignore',
  });
  if (r.error) return [];
  if (r.status === 0) return [];
  return [
    process.getuid?.() === 0
      ? 'ERROR: Unable to set limit.'
      : 'ERROR: Need to be root to increase max connections.',
  ];
}
