/**
 * Running Perlbal's per-verb regexes (ManageCommand::parse) on a pre-processed line, with the
 * original span of every capture group. Regexes are written in Perl syntax for `\s`/`\S`, which
 * are converted to Perl's ASCII-only classes.
 */
import { spanOf, type PreLine } from './preprocess.js';
import type { Span } from './span.js';

export interface LineMatch {
  /** `groups[n]` is Perl's `$n` (undefined when the group did not take part). */
  groups: Array<string | undefined>;
  /** The original span of each group (undefined when the group did not take part). */
  spans: Array<Span | undefined>;
}

const regexCache = new Map<string, RegExp>();

/** Compiles a Perl-flavoured pattern: `\s`, `\S` become ASCII classes; `.` matches anything. */
export function perlRe(source: string, flags = ''): RegExp {
  const key = `${flags}/${source}`;
  let re = regexCache.get(key);
  if (!re) {
    const js = source.replace(/\\\\|\\s|\\S/g, (m) =>
      m === '\\s' ? '[ \\t\\n\\r\\f\\v]' : m === '\\S' ? '[^ \\t\\n\\r\\f\\v]' : m,
    );
    re = new RegExp(js, `${flags}ds`);
    regexCache.set(key, re);
  }
  return re;
}

function toMatch(pre: PreLine, m: RegExpExecArray, useOrig: boolean): LineMatch {
  const groups: Array<string | undefined> = [];
  const spans: Array<Span | undefined> = [];
  const indices = m.indices!;
  for (let i = 0; i < m.length; i++) {
    groups.push(m[i]);
    const range = indices[i];
    spans.push(range ? spanOf(pre, range[0], range[1], useOrig) : undefined);
  }
  return { groups, spans };
}

/** Matches Perlbal's processed command text (`$mc->cmd`). */
export function matchLine(pre: PreLine, re: RegExp): LineMatch | null {
  const m = re.exec(pre.text);
  return m ? toMatch(pre, m, false) : null;
}

/** Matches the whitespace-collapsed original text (`$mc->orig`, used by LOAD). */
export function matchOrig(pre: PreLine, re: RegExp): LineMatch | null {
  const m = re.exec(pre.orig);
  return m ? toMatch(pre, m, true) : null;
}
