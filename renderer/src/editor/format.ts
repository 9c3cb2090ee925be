/**
 * Format: the core's printer (two-space indentation inside CREATE blocks, one blank line between
 * groups, comments kept) plus Perlbal's canonical case: upper-case verbs and keywords, lower-case
 * names and keys. Case is only changed where Perlbal lower-cases the text anyway (before the
 * first `=`, never LOAD's name, never a `$VAR`), and the result is re-checked: if the model or
 * the diagnostics would differ, nothing is reformatted.
 */
import { checkConfig, parseConfig, permissiveEnv, print } from './config-lib.js';
import type { ApplyEnv, ConfigCommand } from './config-lib.js';
import { isSubkeyword } from './vocabulary.js';

export interface FormatResult {
  text: string;
  changed: boolean;
  /** Why the text was left alone, when formatting would have changed its meaning. */
  refused?: string;
}

/** Commands whose words before `=` are a verb, keywords and names (no free text). */
const NAME_WORDS: Partial<Record<ConfigCommand['kind'], (index: number) => boolean>> = {
  create: (i) => i === 2,
  use: (i) => i === 1,
  enable: (i) => i === 1,
  disable: (i) => i === 1,
  pool: (i) => i === 1 || i === 2,
  set: (i) => i >= 1,
  default: (i) => i >= 1,
  server: (i) => i >= 1,
};
/** `key = value` lines whose grammar allows any spacing around `=` (` ?= ?` after collapsing). */
const SPACED_EQUALS = new Set<ConfigCommand['kind']>(['set', 'default', 'server']);
/** Kinds that keep their text: LOAD's name is case-sensitive; the others are free-form. */
const VERBATIM = new Set<ConfigCommand['kind']>(['manage', 'invalid', 'ignored', 'comment']);

/** A word whose case may change: plain `\w` and dots, so no `$VAR` or `${ip:...}` inside. */
const PLAIN = /^[\w.]+$/;

function canonicalWord(cmd: ConfigCommand, verb: string, word: string, i: number): string {
  if (!PLAIN.test(word)) return word;
  if (i === 0) return word.toUpperCase();
  if (cmd.kind === 'load') return word;
  if (isSubkeyword(verb, word)) return word.toUpperCase();
  return NAME_WORDS[cmd.kind]?.(i) ? word.toLowerCase() : word;
}

/** The command's source in canonical case and spacing. */
export function canonicalSource(cmd: ConfigCommand): string | undefined {
  const source = cmd.source;
  if (source === undefined || VERBATIM.has(cmd.kind)) return source;
  const eq = source.indexOf('=');
  const head = eq < 0 ? source : source.slice(0, eq);
  const words = head.trim().split(' ');
  const verb = words[0]!.toLowerCase();
  const canonHead = words.map((w, i) => canonicalWord(cmd, verb, w, i)).join(' ');
  if (eq < 0) return canonHead;
  const value = source.slice(eq + 1);
  if (SPACED_EQUALS.has(cmd.kind)) return `${canonHead} = ${value.trimStart()}`;
  return canonHead + source.slice(head.trimEnd().length);
}

/** Codes that formatting is meant to make go away (`a#b` becomes `a #b`). */
const FORMAT_FIXES = new Set(['comment_in_value']);

/** Why `after` would mean something else than `before`, or undefined. */
function meaningChange(before: string, after: string, env: ApplyEnv): string | undefined {
  const a = checkConfig(before, env);
  const b = checkConfig(after, env);
  if (JSON.stringify(a.model) !== JSON.stringify(b.model)) return 'the config would change';
  const codes = (ds: typeof a.diagnostics) =>
    ds
      .filter((d) => !FORMAT_FIXES.has(d.code))
      .map((d) => `${d.code}/${d.severity}`)
      .join(',');
  if (codes(a.diagnostics) !== codes(b.diagnostics)) return 'the diagnostics would change';
  return undefined;
}

/** Formats a whole config; never changes what it means (see the file comment). */
export function formatConfig(text: string, env: ApplyEnv = permissiveEnv): FormatResult {
  const { commands } = parseConfig(text, env);
  const canonical = commands.map((cmd) => {
    const source = canonicalSource(cmd);
    return source === undefined ? cmd : ({ ...cmd, source } as ConfigCommand);
  });
  const out = print(canonical);
  if (out === text) return { text, changed: false };
  const problem = meaningChange(text, out, env);
  if (problem) {
    return { text, changed: false, refused: `Not formatted: ${problem}. Nothing was changed.` };
  }
  return { text: out, changed: true };
}
