/**
 * Why the server would refuse a palette spec. The server's 404 only says "Invalid palimg
 * palette spec" (it never echoes the spec into HTML); the preview says which rule broke.
 * It agrees with parsePaletteSpec, the server's own parser: null exactly when that accepts
 * the spec (test/unit/renderer/palette/explain-spec.test.ts checks this over many specs).
 */
import { MAX_MAP_ENTRIES, parsePaletteSpec } from '../../../proxy-core/src/common/palimg/index.js';

const FORMS = 't<rrggbb>[<rrggbb>], g<ii><rrggbb><ii><rrggbb> or up to 7 × <i><rrggbb>';

/** The first character that is not lower-case hex, from `start`; -1 when there is none. */
function firstNonHex(spec: string, start: number): number {
  for (let i = start; i < spec.length; i++) if (!/[0-9a-f]/.test(spec[i]!)) return i;
  return -1;
}

function badChar(spec: string, at: number): string {
  const c = spec[at]!;
  const shown = JSON.stringify(c);
  if (/[A-F]/.test(c))
    return `${shown} at position ${at + 1} is upper case: palimg accepts only lower-case hex digits`;
  return `${shown} at position ${at + 1} is not a hex digit`;
}

function explainGradient(spec: string): string | null {
  const bad = firstNonHex(spec, 1);
  if (bad !== -1) return badChar(spec, bad);
  const digits = spec.length - 1;
  if (digits !== 16)
    return `A gradient is g, a two-digit index, rrggbb, a two-digit index and rrggbb (16 hex digits); this has ${digits}`;
  if (spec.slice(1, 3) === spec.slice(9, 11))
    return `A gradient's two indexes must differ (both are ${spec.slice(1, 3)})`;
  return null;
}

function explainTint(spec: string): string | null {
  const bad = firstNonHex(spec, 1);
  if (bad !== -1) return badChar(spec, bad);
  const digits = spec.length - 1;
  if (digits !== 6 && digits !== 12)
    return `A tint is t and a bright rrggbb, optionally followed by a dark rrggbb (6 or 12 hex digits); this has ${digits}`;
  return null;
}

function explainMap(spec: string): string | null {
  const bad = firstNonHex(spec, 0);
  if (bad !== -1) return bad === 0 ? `${badChar(spec, 0)}; a spec is ${FORMS}` : badChar(spec, bad);
  if (spec.length % 7 !== 0) {
    const whole = Math.floor(spec.length / 7);
    return `Explicit entries are a one-digit index and rrggbb (7 hex digits each): ${spec.length} digits are ${whole} entr${whole === 1 ? 'y' : 'ies'} and ${spec.length % 7} digit(s) over`;
  }
  if (spec.length > 7 * MAX_MAP_ENTRIES)
    return `At most ${MAX_MAP_ENTRIES} explicit entries; this has ${spec.length / 7}`;
  return null;
}

/** Why `spec` (the text after `/p`) would be a 404, or null when the server accepts it. */
export function explainSpec(spec: string): string | null {
  if (parsePaletteSpec(spec) !== null) return null;
  let why: string | null;
  if (spec === '') why = `The spec is empty: after /p comes ${FORMS}`;
  else if (spec[0] === 'g') why = explainGradient(spec);
  else if (spec[0] === 't') why = explainTint(spec);
  else why = explainMap(spec);
  // Every refusal is named above; this only guards against the two ever drifting apart.
  return why ?? 'Invalid palimg palette spec';
}
