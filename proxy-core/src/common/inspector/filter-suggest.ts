/**
 * Autocomplete for the filter box: what may come at the cursor. A field name (with its help
 * line) while typing a word; after `field:` the values the UI knows (services, pools, nodes
 * from the status, methods and hosts seen). Pure, so it is unit-tested without a DOM.
 */
import { FILTER_FIELDS, type FilterField } from './filter-parse.js';

export interface FilterSuggestion {
  /** What the box shows. */
  label: string;
  /** Replaces text[from, to) when picked. */
  insert: string;
  from: number;
  to: number;
  help?: string;
}

export type KnownValues = Partial<Record<FilterField, readonly string[]>>;

const KEYWORDS = ['and', 'or', 'not'];
const STATUS_VALUES = ['2xx', '3xx', '4xx', '5xx', '200', '304', '404', '500', '502', '503', '504'];

export function suggestFilter(
  text: string,
  cursor: number,
  known: KnownValues = {},
  max = 12,
): FilterSuggestion[] {
  // The word under the cursor: back to whitespace or a parenthesis.
  let from = cursor;
  while (from > 0 && !/[\s()]/.test(text[from - 1]!)) from--;
  let word = text.slice(from, cursor);
  // A leading negation stays in place.
  const neg = /^[-!]/.exec(word)?.[0] ?? '';
  from += neg.length;
  word = word.slice(neg.length);
  const m = /^([a-zA-Z]+)(>=|<=|!=|:|=|>|<)(.*)$/.exec(word);
  if (m) {
    const field = m[1]!.toLowerCase() as FilterField;
    const prefix = m[3]!.toLowerCase();
    const valueFrom = from + m[1]!.length + m[2]!.length;
    const values = field === 'status' ? STATUS_VALUES : (known[field] ?? []);
    return values
      .filter((v) => v.toLowerCase().startsWith(prefix) && v.toLowerCase() !== prefix)
      .slice(0, max)
      .map((v) => ({
        label: v,
        insert: /[\s()"]/.test(v) ? `"${v}"` : v,
        from: valueFrom,
        to: cursor,
      }));
  }
  const lower = word.toLowerCase();
  const out: FilterSuggestion[] = [];
  for (const f of FILTER_FIELDS) {
    if (!f.field.startsWith(lower)) continue;
    const standalone = f.field === 'reproxied' || f.field === 'error';
    const insert = standalone
      ? f.field
      : f.field === 'duration' || f.field === 'size'
        ? `${f.field}>`
        : `${f.field}:`;
    out.push({ label: insert, insert, from, to: cursor, help: `${f.help} — ${f.example}` });
  }
  if (word !== '' && neg === '')
    for (const k of KEYWORDS)
      if (k.startsWith(lower) && k !== lower) out.push({ label: k, insert: k, from, to: cursor });
  return out.slice(0, max);
}

/** The text after picking `s`, and where the cursor goes. */
export function applySuggestion(
  text: string,
  s: FilterSuggestion,
): { text: string; cursor: number } {
  const next = text.slice(0, s.from) + s.insert + text.slice(s.to);
  return { text: next, cursor: s.from + s.insert.length };
}
