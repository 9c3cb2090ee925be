/**
 * Perl regular expressions as config values (VPATH, Highpri and NotModified patterns, Throttle
 * path_regex): a structural check that reproduces Perl's compile errors for the common mistakes,
 * and a best-effort translation to a JS RegExp for the runtime.
 */

export interface PerlRegexProblem {
  /** Perl's message up to " at <file> line N." (`Unmatched ( in regex; marked by ...`). */
  perlbal: string;
  /** The same in words. */
  reason: string;
}

function marked(kind: string, src: string, at: number): string {
  return `${kind} in regex; marked by <-- HERE in m/${src.slice(0, at)} <-- HERE ${src.slice(at)}/`;
}

/** Finds the end of a `[...]` class starting at `i`, or -1 when it is not terminated. */
function classEnd(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === '^') j++;
  if (src[j] === ']') j++;
  for (; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (src[j] === ']') return j;
  }
  return -1;
}

function isQuantifierAt(src: string, i: number): boolean {
  const ch = src[i];
  return (
    ch === '*' || ch === '+' || ch === '?' || (ch === '{' && /^\{\d+(,\d*)?\}/.test(src.slice(i)))
  );
}

/** The first compile error Perl would report, or undefined when the regex looks valid. */
export function perlRegexProblem(src: string): PerlRegexProblem | undefined {
  const opens: number[] = [];
  let atomBefore = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      i++;
      atomBefore = true;
    } else if (ch === '[') {
      const end = classEnd(src, i);
      if (end < 0)
        return { perlbal: marked('Unmatched [', src, i + 1), reason: "a '[' is never closed" };
      i = end;
      atomBefore = true;
    } else if (ch === '(') {
      opens.push(i);
      if (src[i + 1] === '?') i++;
      atomBefore = false;
    } else if (ch === ')') {
      if (opens.pop() === undefined)
        return { perlbal: marked('Unmatched )', src, i + 1), reason: "a ')' has no matching '('" };
      atomBefore = true;
    } else if (ch === '|') {
      atomBefore = false;
    } else if (isQuantifierAt(src, i)) {
      if (!atomBefore)
        return {
          perlbal: marked('Quantifier follows nothing', src, i + 1),
          reason: `'${ch}' follows nothing`,
        };
      if (ch === '{') i = src.indexOf('}', i);
      if (src[i + 1] === '?' || src[i + 1] === '+') i++;
      atomBefore = false;
    } else {
      atomBefore = ch !== '^';
    }
  }
  const open = opens.pop();
  if (open !== undefined)
    return { perlbal: marked('Unmatched (', src, open + 1), reason: "a '(' is never closed" };
  return undefined;
}

/**
 * A JS RegExp with Perl's meaning for the usual subset: `\A`, `\z`, `\Z`, a leading `(?i)`,
 * POSIX classes, and Perl's ASCII `\s`. Undefined when JS can't express the pattern.
 */
export function perlRegexToJs(src: string): RegExp | undefined {
  let flags = 's';
  let body = src;
  const lead = /^\(\?([imsx]+)\)/.exec(body);
  if (lead) {
    if (lead[1]!.includes('i')) flags += 'i';
    if (lead[1]!.includes('m')) flags += 'm';
    body = body.slice(lead[0].length);
  }
  body = body
    .replace(
      /\\\\|\\A|\\z|\\Z|\\s|\\S/g,
      (m) =>
        ({
          '\\\\': '\\\\',
          '\\A': '^',
          '\\z': '$',
          '\\Z': '(?=\\n?$)',
          '\\s': '[ \\t\\n\\r\\f\\v]',
          '\\S': '[^ \\t\\n\\r\\f\\v]',
        })[m]!,
    )
    .replace(/\[:(\w+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
  if (!flags.includes('m')) body = body.replace(/(^|[^\\])\$$/, '$1(?=\\n?$)');
  try {
    return new RegExp(body, flags);
  } catch {
    return undefined;
  }
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  word: '\\w',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
};
