/**
 * Shared pieces of the per-verb parsers: the result type and Perlbal's three kinds of parse
 * failure (a usage text, "Invalid syntax to '<base>' command", "The '<base>' command takes
 * no arguments"), which ManageCommand::parse / parse_error / no_opts produce.
 */
import { createDiagnostic, type ConfigDiagnostic } from './diagnostics.js';
import { commandSpan, type PreLine } from './preprocess.js';
import type { Span } from './span.js';

/** What a verb parser returns: the kind-specific fields and token spans, or a diagnostic. */
export type VerbParse<T> =
  { fields: T; tokens: Record<string, Span> } | { error: ConfigDiagnostic };

export function isParseError<T>(r: VerbParse<T>): r is { error: ConfigDiagnostic } {
  return 'error' in r;
}

/** A usage error: Perlbal prints `usage` verbatim after `ERROR: `. */
export function usageError(
  pre: PreLine,
  grammar: string,
  usage: string,
): { error: ConfigDiagnostic } {
  return {
    error: createDiagnostic(
      'invalid_syntax',
      { what: `This line does not match ${grammar}` },
      commandSpan(pre),
      usage,
    ),
  };
}

/** `parse_error` without a usage text. */
export function syntaxError(
  pre: PreLine,
  base: string,
  grammar: string,
): { error: ConfigDiagnostic } {
  return usageError(pre, grammar, `Invalid syntax to '${base}' command`);
}

/** `no_opts`: the command must be exactly its base word. */
export function noArgsError(pre: PreLine, base: string): { error: ConfigDiagnostic } {
  return {
    error: createDiagnostic(
      'invalid_syntax',
      { what: `'${base.toUpperCase()}' takes no arguments` },
      commandSpan(pre),
      `The '${base}' command takes no arguments`,
    ),
  };
}

/** Token spans without the groups that did not take part. */
export function tokensOf(spans: Record<string, Span | undefined>): Record<string, Span> {
  const out: Record<string, Span> = {};
  for (const [k, v] of Object.entries(spans)) if (v) out[k] = v;
  return out;
}
