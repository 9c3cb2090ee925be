/**
 * The ConfigEditor component in jsdom: a real CodeMirror view in its shadow root, the toolbar's
 * actions against stub callbacks, the unsaved-changes mark and the `dirty` the app reads.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { EditorView } from '@codemirror/view';
import { describe, expect, it, vi } from 'vitest';
import ConfigEditor from '../../../renderer/src/editor/ConfigEditor.svelte';
import './jsdom-layout.js';

const GOOD = 'CREATE SERVICE web\n  SET role = web_server\n  SET docroot = /srv\nENABLE web\n';

/** The CodeMirror view inside the component's shadow root. */
function editorView(container: { querySelector(s: string): unknown }): EditorView {
  const host = container.querySelector('.editor-host') as {
    shadowRoot: { querySelector(s: string): unknown };
  };
  const content = host.shadowRoot.querySelector('.cm-content');
  const view = EditorView.findFromDOM(content as never);
  if (!view) throw new Error('no editor view');
  return view;
}

function type(view: EditorView, text: string): void {
  view.dispatch({
    changes: { from: view.state.doc.length, insert: text },
    userEvent: 'input.type',
  });
}

describe('ConfigEditor', () => {
  it('shows the text in CodeMirror and the file name', () => {
    const { container } = render(ConfigEditor, {
      props: { value: GOOD, fileName: 'perlbal.conf' },
    });
    expect(editorView(container).state.doc.toString()).toBe(GOOD);
    expect(screen.getByText('perlbal.conf')).toBeTruthy();
    expect(screen.queryByText(/Unsaved changes/)).toBeNull();
  });

  it('reports edits through onChange and onDirtyChange, and marks them unsaved', async () => {
    const onChange = vi.fn();
    const onDirtyChange = vi.fn();
    const { container } = render(ConfigEditor, { props: { value: GOOD, onChange, onDirtyChange } });
    type(editorView(container), '# more\n');
    expect(onChange).toHaveBeenLastCalledWith(`${GOOD}# more\n`);
    await waitFor(() => expect(screen.getByText(/Unsaved changes/)).toBeTruthy());
    expect(onDirtyChange).toHaveBeenLastCalledWith(true);
  });

  it('shows only the file buttons the app provides', () => {
    render(ConfigEditor, { props: { value: GOOD } });
    expect(screen.queryByRole('button', { name: 'Apply' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Open/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Check' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Format' })).toBeTruthy();
  });

  it('applies the text and shows what changed', async () => {
    const onApply = vi.fn(async () => ({ ok: true, changes: ['service web: docroot /srv'] }));
    render(ConfigEditor, { props: { value: GOOD, onApply } });
    await fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(onApply).toHaveBeenCalledWith(GOOD);
    expect((await screen.findByRole('status')).textContent).toContain('service web: docroot /srv');
  });

  it('shows the refusal and that nothing was changed', async () => {
    const onApply = async () => ({ ok: false, error: 'line 3, column 7: bad docroot' });
    render(ConfigEditor, { props: { value: GOOD, onApply } });
    await fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('line 3, column 7: bad docroot');
    expect(alert.textContent).toContain('Nothing was changed.');
  });

  it('checks, lists the problem and jumps to it', async () => {
    const text = 'CREATE SERVICE web\nSET role = web_server\nSET dirindexin = on\nENABLE web\n';
    const { container } = render(ConfigEditor, { props: { value: text } });
    await fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    const problem = screen.getByRole('button', {
      name: /Line 3, column 5: .*did you mean 'dirindexing'/,
    });
    await fireEvent.click(problem);
    const view = editorView(container);
    const head = view.state.selection.main.head;
    expect(head - view.state.doc.line(3).from).toBe(4);
  });

  it('formats as an edit the app hears about', async () => {
    const onChange = vi.fn();
    const { container } = render(ConfigEditor, {
      props: { value: 'create service web\nset role = web_server\n', onChange },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Format' }));
    const formatted = 'CREATE SERVICE web\n  SET role = web_server\n';
    expect(editorView(container).state.doc.toString()).toBe(formatted);
    expect(onChange).toHaveBeenLastCalledWith(formatted);
    expect(screen.getByRole('status').textContent).toContain('Formatted');
  });

  it('opens a file into the editor and saves it back clean', async () => {
    const onOpen = async () => ({ text: 'ENABLE web\n', fileName: 'lj.conf' });
    const onSave = vi.fn(async () => undefined);
    const { container } = render(ConfigEditor, { props: { value: GOOD, onOpen, onSave } });
    await fireEvent.click(screen.getByRole('button', { name: 'Open…' }));
    await waitFor(() => expect(editorView(container).state.doc.toString()).toBe('ENABLE web\n'));
    expect(screen.getByText('lj.conf')).toBeTruthy();
    type(editorView(container), '# x\n');
    await waitFor(() => expect(screen.getByText(/Unsaved changes/)).toBeTruthy());
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSave).toHaveBeenCalledWith('ENABLE web\n# x\n', 'lj.conf');
    await waitFor(() => expect(screen.queryByText(/Unsaved changes/)).toBeNull());
  });

  it('does not let the user type when read-only', () => {
    const { container } = render(ConfigEditor, { props: { value: GOOD, readOnly: true } });
    expect(editorView(container).state.readOnly).toBe(true);
    expect(screen.getByRole('button', { name: 'Format' }).hasAttribute('disabled')).toBe(true);
  });
});
