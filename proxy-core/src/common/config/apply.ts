/**
 * ConfigCommand -> ConfigModel: the data-only counterpart of `Perlbal::run_manage_command`
 * (one command, `applyCommand`) and `Perlbal::load_config` (a file, `applyConfig`), which here
 * keeps going after an error to report every problem. INCLUDE'd files are applied in place.
 */
import {
  newOp,
  fail,
  note,
  done,
  type ApplyResult,
  type CommandContext,
  type Op,
} from './apply-op.js';
import { applyDefault, applyLoad, applyMime, applyServer, applyUnload } from './apply-global.js';
import { applyManage } from './apply-manage.js';
import {
  applyCreate,
  applyDisable,
  applyEnable,
  applyHeader,
  applySet,
  applyUse,
} from './apply-service.js';
import type { ConfigCommand, PluginCommand } from './commands.js';
import type { ConfigDiagnostic } from './diagnostics.js';
import type { ApplyEnv } from './env.js';
import type { ConfigModel } from './model.js';
import { emptyModel } from './model.js';
import { parseConfig } from './parse.js';
import { pluginCommand } from './plugins/registry.js';
import { applyPoolCommand } from './pool-set.js';
import { RoleResetTracker } from './role-reset.js';
import type { Span } from './span.js';

/** Perlbal recurses without limit; we stop here (docs/compatibility.md). */
export const MAX_INCLUDE_DEPTH = 8;

function applyPluginCommand(op: Op, cmd: PluginCommand): boolean {
  const entry = pluginCommand(cmd.verb.toLowerCase())!;
  if (!op.model.plugins.includes(entry.plugin.name)) {
    const what = `The ${cmd.verb} command`;
    return fail(
      op,
      'plugin_not_loaded',
      { what, module: entry.plugin.module },
      cmd.span,
      `unknown command: ${cmd.verb.toLowerCase()}`,
    );
  }
  return entry.command.apply(op, cmd);
}

function dispatch(op: Op, cmd: ConfigCommand): boolean {
  switch (cmd.kind) {
    case 'create':
      return applyCreate(op, cmd);
    case 'use':
      return applyUse(op, cmd);
    case 'set':
      return applySet(op, cmd);
    case 'default':
      return applyDefault(op, cmd);
    case 'enable':
      return applyEnable(op, cmd);
    case 'disable':
      return applyDisable(op, cmd);
    case 'pool':
      return applyPoolCommand(op, cmd);
    case 'header':
      return applyHeader(op, cmd);
    case 'load':
      return applyLoad(op, cmd);
    case 'unload':
      return applyUnload(op, cmd);
    case 'server':
      return applyServer(op, cmd);
    case 'mime':
      return applyMime(op, cmd);
    case 'plugin':
      return applyPluginCommand(op, cmd);
    case 'manage':
      return applyManage(op, cmd);
    // The parser already reported an invalid line; applying it just fails.
    case 'invalid':
      return false;
    case 'ignored':
    case 'comment':
      return done(op);
  }
}

function applyAt(
  model: ConfigModel,
  cmd: ConfigCommand,
  ctx: CommandContext,
  env: ApplyEnv,
  depth: number,
): ApplyResult {
  const op: Op = newOp(model, cmd, ctx, env, (globs, span) => runInclude(op, globs, span), depth);
  const success = dispatch(op, cmd);
  return {
    model: success || op.keepOnFailure ? op.model : model,
    ok: success,
    printOk: success && op.printOk,
    output: op.output,
    diagnostics: op.diagnostics,
  };
}

/**
 * Applies one command to a copy of `model`. `ctx.lastCreated` and `ctx.verbose` are updated in
 * place, like Perlbal's CommandContext.
 */
export function applyCommand(
  model: ConfigModel,
  command: ConfigCommand,
  ctx: CommandContext,
  env: ApplyEnv,
): ApplyResult {
  return applyAt(model, command, ctx, env, 0);
}

/** Perlbal::load_config for one included file: fresh context, stops at the first failure. */
function applyIncludedFile(op: Op, path: string, text: string): void {
  const parsed = parseConfig(text, op.env, path);
  const ctx: CommandContext = { lastCreated: null, verbose: false, phase: op.ctx.phase };
  let stopLine = Infinity;
  const applied: ConfigDiagnostic[] = [];
  for (const cmd of parsed.commands) {
    if (cmd.kind === 'invalid') {
      stopLine = cmd.span.line;
      break;
    }
    const r = applyAt(op.model, cmd, ctx, op.env, op.includeDepth + 1);
    op.model = r.model;
    applied.push(...r.diagnostics.map((d) => ({ ...d, file: d.file ?? path })));
    if (!r.ok) {
      stopLine = cmd.span.line;
      break;
    }
  }
  op.diagnostics.push(...parsed.diagnostics.filter((d) => d.span.line <= stopLine), ...applied);
}

function runInclude(op: Op, globs: string, span: Span): boolean {
  if (!op.env.readIncludes) {
    note(op, 'include_unchecked', {}, span);
    return true;
  }
  if (op.includeDepth >= MAX_INCLUDE_DEPTH)
    return fail(op, 'include_too_deep', { depth: MAX_INCLUDE_DEPTH }, span);
  for (const file of op.env.readIncludes(globs)) {
    if ('error' in file) {
      return fail(
        op,
        'include_failed',
        { path: file.path, reason: file.error },
        span,
        `Error opening config file (${file.path}): ${file.error}`,
      );
    }
    // Errors inside an included file don't fail the INCLUDE (Perlbal ignores load_config's result).
    applyIncludedFile(op, file.path, file.text);
  }
  return true;
}

export interface AppliedDiagnostic {
  /** The line of the command that produced it (for ordering diagnostics of included files). */
  anchor: number;
  diagnostic: ConfigDiagnostic;
}

/** applyConfig, keeping the command line each diagnostic came from. */
export function applyConfigAnchored(
  commands: readonly ConfigCommand[],
  env: ApplyEnv,
  base?: ConfigModel,
): { model: ConfigModel; entries: AppliedDiagnostic[] } {
  const ctx: CommandContext = { lastCreated: null, verbose: false, phase: 'startup' };
  let model = base ?? emptyModel();
  const entries: AppliedDiagnostic[] = [];
  const resets = new RoleResetTracker();
  for (const cmd of commands) {
    if (cmd.kind === 'invalid' || cmd.kind === 'comment' || cmd.kind === 'ignored') continue;
    const target = cmd.kind === 'set' ? (cmd.target ?? ctx.lastCreated) : null;
    const r = applyCommand(model, cmd, ctx, env);
    model = r.model;
    const found =
      r.ok && cmd.kind === 'set' && target !== null ? resets.afterSet(model, target, cmd) : [];
    for (const d of [...r.diagnostics, ...found])
      entries.push({ anchor: cmd.span.line, diagnostic: d });
  }
  return { model, entries };
}

/**
 * Applies a whole config with a fresh, non-verbose startup context (Perlbal::load_config),
 * skipping failed commands instead of stopping, so every problem is reported.
 */
export function applyConfig(
  commands: readonly ConfigCommand[],
  env: ApplyEnv,
  base?: ConfigModel,
): { model: ConfigModel; diagnostics: ConfigDiagnostic[] } {
  const { model, entries } = applyConfigAnchored(commands, env, base);
  return { model, diagnostics: entries.map((e) => e.diagnostic) };
}
