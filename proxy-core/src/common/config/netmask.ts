/**
 * The subset of Net::Netmask->new2 that Perlbal configs use: `a.b.c.d`, `a.b.c.d/bits`,
 * `a.b.c.d:mask`, `a.b.c.d#hostmask`, short forms `a.b.c` (/24), `a.b` (/16), `a` (/8), and
 * `default`/`any`. Results print as Net::Netmask stringifies them: `base/bits`.
 */

function parseQuad(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    nums.push(n);
  }
  return nums;
}

function toInt(quad: readonly number[]): number {
  return ((quad[0]! << 24) | (quad[1]! << 16) | (quad[2]! << 8) | quad[3]!) >>> 0;
}

function maskBits(quad: readonly number[], inverted: boolean): number | undefined {
  let n = toInt(quad);
  if (inverted) n = ~n >>> 0;
  let bits = 0;
  while (bits < 32 && (n & (0x80000000 >>> bits)) !== 0) bits++;
  const expected = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return n === expected ? bits : undefined;
}

function format(base: number, bits: number): string {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const b = (base & mask) >>> 0;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${bits}`;
}

/** `base/bits`, or undefined when Net::Netmask would not parse the text. */
export function parseNetmask(text: string): string | undefined {
  if (text === 'default' || text === 'any') return '0.0.0.0/0';
  const m = /^([\d.]+)(?:([/:#])(.+))?$/.exec(text);
  if (!m) return undefined;
  const quad = parseQuad(m[1]!);
  if (!quad) return undefined;
  const full = quad.length === 4;
  const padded = [...quad, 0, 0, 0].slice(0, 4);
  if (m[2] === undefined) return format(toInt(padded), full ? 32 : quad.length * 8);
  if (!full) return undefined;
  if (m[2] === '/') {
    if (!/^\d{1,2}$/.test(m[3]!) || Number(m[3]) > 32) return undefined;
    return format(toInt(padded), Number(m[3]));
  }
  const maskQuad = parseQuad(m[3]!);
  if (!maskQuad || maskQuad.length !== 4) return undefined;
  const bits = maskBits(maskQuad, m[2] === '#');
  return bits === undefined ? undefined : format(toInt(padded), bits);
}
