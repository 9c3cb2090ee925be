/**
 * The palette spec of a palimg URL, the text after `/p` (Perlbal PalImg::modify_file, which
 * copied LiveJournal's Apache::LiveJournal::PalImg). Three forms, tried in this order:
 *   g<i1><rrggbb><i2><rrggbb>   gradient between two palette indexes (00-ff)
 *   t<rrggbb>[<rrggbb>]         tint towards a bright colour, optionally from a dark one
 *   (<i><rrggbb>)+              explicit entries for indexes 0-f
 * Hex digits are lower-case only, as in the original (upper case is a 404 there too).
 */

/** A colour as three bytes. */
export type Rgb = readonly [number, number, number];

export type PaletteChange =
  | {
      readonly kind: 'gradient';
      /** Lower index and its colour (the endpoints are swapped when given high first). */
      readonly from: number;
      readonly fromColour: Rgb;
      readonly to: number;
      readonly toColour: Rgb;
    }
  | { readonly kind: 'tint'; readonly bright: Rgb; readonly dark: Rgb }
  | {
      readonly kind: 'map';
      /** Palette index -> new colour; a repeated index keeps its last colour, as in Perl. */
      readonly entries: ReadonlyMap<number, Rgb>;
    };

/**
 * Explicit entries accepted. Perlbal stops at 6 (42 characters), but LiveJournal's S2
 * `palimg_modify` generates up to 7, so 7 are accepted here (a deliberate difference).
 */
export const MAX_MAP_ENTRIES = 7;

const GRADIENT = /^g([0-9a-f]{2})([0-9a-f]{6})([0-9a-f]{2})([0-9a-f]{6})$/;
const TINT = /^t([0-9a-f]{6})([0-9a-f]{6})?$/;
const HEX = /^[0-9a-f]+$/;

/** `rrggbb` (already checked to be 6 lower-case hex digits) as bytes. */
export function parseHexColour(hex: string): Rgb {
  return [
    parseInt(hex.slice(0, 2), 16),
    parseInt(hex.slice(2, 4), 16),
    parseInt(hex.slice(4, 6), 16),
  ];
}

/** The change a spec asks for, or null when the spec is invalid (a 404). */
export function parsePaletteSpec(spec: string): PaletteChange | null {
  let m = GRADIENT.exec(spec);
  if (m) {
    let from = parseInt(m[1]!, 16);
    let to = parseInt(m[3]!, 16);
    let fromColour = parseHexColour(m[2]!);
    let toColour = parseHexColour(m[4]!);
    // A one-index gradient would divide by zero; Perlbal answers 404.
    if (from === to) return null;
    if (to < from) [from, to, fromColour, toColour] = [to, from, toColour, fromColour];
    return { kind: 'gradient', from, fromColour, to, toColour };
  }
  m = TINT.exec(spec);
  if (m) {
    const dark: Rgb = m[2] === undefined ? [0, 0, 0] : parseHexColour(m[2]);
    return { kind: 'tint', bright: parseHexColour(m[1]!), dark };
  }
  if (spec.length === 0 || spec.length > 7 * MAX_MAP_ENTRIES || !HEX.test(spec)) return null;
  if (spec.length % 7 !== 0) return null;
  const entries = new Map<number, Rgb>();
  for (let i = 0; i < spec.length; i += 7) {
    entries.set(parseInt(spec[i]!, 16), parseHexColour(spec.slice(i + 1, i + 7)));
  }
  return { kind: 'map', entries };
}
