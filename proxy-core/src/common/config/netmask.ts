/**
 * Net::Netmask->new2 (2.0002, Debian's libnet-netmask-perl), which Perlbal uses for
 * `trusted_upstream_proxies` and `ACCESS ... NETMASK`. The forms it accepts with its default
 * options (no "shortnet", so `10.0` and `127` are refused):
 *
 * - `a.b.c.d` (/32), `a.b.c.d/bits`, `a.b.c.d/m.m.m.m` or `a.b.c.d:m.m.m.m` (a netmask),
 *   `a.b.c.d#h.h.h.h` (a hostmask), `a.b.c.d-e.f.g.h` (a range that is exactly one block,
 *   spaces allowed around `-`), `default` / `any` (0.0.0.0/0);
 * - IPv6 in lower case: `2001:db8::/32`, `2001:db8::1` (/128), `default6` / `any6` (::/0).
 *
 * Octets are decimal without leading zeros (`010.0.0.1` is refused). A result prints as
 * Net::Netmask stringifies it: the base with the host bits cleared, `/`, and the bits as
 * written (`10.0.0.0/08` stays `/08`), IPv6 compacted its way (the longest run of zero
 * groups, the leftmost of equal runs, even a single one, becomes `::`). The errors are its
 * errstr texts, which Perlbal prints after "Error defining trusted upstream proxies: ".
 *
 * One difference: Net::Netmask takes any text of hex digits and colons as an IPv6 address
 * and makes something of it (`1::2::3` is `1::2/128`, `12345::` is `2345::`); only valid
 * addresses are accepted here.
 */

export type NetmaskResult = { ok: true; value: string } | { ok: false; error: string };

const QUAD = '[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+';
const V6 = '[0-9a-f]*:[0-9a-f]*:[0-9a-f:]*';
/** Perl's `\s`. */
const SP = '[ \\t\\n\\r\\f\\v]*';

const WITH_BITS = new RegExp(`^(${QUAD})/([0-9]+)$`);
const WITH_MASK = new RegExp(`^(${QUAD})[:/](${QUAD})$`);
const WITH_HOSTMASK = new RegExp(`^(${QUAD})#(${QUAD})$`);
const BARE = new RegExp(`^${QUAD}$`);
const RANGE = new RegExp(`^(${QUAD})${SP}-${SP}(${QUAD})$`);
const V6_WITH_BITS = new RegExp(`^(${V6})/([0-9]+)$`);
const V6_BARE = new RegExp(`^(${V6})$`);

/** Net::Netmask quad2int: four decimal octets, no leading zeros. */
function quad2int(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]*)$/.test(p) || Number(p) >= 256) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** The 32-bit mask of `bits` leading ones. */
function imask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function int2quad(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

const QUADMASK_BITS = new Map<string, number>();
const HOSTMASK_BITS = new Map<string, number>();
for (let i = 0; i <= 32; i++) {
  QUADMASK_BITS.set(int2quad(imask(i)), i);
  HOSTMASK_BITS.set(int2quad(~imask(i) >>> 0), i);
}

/** A valid IPv6 address (lower-case hex, no embedded IPv4) as eight 16-bit groups. */
function parseV6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = groups(halves[0]!);
  if (left === undefined) return undefined;
  if (halves.length === 1) return left.length === 8 ? left : undefined;
  const right = groups(halves[1]!);
  if (right === undefined || left.length + right.length > 7) return undefined;
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** Net::Netmask's ipv6Cannonical: groups without leading zeros, the longest zero run `::`. */
function formatV6(groups: readonly number[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: readonly number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (best === -1) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

function maskV6(groups: readonly number[], bits: number): number[] {
  return groups.map((g, i) => {
    const keep = Math.max(0, Math.min(16, bits - 16 * i));
    return keep === 0 ? 0 : g & ((0xffff << (16 - keep)) & 0xffff);
  });
}

/** Net::Netmask->new2(text): `base/bits` as it stringifies, or its error text. */
export function readNetmask(text: string): NetmaskResult {
  const bad = (error: string): NetmaskResult => ({ ok: false, error });
  const couldNot = (): NetmaskResult => bad(`could not parse ${text}`);
  let m: RegExpExecArray | null;
  // IPv4: a base (still to be checked) and the bits, as text.
  let base: string | undefined;
  let bits: string | undefined;
  if ((m = WITH_BITS.exec(text))) {
    [base, bits] = [m[1]!, m[2]!];
  } else if ((m = WITH_MASK.exec(text))) {
    const n = QUADMASK_BITS.get(m[2]!);
    if (n === undefined) return bad(`illegal netmask: ${m[2]!}`);
    [base, bits] = [m[1]!, String(n)];
  } else if ((m = WITH_HOSTMASK.exec(text))) {
    const n = HOSTMASK_BITS.get(m[2]!);
    if (n === undefined) return bad(`illegal hostmask: ${m[2]!}`);
    [base, bits] = [m[1]!, String(n)];
  } else if (BARE.test(text)) {
    [base, bits] = [text, '32'];
  } else if (text === 'default' || text === 'any') {
    [base, bits] = ['0.0.0.0', '0'];
  } else if ((m = RANGE.exec(text))) {
    const start = quad2int(m[1]!);
    const end = quad2int(m[2]!);
    if (start === undefined || end === undefined) return bad(`illegal dotted quad: ${text}`);
    const size = end - start + 1;
    const n = size >= 1 && Number.isInteger(Math.log2(size)) ? 32 - Math.log2(size) : undefined;
    if (n === undefined || n < 0 || (start & ~imask(n)) !== 0) {
      return bad(`could not find exact fit for ${text}`);
    }
    return { ok: true, value: `${int2quad(start)}/${n}` };
  } else if ((m = V6_WITH_BITS.exec(text)) || (m = V6_BARE.exec(text))) {
    const v6bits = m[2] ?? '128';
    if (Number(v6bits) > 128) return bad(`illegal number of bits: ${v6bits}`);
    const groups = parseV6(m[1]!);
    if (groups === undefined) return couldNot();
    return { ok: true, value: `${formatV6(maskV6(groups, Number(v6bits)))}/${v6bits}` };
  } else if (text === 'default6' || text === 'any6') {
    return { ok: true, value: '::/0' };
  } else {
    return couldNot();
  }
  if (Number(bits) > 32) return bad(`illegal number of bits: ${bits}`);
  const n = quad2int(base);
  if (n === undefined) return couldNot();
  return { ok: true, value: `${int2quad((n & imask(Number(bits))) >>> 0)}/${bits}` };
}

/** `base/bits`, or undefined when Net::Netmask would not parse the text. */
export function parseNetmask(text: string): string | undefined {
  const r = readNetmask(text);
  return r.ok ? r.value : undefined;
}
