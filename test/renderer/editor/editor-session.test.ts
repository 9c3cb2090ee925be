/**
 * The editor's document state: dirty tracking against the last open/save, and what Apply,
 * Open, Save and Save as show for every kind of answer.
 */
import { describe, expect, it } from 'vitest';
import { EditorSession } from '../../../renderer/src/editor/editor-session.svelte.js';

const GOOD = 'CREATE SERVICE web\n  SET role = web_server\n  SET docroot = /srv\nENABLE web\n';

describe('EditorSession', () => {
  it('is dirty after an edit and clean again when the text comes back', () => {
    const s = new EditorSession(GOOD, 'perlbal.conf');
    expect(s.dirty).toBe(false);
    s.edit(`${GOOD}# more\n`);
    expect(s.dirty).toBe(true);
    s.edit(GOOD);
    expect(s.dirty).toBe(false);
  });

  it('shows what Apply changed', async () => {
    const s = new EditorSession(GOOD);
    let sent = '';
    await s.apply(async (text) => {
      sent = text;
      return { ok: true, changes: ['service web: docroot /srv'] };
    });
    expect(sent).toBe(GOOD);
    expect(s.message).toEqual({
      kind: 'ok',
      title: 'Applied',
      lines: ['service web: docroot /srv'],
    });
    expect(s.busy).toBeNull();
  });

  it('says nothing was changed when the proxy refuses or the call fails', async () => {
    const s = new EditorSession(GOOD);
    await s.apply(async () => ({ ok: false, error: "Can't bind 127.0.0.1:80: in use" }));
    expect(s.message).toEqual({
      kind: 'error',
      title: 'Not applied',
      lines: ["Can't bind 127.0.0.1:80: in use", 'Nothing was changed.'],
    });
    await s.apply(async () => {
      throw new Error('The proxy is not running');
    });
    expect(s.message?.lines).toEqual(['The proxy is not running', 'Nothing was changed.']);
  });

  it('summarises Check with each problem at its line and column', () => {
    const s = new EditorSession('CREATE SERVICE web\nSET role = web_server\nSET dirindexin = on\n');
    const m = s.check();
    expect(m.kind).toBe('error');
    expect(m.title).toBe('1 error, 1 warning');
    expect(m.problems?.[0]).toMatchObject({ line: 3, column: 5, severity: 'error' });
    expect(m.problems?.[0]?.text).toMatch(/did you mean 'dirindexing'/);
    expect(new EditorSession(GOOD).check()).toMatchObject({
      kind: 'ok',
      title: 'No problems found',
    });
  });

  it('opens a file as the clean state and ignores a cancelled dialog', async () => {
    const s = new EditorSession(GOOD);
    s.edit('x');
    await s.open(async () => null);
    expect(s.text).toBe('x');
    await s.open(async () => ({ text: 'ENABLE web\n', fileName: 'other.conf' }));
    expect(s.text).toBe('ENABLE web\n');
    expect(s.fileName).toBe('other.conf');
    expect(s.dirty).toBe(false);
  });

  it('saves to the current file, or asks where when there is none', async () => {
    const s = new EditorSession(GOOD);
    s.edit('ENABLE web\n');
    const calls: string[] = [];
    const onSave = async (_text: string, file: string | undefined) => {
      calls.push(`save ${file}`);
    };
    const onSaveAs = async () => {
      calls.push('save as');
      return { fileName: 'new.conf' };
    };
    await s.save(onSave, onSaveAs);
    expect(calls).toEqual(['save as']);
    expect(s.fileName).toBe('new.conf');
    expect(s.dirty).toBe(false);
    s.edit('ENABLE web\n# x\n');
    await s.save(onSave, onSaveAs);
    expect(calls).toEqual(['save as', 'save new.conf']);
    expect(s.dirty).toBe(false);
  });

  it('stays dirty when saving fails or Save as is cancelled', async () => {
    const s = new EditorSession(GOOD, 'perlbal.conf');
    s.edit('ENABLE web\n');
    await s.save(async () => {
      throw new Error('EACCES: permission denied');
    }, undefined);
    expect(s.dirty).toBe(true);
    expect(s.message).toEqual({
      kind: 'error',
      title: 'Not saved',
      lines: ['EACCES: permission denied'],
    });
    await s.saveAs(async () => null);
    expect(s.dirty).toBe(true);
  });
});
