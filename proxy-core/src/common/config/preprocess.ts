/**
 * Line pre-processing, in the exact order of `Perlbal::run_manage_command`: strip `#...`, trim
 * and collapse whitespace (this is `orig`), expand `${ip:iface}`, expand `$NAME`, lower-case
 * everything before the first `=`. Every processed character remembers the original columns it
 * came from, so diagnostics can point at the token the user typed.
 */
import type { ApplyEnv } from './env.js';
import { createDiagnostic, type ConfigDiagnostic } from './diagnostics.js';
import { isPerlSpace, lcAscii } from './perl-text.js';
import { lineSpan, type Span } from './span.js';

/** Text plus, per character, the 0-based original range [start, end) it came from. */
interface MappedText {
  text: string;
  starts: number[];
  ends: number[];
}

export interface PreLine {
  lineNo: number;
  /** The raw line as given (without its line ending). */
  raw: string;
  /** Perlbal's `orig`: comment removed, whitespace collapsed, variables NOT expanded. */
  orig: string;
  /** Perlbal's `cmd`: fully processed. Empty for blank and comment-only lines. */
  text: string;
  /** Text after the first `#`, when there is one. */
  comment?: string;
  /** True when the line has code and the `#` touches a non-space character (`a#b`). */
  hashInsideWord: boolean;
  /** True when expansion left a leading space: Perlbal silently ignores such a line. */
  ignored: boolean;
  /** Problems found while expanding variables; an error here means the line can't run. */
  diagnostics: ConfigDiagnostic[];
  origMap: MappedText;
  map: MappedText;
}

function emptyMapped(): MappedText {
  return { text: '', starts: [], ends: [] };
}

function pushMapped(m: MappedText, text: string, start: number, end: number): void {
  for (const ch of text) {
    for (let k = 0; k < ch.length; k++) {
      m.starts.push(start);
      m.ends.push(end);
    }
    m.text += ch;
  }
}

/** Step 2: trim, and turn every run of Perl whitespace into one space. */
function collapse(code: string): MappedText {
  const out = emptyMapped();
  let i = 0;
  while (i < code.length && isPerlSpace(code[i]!)) i++;
  let end = code.length;
  while (end > i && isPerlSpace(code[end - 1]!)) end--;
  while (i < end) {
    if (isPerlSpace(code[i]!)) {
      const runStart = i;
      while (i < end && isPerlSpace(code[i]!)) i++;
      pushMapped(out, ' ', runStart, i);
    } else {
      pushMapped(out, code[i]!, i, i + 1);
      i++;
    }
  }
  return out;
}

/** Replaces every match of `re` (global) via `replace`, keeping the character map. */
function substitute(
  input: MappedText,
  re: RegExp,
  replace: (match: RegExpExecArray, start: number, end: number) => string,
): MappedText {
  const out = emptyMapped();
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(input.text); m !== null; m = re.exec(input.text)) {
    for (let k = last; k < m.index; k++)
      pushMapped(out, input.text[k]!, input.starts[k]!, input.ends[k]!);
    const start = input.starts[m.index]!;
    const end = input.ends[m.index + m[0].length - 1]!;
    pushMapped(out, replace(m, start, end), start, end);
    last = m.index + m[0].length;
  }
  for (let k = last; k < input.text.length; k++)
    pushMapped(out, input.text[k]!, input.starts[k]!, input.ends[k]!);
  return out;
}

/**
 * `_expand_config_var` for the text inside `${...}`: the address, or a diagnostic (Perlbal
 * dies here, outside its error trap).
 */
function expandConfigVar(inner: string, env: ApplyEnv, span: Span): string | ConfigDiagnostic {
  const bad = (reason: string, perlbal: string) =>
    createDiagnostic('unknown_variable', { name: inner, reason }, span, perlbal);
  const parts = /^(\w+):(.+)$/s.exec(inner);
  if (!parts) return bad('the form is ${ip:<interface>}', `Unknown config variable: ${inner}`);
  const [, type, arg] = parts as unknown as [string, string, string];
  if (type !== 'ip') {
    return bad(
      `'${type}' is not a variable type (only 'ip' exists)`,
      `Unknown config variable type: ${type}`,
    );
  }
  if (!/^\w+$/.test(arg))
    return bad(`'${arg}' is not an interface name`, 'Bogus-looking iface name');
  const found: unknown = env.interfaceAddress(arg);
  if (typeof found === 'string') return found;
  return createDiagnostic(
    'unknown_interface',
    { iface: arg },
    span,
    `Can't find IP of interface '${arg}'`,
  );
}

/** Step 4: `${type:arg}` (`Perlbal::_expand_config_var`). Only `ip` exists. */
function expandBraces(
  input: MappedText,
  env: ApplyEnv,
  lineNo: number,
  diags: ConfigDiagnostic[],
): MappedText {
  return substitute(input, /\$\{(.+?)\}/gs, (m, start, end) => {
    const r = expandConfigVar(m[1]!, env, lineSpan(lineNo, start + 1, end + 1));
    if (typeof r === 'string') return r;
    diags.push(r);
    return '';
  });
}

/** Step 5: `$NAME` from the environment; unset expands to ''. */
function expandVars(
  input: MappedText,
  env: ApplyEnv,
  lineNo: number,
  diags: ConfigDiagnostic[],
): MappedText {
  return substitute(input, /\$(\w+)/g, (m, start, end) => {
    const found: unknown = env.getenv(m[1]!);
    const value = typeof found === 'string' ? found : undefined;
    if (value === undefined) {
      diags.push(
        createDiagnostic('unset_variable', { name: m[1]! }, lineSpan(lineNo, start + 1, end + 1)),
      );
      return '';
    }
    return value;
  });
}

/** Step 6: lower-case everything before the first `=` (ASCII only, so columns stay put). */
function lowerBeforeEquals(input: MappedText): MappedText {
  const eq = input.text.indexOf('=');
  const cut = eq < 0 ? input.text.length : eq;
  return { ...input, text: lcAscii(input.text.slice(0, cut)) + input.text.slice(cut) };
}

export function preprocessLine(raw: string, env: ApplyEnv, lineNo: number): PreLine {
  const hash = raw.indexOf('#');
  const code = hash < 0 ? raw : raw.slice(0, hash);
  const origMap = collapse(code);
  const diagnostics: ConfigDiagnostic[] = [];
  let map = expandBraces(origMap, env, lineNo, diagnostics);
  map = expandVars(map, env, lineNo, diagnostics);
  map = lowerBeforeEquals(map);
  const ignored = map.text.length > 0 && isPerlSpace(map.text[0]!);
  const pre: PreLine = {
    lineNo,
    raw,
    orig: origMap.text,
    text: ignored ? '' : map.text,
    hashInsideWord: hash > 0 && origMap.text.length > 0 && !isPerlSpace(raw[hash - 1]!),
    ignored,
    diagnostics,
    origMap,
    map,
  };
  if (hash >= 0) pre.comment = raw.slice(hash + 1).replace(/[ \t\n\r\f\v]+$/, '');
  return pre;
}

/** The original span of processed characters [from, to). */
export function spanOf(pre: PreLine, from: number, to: number, useOrig = false): Span {
  const m = useOrig ? pre.origMap : pre.map;
  if (m.text.length === 0) return lineSpan(pre.lineNo, 1, Math.max(1, pre.raw.length + 1));
  if (to <= from) {
    const col = from < m.text.length ? m.starts[from]! : m.ends[m.text.length - 1]!;
    return lineSpan(pre.lineNo, col + 1, col + 1);
  }
  const a = Math.min(from, m.text.length - 1);
  const b = Math.min(to, m.text.length) - 1;
  return lineSpan(pre.lineNo, m.starts[a]! + 1, m.ends[b]! + 1);
}

/** The span of the whole command (its code, without the comment). */
export function commandSpan(pre: PreLine): Span {
  return spanOf(pre, 0, pre.origMap.text.length, true);
}
