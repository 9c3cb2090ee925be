/**
 * The editor's look. Colours are CSS custom properties (`--pb-ed-*`) with dark defaults; the
 * host element (ConfigEditor.svelte) sets them, light or dark, and custom properties inherit into
 * the editor's shadow root, so one theme serves both schemes.
 */
import { EditorView } from '@codemirror/view';

export const perlbalTheme = EditorView.theme({
  '&': {
    flex: '1 1 auto',
    minHeight: '0',
    color: 'var(--pb-ed-text, #e2e8f0)',
    backgroundColor: 'var(--pb-ed-bg, #0b1224)',
    fontSize: '13px',
  },
  '&.cm-focused': { outline: '1px solid var(--pb-ed-focus, #2dd4bf)' },
  '.cm-scroller': {
    overflow: 'auto',
    fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, monospace",
    lineHeight: '1.55',
  },
  '.cm-content': { caretColor: 'var(--pb-ed-caret, #5eead4)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--pb-ed-caret, #5eead4)' },
  '.cm-gutters': {
    backgroundColor: 'var(--pb-ed-gutter-bg, #0f172a)',
    color: 'var(--pb-ed-gutter, #64748b)',
    border: 'none',
  },
  '.cm-activeLine, .cm-activeLineGutter': {
    backgroundColor: 'var(--pb-ed-active-line, rgba(148, 163, 184, 0.08))',
  },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground':
    { backgroundColor: 'var(--pb-ed-selection, rgba(45, 212, 191, 0.25))' },
  '.cm-tooltip': {
    backgroundColor: 'var(--pb-ed-tooltip-bg, #111c33)',
    color: 'var(--pb-ed-text, #e2e8f0)',
    border: '1px solid var(--pb-ed-border, #1e293b)',
    borderRadius: '6px',
  },
  '.cm-pb-hover': { maxWidth: '28rem', padding: '0.5rem 0.7rem', fontSize: '12.5px' },
  '.cm-pb-hover p': { margin: '0.35rem 0 0' },
  '.cm-pb-hover-fact': { color: 'var(--pb-ed-muted, #94a3b8)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--pb-ed-selection, rgba(45, 212, 191, 0.25))',
    color: 'inherit',
  },
  '.cm-completionDetail': { color: 'var(--pb-ed-muted, #94a3b8)', fontStyle: 'normal' },
  '.cm-completionInfo': { maxWidth: '26rem', whiteSpace: 'pre-line' },
  '.cm-diagnostic': { padding: '0.3rem 0.6rem' },
});
