/**
 * The state of applying one command: a working copy of the model, the command context and
 * what Perlbal would print. It is the data-only counterpart of Perlbal::ManageCommand
 * (`ok`, `err`, `out`) for the pure apply functions and the plugin modules.
 */
import type { ConfigCommand } from './commands.js';
import {
  createDiagnostic,
  type ConfigDiagnostic,
  type DiagnosticCode,
  type MessageParams,
  type Severity,
} from './diagnostics.js';
import type { ApplyEnv } from './env.js';
import type { ConfigModel } from './model.js';
import type { Span } from './span.js';

/** Perlbal::CommandContext plus the one fact Perlbal keeps globally (`$run_started`). */
export interface CommandContext {
  /** `CREATE` / `USE` set it; SET, VHOST, ACCESS, ... use it when no name is given. */
  lastCreated: string | null;
  /** Prints `OK` after successful commands (management connections start verbose). */
  verbose: boolean;
  /** `startup` while the config file loads; `running` on the management port. */
  phase: 'startup' | 'running';
}

export interface ApplyResult {
  /** A new model; the input is never mutated. Unchanged input when the command failed. */
  model: ConfigModel;
  /** False when Perlbal's handler returned false or died (config loading would stop). */
  ok: boolean;
  /** Perlbal prints `OK` after this command when the context is verbose. */
  printOk: boolean;
  /** The other lines Perlbal prints for this command, `ERROR: ...` included, no line endings. */
  output: string[];
  /** Errors (when !ok) and warnings. */
  diagnostics: ConfigDiagnostic[];
}

export interface Op {
  /** Working copy; mutate freely. */
  model: ConfigModel;
  ctx: CommandContext;
  env: ApplyEnv;
  cmd: ConfigCommand;
  diagnostics: ConfigDiagnostic[];
  output: string[];
  printOk: boolean;
  /** Perlbal changed state before failing (e.g. SET role then a bad DEFAULT): keep the copy. */
  keepOnFailure: boolean;
  /** INCLUDE nesting depth of the file this command came from. */
  includeDepth: number;
  /** Loads INCLUDE'd files into `model` (provided by apply.ts); false when the INCLUDE fails. */
  include: (globs: string, span: Span) => boolean;
}

export function newOp(
  model: ConfigModel,
  cmd: ConfigCommand,
  ctx: CommandContext,
  env: ApplyEnv,
  include: Op['include'],
  includeDepth = 0,
): Op {
  return {
    include,
    model: structuredClone(model),
    ctx,
    env,
    cmd,
    diagnostics: [],
    output: [],
    printOk: false,
    keepOnFailure: false,
    includeDepth,
  };
}

/** `$mc->err(...)`: records the error, prints `ERROR: <perlbal>` and fails the command. */
export function fail(
  op: Op,
  code: DiagnosticCode,
  params: MessageParams,
  span: Span,
  perlbal?: string,
): false {
  op.diagnostics.push(createDiagnostic(code, params, span, perlbal, 'error'));
  if (perlbal !== undefined) op.output.push(`ERROR: ${perlbal}`);
  return false;
}

/** A diagnostic that does not fail the command (our warnings, Perlbal's stderr warnings). */
export function note(
  op: Op,
  code: DiagnosticCode,
  params: MessageParams,
  span: Span,
  perlbal?: string,
  severity?: Severity,
): void {
  op.diagnostics.push(createDiagnostic(code, params, span, perlbal, severity));
}

/** `$mc->ok`: success, printing `OK` when verbose. */
export function ok(op: Op): true {
  op.printOk = true;
  return true;
}

/** `return 1` without `$mc->ok`: success that prints nothing. */
export function done(_op: Op): true {
  return true;
}

/** The original span of a named token, or the whole command's span. */
export function tokenSpan(cmd: ConfigCommand, token: string): Span {
  return cmd.tokens?.[token] ?? cmd.span;
}
