import { describe, expect, it } from 'vitest';
import { parsePaletteSpec } from '../../../../proxy-core/src/common/palimg/index.js';
import {
  DEFAULT_STATES,
  specOf,
  stateOf,
  type EditorState,
} from '../../../../renderer/src/palette/editor-state.js';
import { explainSpec } from '../../../../renderer/src/palette/explain-spec.js';
import { palimgPath, palimgUrl } from '../../../../renderer/src/palette/palimg-url.js';

describe('editor state <-> spec', () => {
  it.each<[EditorState, string]>([
    [{ kind: 'tint', bright: '#C0D0E0', dark: null }, 'tc0d0e0'],
    [{ kind: 'tint', bright: '#ffffff', dark: '#336699' }, 'tffffff336699'],
    [
      { kind: 'gradient', from: 0, fromColour: '#000000', to: 255, toColour: '#3366cc' },
      'g00000000ff3366cc',
    ],
    [
      {
        kind: 'map',
        entries: [
          { index: 0, colour: '#ffffff' },
          { index: 10, colour: '#000000' },
        ],
      },
      '0ffffffa000000',
    ],
  ])('writes %j as %s, which parses back to the same state', (state, spec) => {
    expect(specOf(state)).toBe(spec);
    const parsed = stateOf(parsePaletteSpec(spec)!);
    expect(specOf(parsed)).toBe(
      state.kind === 'tint' && state.dark === null ? `${spec}000000` : spec,
    );
  });

  it('gives every default state a spec the server accepts', () => {
    for (const s of Object.values(DEFAULT_STATES)) expect(explainSpec(specOf(s))).toBeNull();
  });

  it('writes out-of-range indexes so that the reason names them', () => {
    const gradient: EditorState = {
      kind: 'gradient',
      from: 3,
      fromColour: '#000000',
      to: 3,
      toColour: '#ffffff',
    };
    expect(explainSpec(specOf(gradient))).toMatch(/both are 03/);
    expect(explainSpec(specOf({ ...gradient, to: 300 }))).toMatch(/this has 17/);
    const map: EditorState = { kind: 'map', entries: [{ index: 16, colour: '#000000' }] };
    expect(explainSpec(specOf(map))).toMatch(/8 digits are 1 entry/);
  });

  it('builds the URL with each path segment encoded', () => {
    expect(palimgUrl('http://127.0.0.1:8080', '/palimg/strip/bg.gif', 'tc0d0e0')).toBe(
      'http://127.0.0.1:8080/palimg/strip/bg.gif/ptc0d0e0',
    );
    expect(palimgPath('/palimg/my pic?.png', '0ff0000')).toBe('/palimg/my%20pic%3F.png/p0ff0000');
    expect(palimgUrl(null, '/palimg/x.gif', 'a?')).toBe('/palimg/x.gif/pa%3F');
  });
});
