/**
 * Evaluates a parsed filter against one request. The subject is a summary plus, when the
 * caller has them, the record's header lists: `header:` terms need them, so the core (which
 * keeps every record) and the UI (which sees records as they arrive) can answer them, and a
 * summary alone answers false.
 */
import type { HeaderList, RequestRecord } from '../request-record.js';
import type { CompareOp, FilterExpr } from './filter-parse.js';
import { parseFilter, parseNumber } from './filter-parse.js';
import { summarize, type RequestSummary } from './request-summary.js';

export interface FilterSubject extends RequestSummary {
  /** Every header list of the record (client and backend, both ways), when known. */
  headers?: HeaderList[];
}

export function subjectOf(r: RequestRecord): FilterSubject {
  const headers = [r.requestHeaders, r.responseHeaders];
  if (r.backendRequestHeaders) headers.push(r.backendRequestHeaders);
  if (r.backendResponseHeaders) headers.push(r.backendResponseHeaders);
  return { ...summarize(r), headers };
}

/**
 * Answers `header:` terms for a subject without header lists: the core's capture keeps
 * headers interned, not as lists, and tests the term's spec (`name` or `name=value`) itself,
 * with headerSpec's rules.
 */
export type HeaderResolver = (spec: string, s: FilterSubject) => boolean;

export function evaluateFilter(e: FilterExpr, s: FilterSubject, header?: HeaderResolver): boolean {
  switch (e.kind) {
    case 'all':
      return true;
    case 'and':
      return evaluateFilter(e.left, s, header) && evaluateFilter(e.right, s, header);
    case 'or':
      return evaluateFilter(e.left, s, header) || evaluateFilter(e.right, s, header);
    case 'not':
      return !evaluateFilter(e.expr, s, header);
    case 'text':
      return contains(s.host, e.value) || contains(s.uri, e.value);
    case 'term':
      return term(e.field, e.op, e.value, s, header);
  }
}

/** A predicate from filter text; null (and the error) when the text does not parse. */
export function compileFilter(
  text: string,
  header?: HeaderResolver,
):
  | { ok: true; test: (s: FilterSubject) => boolean }
  | { ok: false; message: string; offset: number } {
  const p = parseFilter(text);
  if (!p.ok) return { ok: false, ...p.error };
  const expr = p.expr;
  return { ok: true, test: (s) => evaluateFilter(expr, s, header) };
}

function term(
  field: Extract<FilterExpr, { kind: 'term' }>['field'],
  op: CompareOp | null,
  value: string,
  s: FilterSubject,
  header: HeaderResolver | undefined,
): boolean {
  switch (field) {
    case 'status':
      if (/^[1-5]xx$/i.test(value)) {
        const hit = Math.floor(s.status / 100) === Number(value[0]);
        return op === '!=' ? !hit : hit;
      }
      return compare(s.status, op, value);
    case 'duration':
      return compare(s.totalMs, op, value);
    case 'size':
      return compare(s.bytesOut, op, value);
    case 'method':
      return equalOp(op, s.method.toUpperCase() === value.toUpperCase());
    case 'host':
      return equalOp(op, textMatch(s.host, value, op));
    case 'path':
      return equalOp(op, textMatch(s.uri, value, op));
    case 'service':
      return equalOp(op, textMatch(s.service, value, '='));
    case 'pool':
      return equalOp(op, textMatch(s.pool ?? '', value, '='));
    case 'node':
      return equalOp(op, textMatch(s.node ?? '', value, op));
    case 'client':
      return equalOp(op, textMatch(s.client, value, op));
    case 'tag':
      return equalOp(
        op,
        s.tags.some((t) => textMatch(t, value, op)),
      );
    case 'reproxied':
      return op === null ? s.reproxied : equalOp(op, s.reproxied === truthy(value));
    case 'error': {
      const failed = s.error !== undefined || s.status >= 500;
      if (op === null) return failed;
      if (value === 'true' || value === 'false') return equalOp(op, failed === truthy(value));
      const hit =
        (s.error !== undefined && contains(s.error, value)) ||
        s.tags.some(
          (t) => (t.startsWith('backend-error:') || t.startsWith('error:')) && contains(t, value),
        );
      return equalOp(op, hit);
    }
    case 'header':
      return equalOp(op, header ? header(value, s) : headerMatch(s.headers, value));
  }
}

/** `!=` negates; `:` and `=` do not. */
function equalOp(op: CompareOp | null, hit: boolean): boolean {
  return op === '!=' ? !hit : hit;
}

function compare(actual: number, op: CompareOp | null, value: string): boolean {
  const n = parseNumber(value);
  if (n === null) return false;
  switch (op) {
    case '>':
      return actual > n;
    case '>=':
      return actual >= n;
    case '<':
      return actual < n;
    case '<=':
      return actual <= n;
    case '!=':
      return actual !== n;
    default:
      return actual === n;
  }
}

function truthy(v: string): boolean {
  return !/^(false|no|0)$/i.test(v);
}

function contains(hay: string, needle: string): boolean {
  return hay.toLowerCase().includes(needle.toLowerCase());
}

/**
 * `:` is a substring match (or a glob when the value has `*`); `=` is exact (or a glob).
 * Case-insensitive: hosts and header names are.
 */
function textMatch(actual: string, pattern: string, op: CompareOp | null): boolean {
  if (pattern.includes('*')) return globToRegExp(pattern).test(actual);
  if (op === '=' || op === '!=') return actual.toLowerCase() === pattern.toLowerCase();
  return contains(actual, pattern);
}

const globCache = new Map<string, RegExp>();
function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    re = new RegExp(`^${body}$`, 'i');
    if (globCache.size > 200) globCache.clear();
    globCache.set(glob, re);
  }
  return re;
}

/**
 * A `header:` term's spec: `name` (present anywhere) or `name=value` (value contains, or
 * glob). `name` is lower-cased (header names are case-insensitive); `value` is null for a
 * name alone.
 */
export function headerSpec(spec: string): { name: string; value: ((v: string) => boolean) | null } {
  const eq = spec.indexOf('=');
  const name = (eq < 0 ? spec : spec.slice(0, eq)).toLowerCase();
  if (eq < 0) return { name, value: null };
  const pattern = spec.slice(eq + 1);
  return { name, value: (v) => textMatch(v, pattern, ':') };
}

function headerMatch(lists: HeaderList[] | undefined, spec: string): boolean {
  if (!lists) return false;
  const { name, value } = headerSpec(spec);
  for (const list of lists)
    for (const [n, v] of list) {
      if (n.toLowerCase() !== name) continue;
      if (value === null || value(v)) return true;
    }
  return false;
}
