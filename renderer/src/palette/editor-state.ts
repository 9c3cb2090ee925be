/**
 * The palette editor's state, and the spec it stands for: the text after `/p` in a palimg URL
 * (docs/palimg.md). specOf writes exactly what the server parses; stateOf goes back from a
 * parsed spec, so a spec typed or pasted by hand fills the colour pickers.
 */
import type { PaletteChange } from '../../../proxy-core/src/common/palimg/index.js';
import { cssColour } from './read-palette.js';

/** Colours are `#rrggbb`, as <input type=color> gives them. */
export type EditorState =
  | { kind: 'tint'; bright: string; dark: string | null }
  | { kind: 'gradient'; from: number; fromColour: string; to: number; toColour: string }
  | { kind: 'map'; entries: MapEntry[] };

export interface MapEntry {
  /** Palette index 0-15 (one hex digit in the spec). */
  index: number;
  colour: string;
}

export const DEFAULT_STATES: { readonly [K in EditorState['kind']]: EditorState & { kind: K } } = {
  tint: { kind: 'tint', bright: '#c0d0e0', dark: null },
  gradient: { kind: 'gradient', from: 0, fromColour: '#000000', to: 15, toColour: '#3366cc' },
  map: { kind: 'map', entries: [{ index: 0, colour: '#ff0000' }] },
};

/** `#RRGGBB` -> `rrggbb`; anything else passes through lower-cased (and is then explained). */
const hex6 = (colour: string): string => colour.replace(/^#/, '').toLowerCase();

/** An index as hex digits; out-of-range numbers are written as they are, for explainSpec. */
const hexIndex = (n: number, digits: number): string =>
  Number.isInteger(n) && n >= 0 ? n.toString(16).padStart(digits, '0') : String(n);

/** The spec for the editor state, exactly as the URL carries it. */
export function specOf(s: EditorState): string {
  switch (s.kind) {
    case 'tint':
      return `t${hex6(s.bright)}${s.dark === null ? '' : hex6(s.dark)}`;
    case 'gradient':
      return `g${hexIndex(s.from, 2)}${hex6(s.fromColour)}${hexIndex(s.to, 2)}${hex6(s.toColour)}`;
    case 'map':
      return s.entries.map((e) => `${hexIndex(e.index, 1)}${hex6(e.colour)}`).join('');
  }
}

/** The editor state for a parsed spec (a gradient given high index first comes back swapped). */
export function stateOf(c: PaletteChange): EditorState {
  switch (c.kind) {
    case 'tint':
      return { kind: 'tint', bright: cssColour(c.bright), dark: cssColour(c.dark) };
    case 'gradient':
      return {
        kind: 'gradient',
        from: c.from,
        fromColour: cssColour(c.fromColour),
        to: c.to,
        toColour: cssColour(c.toColour),
      };
    case 'map':
      return {
        kind: 'map',
        entries: [...c.entries].map(([index, rgb]) => ({ index, colour: cssColour(rgb) })),
      };
  }
}
