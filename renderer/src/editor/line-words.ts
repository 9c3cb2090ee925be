/**
 * Splits one config line into the words Perlbal sees (after `#` stripping and whitespace
 * collapsing), keeping each word's column, so completion and hover know which part of a
 * command the cursor is in: the verb, a name, a key before `=`, or the value after it.
 */

export interface LineWord {
  text: string;
  /** 0-based column of the first character, end exclusive. */
  from: number;
  to: number;
  /** The word comes after the line's first `=` (Perlbal keeps the case of that part). */
  afterEquals: boolean;
}

export interface LineWords {
  words: LineWord[];
  /** Column of the first `=` before any `#`, or -1. */
  equals: number;
  /** Column of the `#` that starts a comment, or -1. */
  comment: number;
}

/**
 * Words are runs of non-space characters; `=` is a separator of its own, so `key=value` gives
 * `key` and `value`. A `.` joining a service name and a key stays inside the word.
 */
export function lineWords(line: string): LineWords {
  const comment = line.indexOf('#');
  const code = comment < 0 ? line : line.slice(0, comment);
  const equals = code.indexOf('=');
  const words: LineWord[] = [];
  for (const m of code.matchAll(/[^\s=]+/g)) {
    const from = m.index;
    words.push({
      text: m[0],
      from,
      to: from + m[0].length,
      afterEquals: equals >= 0 && from > equals,
    });
  }
  return { words, equals, comment };
}

/** Index of the word the column is in or right after (so `SET per|` finds `per`), else -1. */
export function wordAt(words: readonly LineWord[], column: number): number {
  return words.findIndex((w) => column >= w.from && column <= w.to);
}
