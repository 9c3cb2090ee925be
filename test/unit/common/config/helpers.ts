/**
 * Test helpers for the config language: an env with a fake filesystem, a management-session
 * emulator that prints what Perlbal would print for each line, and small shortcuts.
 */
import {
  applyCommand,
  checkConfig,
  dumpconfigPerlbal,
  emptyModel,
  parseLine,
  type ApplyEnv,
  type CommandContext,
  type ConfigDiagnostic,
  type ConfigModel,
} from '../../../../proxy-core/src/common/config/index.js';
import { fixtureEnv, type FixtureEnvSpec } from '../../../helpers/config-fixtures.js';

export { fixtureEnv };

/** Everything exists except the listed paths. */
export function envWithout(...missing: string[]): ApplyEnv {
  return fixtureEnv({ missing });
}

export function env(spec: FixtureEnvSpec = {}): ApplyEnv {
  return fixtureEnv(spec);
}

export interface Session {
  model: ConfigModel;
  ctx: CommandContext;
  /** Lines Perlbal prints, `OK` included when verbose. */
  out: string[];
  diagnostics: ConfigDiagnostic[];
  run(...lines: string[]): string[];
}

/**
 * A management connection (verbose, running) or a config load (non-verbose, startup).
 * `run` returns the lines printed for the given commands only.
 */
export function session(
  opts: { verbose?: boolean; phase?: 'startup' | 'running'; env?: ApplyEnv; base?: string } = {},
): Session {
  const e = opts.env ?? env();
  const s: Session = {
    model: opts.base ? checkConfig(opts.base, e).model : emptyModel(),
    ctx: { lastCreated: null, verbose: opts.verbose ?? true, phase: opts.phase ?? 'running' },
    out: [],
    diagnostics: [],
    run(...lines) {
      const printed: string[] = [];
      for (const line of lines) {
        const p = parseLine(line, e, 1, s.model.plugins);
        s.diagnostics.push(...p.diagnostics);
        const error = p.diagnostics.find((d) => d.severity === 'error');
        if (error) {
          if (error.perlbal !== undefined) printed.push(`ERROR: ${error.perlbal}`);
          continue;
        }
        if (!p.command) continue;
        if (p.command.kind === 'manage' && p.command.verb === 'dumpconfig') {
          printed.push(...dumpconfigPerlbal(s.model), 'OK');
          continue;
        }
        const r = applyCommand(s.model, p.command, s.ctx, e);
        s.model = r.model;
        s.diagnostics.push(...r.diagnostics);
        printed.push(...r.output);
        if (r.ok && r.printOk && s.ctx.verbose) printed.push('OK');
      }
      s.out.push(...printed);
      return printed;
    },
  };
  return s;
}

/** checkConfig over lines joined with LF. */
export function check(lines: string[], e: ApplyEnv = env()) {
  return checkConfig(`${lines.join('\n')}\n`, e, 'test.conf');
}

/** Just the errors and warnings (not info). */
export function problems(ds: readonly ConfigDiagnostic[]): ConfigDiagnostic[] {
  return ds.filter((d) => d.severity !== 'info');
}

/** Deep-freezes a value (tests that apply never mutates its input). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
