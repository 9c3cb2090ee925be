/**
 * The request inspector's filter language: text -> expression tree. It lives in common/
 * because both sides evaluate it: the UI on records as they arrive, the core over its whole
 * capture (listRequests), where the headers of every request still are.
 *
 *   status>=500 and not reproxied
 *   (host:lj.localhost or host:*.lj.localhost) path:/talkscreen
 *   header:x-reproxy-url  duration>250  size>1k  error:ECONNREFUSED  -method:HEAD
 *
 * Terms next to each other are and-ed. `not`, `-` and `!` negate. Parsing never throws on
 * user input: errors come back with the offset of the offending token.
 */

export type CompareOp = ':' | '=' | '!=' | '>' | '>=' | '<' | '<=';

export type FilterField =
  | 'status'
  | 'method'
  | 'host'
  | 'path'
  | 'service'
  | 'pool'
  | 'node'
  | 'client'
  | 'header'
  | 'duration'
  | 'size'
  | 'error'
  | 'reproxied'
  | 'tag';

export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'term'; field: FilterField; op: CompareOp | null; value: string }
  /** A bare word: matched against host and path. */
  | { kind: 'text'; value: string }
  /** The empty filter: everything matches. */
  | { kind: 'all' };

export interface FilterError {
  message: string;
  offset: number;
}

export type FilterParse = { ok: true; expr: FilterExpr } | { ok: false; error: FilterError };

/** Every field with a line of help: the autocomplete list and the docs table. */
export const FILTER_FIELDS: ReadonlyArray<{ field: FilterField; help: string; example: string }> = [
  { field: 'status', help: 'response status; 5xx, comparisons', example: 'status>=500' },
  { field: 'method', help: 'request method', example: 'method:POST' },
  { field: 'host', help: 'Host header, * wildcards', example: 'host:*.lj.localhost' },
  { field: 'path', help: 'request URI, substring or * wildcards', example: 'path:/userpic/' },
  { field: 'service', help: 'service that answered', example: 'service:proxy' },
  { field: 'pool', help: 'pool the backend came from', example: 'pool:backends' },
  { field: 'node', help: 'backend node ip:port', example: 'node:127.0.0.1:8081' },
  { field: 'client', help: 'client ip:port', example: 'client:127.0.0.1' },
  {
    field: 'header',
    help: 'a header in any direction; name or name=value',
    example: 'header:x-reproxy-url',
  },
  { field: 'duration', help: 'total time in ms', example: 'duration>250' },
  { field: 'size', help: 'bytes sent to the client; k/m suffixes', example: 'size>1k' },
  { field: 'error', help: 'failed in the proxy; or an error code', example: 'error:ECONNREFUSED' },
  { field: 'reproxied', help: 'went through X-REPROXY-*', example: 'reproxied' },
  { field: 'tag', help: 'record tag', example: 'tag:client-closed' },
];

/** Fields that may stand alone (`error`, `reproxied`). */
const FLAGS: ReadonlySet<FilterField> = new Set(['error', 'reproxied']);
const NUMERIC: ReadonlySet<FilterField> = new Set(['status', 'duration', 'size']);
const FIELD_NAMES: ReadonlySet<string> = new Set(FILTER_FIELDS.map((f) => f.field));

interface Token {
  kind: 'word' | '(' | ')';
  text: string;
  offset: number;
  quoted: boolean;
}

/** Words, parentheses and "quoted strings" (a quote may also start after `field:`). */
export function lexFilter(src: string): Token[] | FilterError {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ kind: c, text: c, offset: i, quoted: false });
      i++;
      continue;
    }
    const start = i;
    let text = '';
    let quoted = false;
    while (i < src.length && !/[\s()]/.test(src[i]!)) {
      if (src[i] === '"') {
        const end = src.indexOf('"', i + 1);
        if (end < 0) return { message: 'Unclosed quote', offset: i };
        text += src.slice(i + 1, end);
        // Only a wholly quoted word is plain text; `field:"a b"` is still a term.
        if (i === start) quoted = true;
        i = end + 1;
      } else {
        text += src[i];
        i++;
      }
    }
    out.push({ kind: 'word', text, offset: start, quoted });
  }
  return out;
}

const TERM = /^([a-zA-Z]+)(>=|<=|!=|:|=|>|<)(.*)$/s;

export function parseFilter(src: string): FilterParse {
  const lexed = lexFilter(src);
  if (!Array.isArray(lexed)) return { ok: false, error: lexed };
  const toks: Token[] = lexed;
  if (toks.length === 0) return { ok: true, expr: { kind: 'all' } };
  let pos = 0;
  const peek = (): Token | undefined => toks[pos];
  const isWord = (t: Token | undefined, w: string): boolean =>
    t?.kind === 'word' && !t.quoted && t.text.toLowerCase() === w;
  const fail = (message: string, offset: number): never => {
    throw new FilterSyntax(message, offset);
  };

  function orExpr(): FilterExpr {
    let left = andExpr();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  }

  function andExpr(): FilterExpr {
    let left = unary();
    for (;;) {
      const t = peek();
      if (!t || t.kind === ')' || isWord(t, 'or')) return left;
      if (isWord(t, 'and')) pos++;
      left = { kind: 'and', left, right: unary() };
    }
  }

  function unary(): FilterExpr {
    const t = peek();
    if (!t) return fail('Expected a term at the end', src.length);
    if (isWord(t, 'not')) {
      pos++;
      return { kind: 'not', expr: unary() };
    }
    if (
      t.kind === 'word' &&
      !t.quoted &&
      (t.text.startsWith('-') || t.text.startsWith('!')) &&
      t.text.length > 1 &&
      !t.text.startsWith('!=')
    ) {
      toks[pos] = { ...t, text: t.text.slice(1), offset: t.offset + 1 };
      return { kind: 'not', expr: unary() };
    }
    return primary();
  }

  function primary(): FilterExpr {
    const t = peek()!;
    if (t.kind === '(') {
      pos++;
      const e = orExpr();
      if (peek()?.kind !== ')') fail('Missing )', peek()?.offset ?? src.length);
      pos++;
      return e;
    }
    if (t.kind === ')') return fail('Unexpected )', t.offset);
    if (isWord(t, 'and') || isWord(t, 'or'))
      return fail(`'${t.text}' needs a term before it`, t.offset);
    pos++;
    return term(t);
  }

  function term(t: Token): FilterExpr {
    const m = t.quoted ? null : TERM.exec(t.text);
    if (!m) {
      const word = t.text.toLowerCase();
      if (!t.quoted && FLAGS.has(word as FilterField))
        return { kind: 'term', field: word as FilterField, op: null, value: '' };
      return { kind: 'text', value: t.text };
    }
    const field = m[1]!.toLowerCase();
    const op = m[2] as CompareOp;
    const value = m[3]!;
    if (!FIELD_NAMES.has(field)) return fail(`Unknown field '${m[1]}'`, t.offset);
    const f = field as FilterField;
    if (value === '')
      return fail(`'${field}${op}' needs a value`, t.offset + m[1]!.length + op.length);
    if ((op === '>' || op === '>=' || op === '<' || op === '<=') && !NUMERIC.has(f))
      return fail(`'${field}' cannot be compared with ${op}`, t.offset + m[1]!.length);
    if (
      NUMERIC.has(f) &&
      !(f === 'status' && /^[1-5]xx$/i.test(value)) &&
      parseNumber(value) === null
    )
      return fail(`'${value}' is not a number`, t.offset + m[1]!.length + op.length);
    return { kind: 'term', field: f, op, value };
  }

  try {
    const expr = orExpr();
    const rest = peek();
    if (rest)
      return { ok: false, error: { message: `Unexpected '${rest.text}'`, offset: rest.offset } };
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof FilterSyntax)
      return { ok: false, error: { message: e.message, offset: e.offset } };
    throw e;
  }
}

class FilterSyntax extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** `250`, `1.5k`, `2m` (binary: k = 1024) -> number; null when it is not one. */
export function parseNumber(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(k|m|ms|s)?$/i.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]);
  switch (m[2]?.toLowerCase()) {
    case 'k':
      return n * 1024;
    case 'm':
      return n * 1024 * 1024;
    case 's':
      return n * 1000;
    default:
      return n;
  }
}
