/**
 * Hover help comes from the tunables table and the command reference.
 */
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { describe, expect, it } from 'vitest';
import { hoverHelp, renderHoverHelp } from '../../../renderer/src/editor/hover.js';

function helpAt(text: string, word: string, offsetInWord = 1) {
  const state = EditorState.create({ doc: text });
  const pos = text.indexOf(word) + offsetInWord;
  return { state, help: hoverHelp(state, pos) };
}

describe('hover help', () => {
  it('shows a tunable with its type, default, roles and description', () => {
    const { state, help } = helpAt('  SET persist_backend = on', 'persist_backend');
    expect(help?.title).toBe('persist_backend');
    expect(help?.facts).toEqual(['Type: bool', 'Default: off', 'Roles: reverse_proxy']);
    expect(help?.description).toMatch(/keep-alives to the backend/);
    expect(state.sliceDoc(help!.from, help!.to)).toBe('persist_backend');
  });

  it('shows numeric and size defaults as the config would write them', () => {
    expect(helpAt('SET buffer_size = 1m', 'buffer_size').help?.facts).toContain('Default: 262144');
    expect(helpAt('SET idle_timeout = 5', 'idle_timeout').help?.facts).toContain('Roles: any role');
  });

  it('looks up only the key of svc.key', () => {
    const { state, help } = helpAt('SET web.dirindexing = on', 'dirindexing');
    expect(help?.title).toBe('dirindexing');
    expect(state.sliceDoc(help!.from, help!.to)).toBe('dirindexing');
    expect(helpAt('SET web.dirindexing = on', 'web').help).toBeNull();
  });

  it('shows commands, pool parameters, SERVER keys and plugins', () => {
    expect(helpAt('CREATE SERVICE x', 'CREATE').help?.facts).toEqual([
      'CREATE {SERVICE|POOL} <name>',
    ]);
    expect(helpAt('VHOST * = web', 'VHOST').help?.facts).toContain('Needs LOAD Vhosts');
    expect(helpAt('SET p.nodefile = /n', 'nodefile').help?.title).toBe('nodefile (pool)');
    expect(helpAt('SERVER aio_mode = none', 'aio_mode').help?.title).toBe('SERVER aio_mode');
    expect(helpAt('LOAD vhosts', 'vhosts').help?.title).toBe('Vhosts');
  });

  it('has nothing to say about values, comments or unknown words', () => {
    expect(helpAt('SET persist_backend = on', 'on').help).toBeNull();
    expect(helpAt('# persist_backend', 'persist_backend').help).toBeNull();
    expect(helpAt('SET persist_backnd = on', 'persist_backnd').help).toBeNull();
  });

  it('renders the help as text, never as HTML', () => {
    const { help } = helpAt('SET persist_backend = on', 'persist_backend');
    const view = new EditorView({ state: EditorState.create({ doc: '' }) });
    const dom = renderHoverHelp({ ...help!, description: '<b>x</b>' }, view);
    view.destroy();
    expect(dom.textContent).toContain('Default: off');
    expect(dom.querySelector('b')).toBeNull();
    expect(dom.textContent).toContain('<b>x</b>');
  });
});
