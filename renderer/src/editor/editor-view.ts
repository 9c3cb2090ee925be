/**
 * Builds the config editor's CodeMirror view: the Perlbal language, live diagnostics,
 * completion, hover help, history and keys, mounted in a shadow root. The shadow root matters:
 * CodeMirror then styles itself through a constructed style sheet instead of a <style> element,
 * which the app's Content-Security-Policy (style-src 'self') would block.
 */
import { completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { forceLinting, lintGutter, lintKeymap } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  type KeyBinding,
} from '@codemirror/view';
import { perlbalAutocompletion } from './completion.js';
import type { ApplyEnv } from './config-lib.js';
import { perlbalLinter } from './diagnostics.js';
import { formatConfig, type FormatResult } from './format.js';
import { perlbalHover } from './hover.js';
import { perlbal } from './perlbal-language.js';
import { perlbalTheme } from './theme.js';

/** Marks text set from outside (a file opened, the running config loaded), not typed. */
const external = Annotation.define<boolean>();

export interface ConfigEditorViewOptions {
  doc: string;
  readOnly?: boolean;
  /** The proxy's environment for `$VAR`s and file checks, when known (see diagnostics.ts). */
  env?: ApplyEnv;
  /** Called after every edit the user makes (not after setText). */
  onEdit?: (text: string) => void;
  /** Extra key bindings (save, apply), checked before the default ones. */
  keys?: readonly KeyBinding[];
}

function readOnlyExtension(readOnly: boolean): Extension {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

export class ConfigEditorView {
  readonly view: EditorView;
  readonly #readOnly = new Compartment();

  constructor(host: HTMLElement, options: ConfigEditorViewOptions) {
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    const parent = host.ownerDocument.createElement('div');
    parent.className = 'pb-editor-root';
    // Fill the host (a flex column). Set through the CSSOM, which the CSP allows; a style
    // attribute in markup it would not.
    Object.assign(parent.style, {
      display: 'flex',
      flexDirection: 'column',
      flex: '1 1 auto',
      minHeight: '0',
    });
    root.append(parent);
    const onEdit = options.onEdit;
    const extensions: Extension[] = [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      highlightActiveLine(),
      perlbal(),
      perlbalLinter({ env: options.env }),
      lintGutter(),
      perlbalAutocompletion(),
      perlbalHover(),
      keymap.of([
        ...(options.keys ?? []),
        ...completionKeymap,
        ...lintKeymap,
        ...historyKeymap,
        ...defaultKeymap,
      ]),
      perlbalTheme,
      this.#readOnly.of(readOnlyExtension(options.readOnly ?? false)),
      EditorView.contentAttributes.of({ 'aria-label': 'Perlbal config' }),
      EditorView.updateListener.of((u) => {
        if (!u.docChanged || !onEdit) return;
        if (u.transactions.some((t) => t.annotation(external))) return;
        onEdit(u.state.doc.toString());
      }),
    ];
    this.view = new EditorView({
      parent,
      state: EditorState.create({ doc: options.doc, extensions }),
    });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  /** Replaces the whole text from outside; the user's undo history stays usable. */
  setText(text: string): void {
    if (text === this.text) return;
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: text },
      annotations: external.of(true),
    });
  }

  setReadOnly(readOnly: boolean): void {
    this.view.dispatch({ effects: this.#readOnly.reconfigure(readOnlyExtension(readOnly)) });
  }

  /** Re-lints now rather than after the typing delay (the Check button). */
  lintNow(): void {
    forceLinting(this.view);
  }

  /** Formats in one undoable edit; the cursor stays on its line. */
  format(env?: ApplyEnv): FormatResult {
    const result = formatConfig(this.text, env);
    if (!result.changed) return result;
    const line = this.view.state.doc.lineAt(this.view.state.selection.main.head).number;
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: result.text },
    });
    const doc = this.view.state.doc;
    this.view.dispatch({ selection: { anchor: doc.line(Math.min(line, doc.lines)).to } });
    return result;
  }

  /** Puts the cursor at a 1-based line and column and scrolls there (a diagnostic clicked). */
  reveal(line: number, column: number): void {
    const doc = this.view.state.doc;
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    const anchor = Math.min(l.from + Math.max(column - 1, 0), l.to);
    this.view.dispatch({ selection: { anchor }, scrollIntoView: true });
    this.view.focus();
  }

  destroy(): void {
    this.view.destroy();
  }
}
