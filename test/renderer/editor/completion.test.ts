/**
 * Completion offers what fits the cursor's place: commands at the start of a line, the tunables
 * of the context service's role on a SET line, values of enum/bool/role tunables after `=`.
 */
import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { perlbalCompletions } from '../../../renderer/src/editor/completion.js';
import { perlbal } from '../../../renderer/src/editor/perlbal-language.js';

/** Completes at the `|` in `text`, as an explicit (Ctrl-Space) request. */
function complete(textWithCursor: string, explicit = true): CompletionResult | null {
  const pos = textWithCursor.indexOf('|');
  const doc = textWithCursor.slice(0, pos) + textWithCursor.slice(pos + 1);
  const state = EditorState.create({ doc, selection: { anchor: pos }, extensions: [perlbal()] });
  return perlbalCompletions(new CompletionContext(state, pos, explicit));
}

function labels(result: CompletionResult | null): string[] {
  return result?.options.map((o) => o.label) ?? [];
}

const PROXY = [
  'CREATE POOL backends',
  '  POOL backends ADD 127.0.0.1:8081',
  'CREATE SERVICE balancer',
  '  SET role = reverse_proxy',
  '  SET listen = 127.0.0.1:8080',
].join('\n');

describe('perlbal completions', () => {
  it('offers commands at the start of a line', () => {
    const result = complete('CRE|');
    expect(labels(result)).toEqual(
      expect.arrayContaining(['CREATE', 'SET', 'ENABLE', 'LOAD', 'VHOST']),
    );
    expect(result?.from).toBe(0);
  });

  it('stays closed on an empty line unless asked', () => {
    expect(complete('|', false)).toBeNull();
    expect(labels(complete('|', true))).toContain('CREATE');
  });

  it('offers reverse_proxy tunables, and no web_server-only ones, inside a reverse_proxy block', () => {
    const result = complete(`${PROXY}\n  SET persist_b|`);
    const names = labels(result);
    expect(names).toContain('persist_backend');
    expect(names).toContain('persist_client'); // any role
    expect(names).not.toContain('docroot');
    expect(names).not.toContain('dirindexing');
    expect(result?.from).toBe(PROXY.length + 1 + '  SET '.length);
    const entry = result!.options.find((o) => o.label === 'persist_backend')!;
    expect(entry.apply).toBe('persist_backend = ');
    expect(entry.detail).toBe('bool · default off');
  });

  it('offers web_server tunables inside a web_server block', () => {
    const names = labels(complete('CREATE SERVICE web\n  SET role = web_server\n  SET |'));
    expect(names).toContain('docroot');
    expect(names).not.toContain('persist_backend');
  });

  it('offers only the any-role tunables before SET role', () => {
    const names = labels(complete('CREATE SERVICE web\n  SET |'));
    expect(names).toContain('role');
    expect(names).toContain('listen');
    expect(names).not.toContain('docroot');
    expect(names).not.toContain('persist_backend');
  });

  it('uses the named service of SET svc.key, whatever the context', () => {
    const text = `${PROXY}\nCREATE SERVICE web\n  SET role = web_server\nSET balancer.persist_b|`;
    const result = complete(text);
    expect(labels(result)).toContain('persist_backend');
    expect(result?.from).toBe(text.indexOf('|') - 'persist_b'.length);
  });

  it('offers the pool parameters in a pool block', () => {
    expect(labels(complete('CREATE POOL p\n  SET |'))).toEqual(['nodefile', 'balance_method']);
  });

  it('offers values for bool, enum and role tunables after =', () => {
    expect(labels(complete(`${PROXY}\n  SET persist_backend = |`))).toEqual(['on', 'off']);
    expect(labels(complete('CREATE SERVICE x\n  SET role = |'))).toEqual(
      expect.arrayContaining([
        'reverse_proxy',
        'web_server',
        'selector',
        'management',
        'upload_tracker',
      ]),
    );
    expect(labels(complete(`${PROXY}\n  SET pool = |`))).toEqual(['backends']);
    expect(complete(`${PROXY}\n  SET buffer_size = |`)).toBeNull();
  });

  it('offers service names after ENABLE and plugin modules after LOAD', () => {
    expect(labels(complete(`${PROXY}\nENABLE |`))).toEqual(['balancer']);
    expect(labels(complete('LOAD |'))).toEqual(expect.arrayContaining(['Vhosts', 'AccessControl']));
    expect(labels(complete('CREATE |'))).toEqual(['SERVICE', 'POOL']);
  });

  it('offers nothing inside a comment', () => {
    expect(complete('# SET |')).toBeNull();
  });
});
