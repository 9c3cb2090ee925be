/**
 * The header pairs of every record in the request capture, each distinct (name, value) kept
 * once with a count of the records that use it. A record keeps only its pairs' ids, packed
 * in a string of UTF-16 units, so forty headers cost a record about 170 bytes where arrays
 * of pairs cost ~4 KB (the same User-Agent, Cookie and Content-Type on every request, and
 * the backend's lists mostly repeat the client's). A `header:` filter tests each distinct
 * pair once, then each record's ids against that set.
 *
 * Layout of a record's code: units 0-1 an extra id (the record's route facts, interned the
 * same way under a name no header can have), then one count per header list (NONE when the
 * list is absent), then two units per pair id (high, low).
 */
import type { HeaderList } from '../../common/request-record.js';

const NONE = 0xffff;
/** A name no header has (names are tokens): the record's interned route facts live under it. */
export const META_NAME = '\u0000meta';
/**
 * What one distinct pair costs beyond its strings: the Map entry, and a slot in each of the
 * three id-indexed arrays. Measured with bench/capture-memory.mjs, rounded up.
 */
const PAIR_OVERHEAD = 112;
const NAME_OVERHEAD = 200;

/** V8 heap size of a one-byte string (16-byte header, 8-byte alignment). */
export function stringBytes(s: string): number {
  return (16 + s.length + 7) & ~7;
}

/** A header list to look for reusable ids in, its ids (from `at`, two units each), a cursor. */
interface Candidate {
  list: HeaderList;
  ids: readonly number[];
  at: number;
  j: number;
}

interface NameSlot {
  /** The first string seen for this name: every pair of the name shares it. */
  name: string;
  values: Map<string, number>;
}

export class PairTable {
  readonly #byName = new Map<string, NameSlot>();
  #names: string[] = [];
  #values: string[] = [];
  #refs: number[] = [];
  #free: number[] = [];
  #bytes = 0;
  readonly #units: number[] = [];
  /** The last record's lists and their ids: the next one mostly repeats them. */
  readonly #prev: Array<{ list: HeaderList; ids: number[] } | null> = [];
  /** Header lists per record (the codes' layout). */
  readonly #lists: number;

  constructor(lists: number) {
    this.#lists = lists;
  }

  /** Estimated memory of the distinct pairs. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Distinct pairs held. */
  get size(): number {
    return this.#names.length - this.#free.length;
  }

  #ref(name: string, value: string): number {
    let slot = this.#byName.get(name);
    if (slot === undefined) {
      slot = { name, values: new Map() };
      this.#byName.set(name, slot);
      this.#bytes += NAME_OVERHEAD + stringBytes(name);
    }
    let id = slot.values.get(value);
    if (id !== undefined) {
      this.#refs[id]!++;
      return id;
    }
    id = this.#free.pop() ?? this.#names.length;
    this.#names[id] = slot.name;
    this.#values[id] = value;
    this.#refs[id] = 1;
    slot.values.set(value, id);
    this.#bytes += PAIR_OVERHEAD + stringBytes(value);
    return id;
  }

  #unref(id: number): void {
    if (--this.#refs[id]! > 0) return;
    const name = this.#names[id]!;
    const value = this.#values[id]!;
    const slot = this.#byName.get(name)!;
    slot.values.delete(value);
    this.#bytes -= PAIR_OVERHEAD + stringBytes(value);
    if (slot.values.size === 0) {
      this.#byName.delete(name);
      this.#bytes -= NAME_OVERHEAD + stringBytes(name);
    }
    this.#names[id] = '';
    this.#values[id] = '';
    this.#free.push(id);
  }

  /** Intern `meta` and every pair of `lists`; the code to keep (release it when dropped). */
  encode(meta: string, lists: ReadonlyArray<HeaderList | undefined>): string {
    const u = this.#units;
    u.length = 0;
    const m = this.#ref(META_NAME, meta);
    u.push(m >>> 16, m & 0xffff);
    for (let k = 0; k < this.#lists; k++) {
      const l = lists[k];
      u.push(l ? Math.min(l.length, NONE - 1) : NONE);
    }
    const half = this.#lists >> 1;
    const prev = this.#prev;
    for (let k = 0; k < this.#lists; k++) {
      const l = lists[k];
      if (!l) continue;
      const n = Math.min(l.length, NONE - 1);
      // The backend's lists (k >= half) mostly repeat the client's pairs (k - half) in order,
      // often as the very same strings; and a list mostly repeats the previous record's
      // (the same browser, the same backend). Ids found there are reused without hashing.
      const twin = k >= half ? lists[k - half] : undefined;
      const t = twin ? { list: twin, ids: u, at: this.#offsetOf(k - half, lists), j: 0 } : null;
      const last = prev[k];
      const p = last ? { list: last.list, ids: last.ids, at: 0, j: 0 } : null;
      const start = u.length;
      for (let i = 0; i < n; i++) {
        // Indexes, not `const [name, value] =`: destructuring runs the iterator protocol.
        const pair = l[i]!;
        const name = pair[0];
        const value = pair[1];
        let id = t ? this.#reuse(t, name, value) : -1;
        if (id < 0 && p) id = this.#reuse(p, name, value);
        if (id >= 0) this.#refs[id]!++;
        else id = this.#ref(name, value);
        u.push(id >>> 16, id & 0xffff);
      }
      prev[k] = { list: l, ids: u.slice(start) };
    }
    for (let k = 0; k < this.#lists; k++) if (!lists[k]) prev[k] = null;
    return fromUnits(u);
  }

  /**
   * The id of (name, value) if `c`'s list has it at its cursor (or one past: a header dropped
   * or changed on the way), still held by the table; else -1. Moves the cursor past it.
   */
  #reuse(c: Candidate, name: string, value: string): number {
    const l = c.list;
    let j = c.j;
    if (j + 1 < l.length && !same(l[j]!, name, value) && same(l[j + 1]!, name, value)) j++;
    if (j >= l.length || !same(l[j]!, name, value)) return -1;
    c.j = j + 1;
    const id = (c.ids[c.at + 2 * j]! << 16) | c.ids[c.at + 2 * j + 1]!;
    // The previous record may be gone (evicted) and its ids given to other pairs since.
    return this.#refs[id]! > 0 && this.#values[id] === value && this.#names[id] === name ? id : -1;
  }

  /** Where list `k`'s ids start in the units being encoded. */
  #offsetOf(k: number, lists: ReadonlyArray<HeaderList | undefined>): number {
    let at = 2 + this.#lists;
    for (let i = 0; i < k; i++) {
      const l = lists[i];
      if (l) at += 2 * Math.min(l.length, NONE - 1);
    }
    return at;
  }

  /** The meta text and the header lists a code stands for (new arrays each time). */
  decode(code: string): { meta: string; lists: Array<HeaderList | undefined> } {
    const meta = this.#values[idAt(code, 0)]!;
    const out: Array<HeaderList | undefined> = [];
    let at = 2 + this.#lists;
    for (let k = 0; k < this.#lists; k++) {
      const n = code.charCodeAt(2 + k);
      if (n === NONE) {
        out.push(undefined);
        continue;
      }
      const l: HeaderList = [];
      for (let i = 0; i < n; i++, at += 2) {
        const id = idAt(code, at);
        l.push([this.#names[id]!, this.#values[id]!]);
      }
      out.push(l);
    }
    return { meta, lists: out };
  }

  /** Drop a record's references (its code is dead after this). */
  release(code: string): void {
    this.#unref(idAt(code, 0));
    for (let at = 2 + this.#lists; at < code.length; at += 2) this.#unref(idAt(code, at));
  }

  /**
   * For a `header:` spec's lower-cased name and value test: a predicate over codes, true
   * when any of the record's pairs matches. Each distinct pair is tested once, here.
   */
  matcher(name: string, value: ((v: string) => boolean) | null): (code: string) => boolean {
    const hit = new Uint8Array(this.#names.length);
    let any = false;
    for (const [n, slot] of this.#byName) {
      if (n === META_NAME || n.toLowerCase() !== name) continue;
      for (const [v, id] of slot.values)
        if (value === null || value(v)) {
          hit[id] = 1;
          any = true;
        }
    }
    if (!any) return () => false;
    const first = 2 + this.#lists;
    return (code) => {
      for (let at = first; at < code.length; at += 2) if (hit[idAt(code, at)] === 1) return true;
      return false;
    };
  }

  clear(): void {
    this.#prev.length = 0;
    this.#byName.clear();
    this.#names = [];
    this.#values = [];
    this.#refs = [];
    this.#free = [];
    this.#bytes = 0;
  }
}

function same(pair: [string, string], name: string, value: string): boolean {
  return pair[0] === name && pair[1] === value;
}

/** String.fromCharCode over many units, in slices that keep `apply` within its argument limit. */
function fromUnits(u: number[]): string {
  if (u.length <= 8192) return String.fromCharCode.apply(null, u);
  let s = '';
  for (let i = 0; i < u.length; i += 8192)
    s += String.fromCharCode.apply(null, u.slice(i, i + 8192));
  return s;
}

function idAt(code: string, at: number): number {
  return (code.charCodeAt(at) << 16) | code.charCodeAt(at + 1);
}
