/**
 * The Perlbal config language as a pure library: parse, apply, check, dump, print, plus the
 * tunables table and plugin registry that drive them. Environment-free (runs in the renderer);
 * file and environment questions go through ApplyEnv.
 */
import { applyConfigAnchored } from './apply.js';
import type { ConfigCommand } from './commands.js';
import { createDiagnostic, type ConfigDiagnostic } from './diagnostics.js';
import type { ApplyEnv } from './env.js';
import { findService, type ConfigModel } from './model.js';
import { parseConfig } from './parse.js';

export * from './model.js';
export * from './span.js';
export type * from './commands.js';
export { MANAGE_VERBS } from './commands.js';
export type { ConfigDiagnostic, DiagnosticCode, Severity } from './diagnostics.js';
export { DIAGNOSTIC_CODES, formatDiagnostic, severityOf } from './diagnostics.js';
export { CORE_ROLES, TUNABLES, coreTunable, type TunableName } from './tunables.js';
export { allTunables, tunableFor, tunablesForRole } from './tunable-lookup.js';
export type { TunableDef, TunableType } from './tunable-types.js';
export { formatTunableValue } from './tunable-check.js';
export { PLUGINS, pluginByName, pluginModuleName, resolveLoadName } from './plugins/registry.js';
export type { PluginDef, PluginCommandDef, SetterDef } from './plugins/types.js';
export type * from './plugins/slices.js';
export { HIGHPRI_DEFAULT_URI } from './plugins/host-plugins.js';
export { CORE_COMMANDS, POOL_PARAMETERS, SERVER_KEYS } from './reference.js';
export { renderConfigReference } from './reference-doc.js';
export { type ApplyEnv, permissiveEnv } from './env.js';
export { parseConfig, parseLine } from './parse.js';
export { applyCommand, applyConfig, MAX_INCLUDE_DEPTH } from './apply.js';
export type { ApplyResult, CommandContext } from './apply-op.js';
export { dump } from './dump.js';
export { print } from './print.js';
export { dumpconfigPerlbal } from './dumpconfig-perlbal.js';
export { BUILTIN_MIME, effectiveMime } from './mime.js';
export { perlRegexProblem, perlRegexToJs } from './perl-regex.js';
export { parseNetmask } from './netmask.js';

/** Targets of VHOST/VPATH lines that name no service (checked only at request time by Perlbal). */
function missingTargets(
  commands: readonly ConfigCommand[],
  model: ConfigModel,
  file?: string,
): ConfigDiagnostic[] {
  const out: ConfigDiagnostic[] = [];
  for (const cmd of commands) {
    if (cmd.kind !== 'plugin' || (cmd.verb !== 'VHOST' && cmd.verb !== 'VPATH')) continue;
    const target = cmd.args.target;
    if (findService(model, target)) continue;
    const lower = findService(model, target.toLowerCase())
      ? ` (service names are lower-case: write '${target.toLowerCase()}')`
      : '';
    const d = createDiagnostic(
      'unknown_target',
      { verb: cmd.verb, target, hint: lower },
      cmd.tokens?.['target'] ?? cmd.span,
    );
    if (file !== undefined) d.file = file;
    out.push(d);
  }
  return out;
}

/** A problem that stops Perlbal at startup: nothing listens. */
function nothingEnabled(
  commands: readonly ConfigCommand[],
  model: ConfigModel,
  file?: string,
): ConfigDiagnostic[] {
  const last = [...commands].reverse().find((c) => c.kind !== 'comment');
  if (!last || model.services.some((s) => s.enabled)) return [];
  const d = createDiagnostic(
    'nothing_enabled',
    {},
    last.span,
    'No services or management port configured.  Nothing to do.  Stopping.',
  );
  if (file !== undefined) d.file = file;
  return [d];
}

/**
 * Parse + apply + checks that need the whole file. Diagnostics come in line order; those of
 * INCLUDE'd files follow the INCLUDE line.
 */
export function checkConfig(
  text: string,
  env: ApplyEnv,
  file?: string,
): { commands: ConfigCommand[]; model: ConfigModel; diagnostics: ConfigDiagnostic[] } {
  const parsed = parseConfig(text, env, file);
  const { model, entries } = applyConfigAnchored(parsed.commands, env);
  const own = (d: ConfigDiagnostic) => d.file === undefined || d.file === file;
  const all = [
    ...parsed.diagnostics.map((d) => ({ anchor: d.span.line, diagnostic: d })),
    ...entries.map((e) => ({
      anchor: own(e.diagnostic) ? e.diagnostic.span.line : e.anchor,
      diagnostic: e.diagnostic,
    })),
    ...missingTargets(parsed.commands, model, file).map((d) => ({
      anchor: d.span.line,
      diagnostic: d,
    })),
  ].map((e, i) => ({ ...e, i, foreign: !own(e.diagnostic) }));
  all.sort((a, b) => {
    if (a.anchor !== b.anchor) return a.anchor - b.anchor;
    if (a.foreign !== b.foreign) return a.foreign ? 1 : -1;
    if (!a.foreign && a.diagnostic.span.column !== b.diagnostic.span.column)
      return a.diagnostic.span.column - b.diagnostic.span.column;
    return a.i - b.i;
  });
  const diagnostics = all.map((e) => e.diagnostic);
  if (file !== undefined) for (const d of diagnostics) d.file ??= file;
  diagnostics.push(...nothingEnabled(parsed.commands, model, file));
  return { commands: parsed.commands, model, diagnostics };
}
