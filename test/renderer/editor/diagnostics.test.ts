/**
 * Live diagnostics come from the core's checkConfig and land on the line and column it names,
 * in a real EditorView, through CodeMirror's lint machinery.
 */
import {
  diagnosticCount,
  forEachDiagnostic,
  forceLinting,
  type Diagnostic,
} from '@codemirror/lint';
import { EditorState, Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configDiagnostics, perlbalLinter } from '../../../renderer/src/editor/diagnostics.js';
import { permissiveEnv } from '../../../renderer/src/editor/config-lib.js';

const TYPO = [
  'CREATE POOL backends',
  '  POOL backends ADD 127.0.0.1:8081',
  'CREATE SERVICE balancer',
  '  SET role = reverse_proxy',
  '  SET listen = 127.0.0.1:8080',
  '  SET pool = backends',
  '  SET persist_backnd = on',
  'ENABLE balancer',
  '',
].join('\n');

/** 1-based line and column of a document offset. */
function where(doc: Text, pos: number): { line: number; column: number } {
  const line = doc.lineAt(pos);
  return { line: line.number, column: pos - line.from + 1 };
}

let view: EditorView | undefined;
afterEach(() => {
  view?.destroy();
  view = undefined;
});

describe('config diagnostics', () => {
  it("puts the typo 'persist_backnd' at line 7, column 7, with a did-you-mean", () => {
    const doc = Text.of(TYPO.split('\n'));
    const [d, ...rest] = configDiagnostics(doc);
    expect(rest).toEqual([]);
    expect(d!.severity).toBe('error');
    expect(where(doc, d!.from)).toEqual({ line: 7, column: 7 });
    expect(doc.sliceString(d!.from, d!.to)).toBe('persist_backnd');
    expect(d!.message).toBe(
      "'persist_backnd' is not a tunable of a reverse_proxy service; did you mean 'persist_backend'?",
    );
    expect(d!.source).toBe('unknown_tunable');
  });

  it('reports nothing for a good config', () => {
    const good = TYPO.replace('persist_backnd', 'persist_backend');
    expect(configDiagnostics(Text.of(good.split('\n')))).toEqual([]);
  });

  it('turns an unknown $VAR into a hint unless the real environment is given', () => {
    const text = 'CREATE SERVICE web\nSET role = web_server\nSET docroot = /srv/$SITE\nENABLE web';
    const doc = Text.of(text.split('\n'));
    const [hint] = configDiagnostics(doc);
    expect(hint!.severity).toBe('info');
    expect(doc.sliceString(hint!.from, hint!.to)).toBe('$SITE');
    const [warning] = configDiagnostics(doc, permissiveEnv);
    expect(warning!.severity).toBe('warning');
    const known = {
      ...permissiveEnv,
      getenv: (name: string) => (name === 'SITE' ? 'lj' : undefined),
    };
    expect(configDiagnostics(doc, known)).toEqual([]);
  });

  it('underlines the typo in a live EditorView after linting', async () => {
    // No parent: the Node-side type check of tests has no DOM lib, so no `document` here.
    view = new EditorView({
      state: EditorState.create({ doc: TYPO, extensions: [perlbalLinter()] }),
    });
    forceLinting(view);
    await vi.waitFor(() => expect(diagnosticCount(view!.state)).toBe(1));
    const found: Diagnostic[] = [];
    forEachDiagnostic(view.state, (d, from, to) => found.push({ ...d, from, to }));
    expect(where(view.state.doc, found[0]!.from)).toEqual({ line: 7, column: 7 });
    await vi.waitFor(() =>
      expect(view!.contentDOM.querySelector('.cm-lintRange-error')?.textContent).toBe(
        'persist_backnd',
      ),
    );
  });
});
