/**
 * Glue from the core API (proxy-core/src/common/api: applyConfig, saveConfig) to the editor's
 * callbacks, so the app can write `onApply={applyWith((t) => client.applyConfig(t))}`. A
 * refused config arrives as a PB_ERR_CONFIG_INVALID rejection carrying its diagnostics; they
 * are shown with their line and column. Types are structural so the editor doesn't depend on
 * how the client is built.
 */
import { formatDiagnostic, type ConfigDiagnostic } from './config-lib.js';
import type {
  ApplyHandler,
  ApplyOutcome,
  EditorProblem,
  PlanHandler,
  PlanOutcome,
  SaveHandler,
} from './editor-types.js';

/** The parts of the core's AppliedConfig the editor shows. */
export interface AppliedConfigLike {
  changes: ReadonlyArray<{ kind: string; name: string; detail: string }>;
  diagnostics: readonly ConfigDiagnostic[];
}

/** `service web changed: listen 127.0.0.1:8080 -> 127.0.0.1:8090`. */
export function describeChange(change: AppliedConfigLike['changes'][number]): string {
  const [what = change.kind, verb = ''] = change.kind.split('-');
  const subject = change.name === '' ? what : `${what} ${change.name}`;
  return `${subject} ${verb}${change.detail ? `: ${change.detail}` : ''}`.trim();
}

function isDiagnostic(d: unknown): d is ConfigDiagnostic {
  return (
    typeof d === 'object' && d !== null && typeof (d as { message?: unknown }).message === 'string'
  );
}

/** The sentence for a rejected apply: the config's errors with positions, or the error itself. */
export function refusalText(e: unknown): string {
  const err = (typeof e === 'object' && e !== null ? e : {}) as {
    code?: unknown;
    message?: unknown;
    details?: { diagnostics?: unknown };
  };
  const found = err.details?.diagnostics;
  if (err.code === 'PB_ERR_CONFIG_INVALID' && Array.isArray(found)) {
    const errors = found.filter(isDiagnostic).filter((d) => d.severity === 'error');
    if (errors.length > 0) return errors.map((d) => formatDiagnostic(d)).join('\n');
  }
  return typeof err.message === 'string' ? err.message : String(e);
}

export function applyWith(apply: (text: string) => Promise<AppliedConfigLike>): ApplyHandler {
  return async (text): Promise<ApplyOutcome> => {
    try {
      const applied = await apply(text);
      return {
        ok: true,
        changes: applied.changes.map(describeChange),
        warnings: applied.diagnostics.map((d) => formatDiagnostic(d)),
      };
    } catch (e) {
      return { ok: false, error: refusalText(e) };
    }
  };
}

/** The parts of the core's ConfigPlan the editor shows. */
export interface ConfigPlanLike {
  ok: boolean;
  changes: AppliedConfigLike['changes'];
  diagnostics: readonly ConfigDiagnostic[];
}

/** A diagnostic as the editor lists it: clickable, at its line and column. */
export const problemOf = (d: ConfigDiagnostic): EditorProblem => ({
  line: d.span.line,
  column: d.span.column,
  severity: d.severity,
  text: d.message,
});

/** Apply's first step: what the core says applying would change, without changing anything. */
export function planWith(plan: (text: string) => Promise<ConfigPlanLike>): PlanHandler {
  return async (text): Promise<PlanOutcome> => {
    try {
      const p = await plan(text);
      const warnings = p.diagnostics.filter((d) => d.severity !== 'error');
      return {
        ok: p.ok,
        changes: p.changes.map(describeChange),
        problems: p.ok ? [] : p.diagnostics.filter((d) => d.severity === 'error').map(problemOf),
        warnings: warnings.map((d) => formatDiagnostic(d)),
      };
    } catch (e) {
      return { ok: false, changes: [], problems: [], warnings: [], error: refusalText(e) };
    }
  };
}

/** Save through the core, which writes only the config file it runs. */
export function saveWith(save: (text: string) => Promise<{ file: string }>): SaveHandler {
  return async (text) => ({ fileName: (await save(text)).file });
}
