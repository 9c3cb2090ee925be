/**
 * jsdom has no layout and no selection API on shadow roots; CodeMirror calls both when it
 * measures or focuses (a browser always has them). Empty rectangles and a no-op execCommand
 * are enough for it to carry on. Typed through globalThis: the Node-side type check of the
 * tests has no DOM lib.
 */
const zeroRect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0 };
const emptyRects = Object.assign([], { item: () => null });

const g = globalThis as unknown as {
  Range: { prototype: Record<string, unknown> };
  document: Record<string, unknown>;
};
g.Range.prototype['getClientRects'] ??= () => emptyRects;
g.Range.prototype['getBoundingClientRect'] ??= () => ({ ...zeroRect, toJSON: () => zeroRect });
g.document['execCommand'] ??= () => false;
