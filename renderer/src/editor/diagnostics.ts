/**
 * Live diagnostics: the core's own checkConfig (parse + apply + whole-file checks, the same code
 * the proxy runs on load) turned into CodeMirror lint diagnostics at the line and column each
 * ConfigDiagnostic names.
 */
import { linter, type Diagnostic } from '@codemirror/lint';
import type { Extension, Text } from '@codemirror/state';
import { checkConfig, permissiveEnv, type ApplyEnv, type ConfigDiagnostic } from './config-lib.js';

/** Lint runs this long after the last keystroke, so typing a word doesn't re-check each letter. */
export const LINT_DELAY_MS = 350;

export interface PerlbalLintOptions {
  /**
   * What the proxy's machine would answer about files and `$VARS`. Without it every path
   * exists and no variable is known, so file checks stay quiet and `$VAR` notes become hints.
   */
  env?: ApplyEnv;
  delay?: number;
}

/** The document offset of a 1-based line and column, clamped into the document. */
function offsetOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

/**
 * The editor can't know the proxy's environment, so an unset `$VAR` is a hint, not a warning,
 * unless the caller supplied the real environment.
 */
function adjust(d: ConfigDiagnostic, knowsEnv: boolean): ConfigDiagnostic {
  if (knowsEnv || d.code !== 'unset_variable') return d;
  return {
    ...d,
    severity: 'info',
    message: `${d.message} (here in the editor; the proxy expands it from its own environment)`,
  };
}

/** One ConfigDiagnostic as a CodeMirror diagnostic; span-less ones mark the first line. */
export function toLintDiagnostic(doc: Text, d: ConfigDiagnostic): Diagnostic {
  const from = offsetOf(doc, d.span.line, d.span.column);
  const to = Math.max(from, offsetOf(doc, d.span.endLine, d.span.endColumn));
  const out: Diagnostic = { from, to, severity: d.severity, message: d.message, source: d.code };
  return out;
}

/** checkConfig's diagnostics for the document's text, as lint diagnostics in line order. */
export function configDiagnostics(doc: Text, env?: ApplyEnv): Diagnostic[] {
  const { diagnostics } = checkConfig(doc.toString(), env ?? permissiveEnv);
  return diagnostics.map((d) => toLintDiagnostic(doc, adjust(d, env !== undefined)));
}

/** The debounced lint source for an editor. */
export function perlbalLinter(options: PerlbalLintOptions = {}): Extension {
  return linter((view) => configDiagnostics(view.state.doc, options.env), {
    delay: options.delay ?? LINT_DELAY_MS,
  });
}
