/**
 * The Perlbal language mode, run by CodeMirror's real parser: each kind of word gets the
 * highlighting tag the config language gives it.
 */
import { ensureSyntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { highlightTree, tagHighlighter, tags } from '@lezer/highlight';
import { describe, expect, it } from 'vitest';
import { perlbal } from '../../../renderer/src/editor/perlbal-language.js';

const highlighter = tagHighlighter([
  { tag: tags.keyword, class: 'keyword' },
  { tag: tags.propertyName, class: 'property' },
  { tag: [tags.labelName, tags.namespace], class: 'name' },
  { tag: tags.definition(tags.variableName), class: 'definition' },
  { tag: tags.special(tags.variableName), class: 'special-variable' },
  { tag: tags.variableName, class: 'variable' },
  { tag: [tags.bool, tags.atom, tags.number], class: 'literal' },
  { tag: tags.string, class: 'string' },
  { tag: tags.comment, class: 'comment' },
  { tag: tags.invalid, class: 'invalid' },
  { tag: tags.operator, class: 'operator' },
]);

/** `[text, class]` for every highlighted token of `text`. */
function tokens(text: string): Array<[string, string]> {
  const state = EditorState.create({ doc: text, extensions: [perlbal()] });
  const tree = ensureSyntaxTree(state, state.doc.length, 5_000);
  if (!tree) throw new Error('the parser did not finish');
  const out: Array<[string, string]> = [];
  highlightTree(tree, highlighter, (from, to, cls) => {
    out.push([state.sliceDoc(from, to), cls]);
  });
  return out;
}

describe('perlbal language mode', () => {
  it('marks commands, sub-keywords and the created name', () => {
    expect(tokens('CREATE SERVICE balancer')).toEqual([
      ['CREATE', 'keyword'],
      ['SERVICE', 'keyword'],
      ['balancer', 'definition'],
    ]);
    expect(tokens('create pool p')[0]).toEqual(['create', 'keyword']);
  });

  it('marks a tunable, the = and a boolean value on a SET line', () => {
    expect(tokens('  SET persist_backend = on')).toEqual([
      ['SET', 'keyword'],
      ['persist_backend', 'property'],
      ['=', 'operator'],
      ['on', 'literal'],
    ]);
  });

  it('splits svc.key into the service name and the tunable', () => {
    expect(tokens('SET web.listen=127.0.0.1:80')).toEqual([
      ['SET', 'keyword'],
      ['web', 'name'],
      ['listen', 'property'],
      ['=', 'operator'],
      ['127.0.0.1:80', 'string'],
    ]);
  });

  it('marks roles and sizes as literals, paths as strings', () => {
    expect(tokens('SET role = reverse_proxy').at(-1)).toEqual(['reverse_proxy', 'literal']);
    expect(tokens('SET buffer_size = 256k').at(-1)).toEqual(['256k', 'literal']);
    expect(tokens('SET docroot = /var/www').at(-1)).toEqual(['/var/www', 'string']);
  });

  it('marks comments, even right after a value', () => {
    expect(tokens('# the front end')).toEqual([['# the front end', 'comment']]);
    expect(tokens('ENABLE web #on').slice(-1)).toEqual([['#on', 'comment']]);
  });

  it('marks $ENV and ${ip:...} expansions', () => {
    expect(tokens('SET listen = 127.0.0.1:$PORT')).toContainEqual(['$PORT', 'variable']);
    expect(tokens('SET listen = ${ip:eth0}:80')).toContainEqual(['${ip:eth0}', 'special-variable']);
  });

  it('marks plugin commands, pools and LOAD names', () => {
    expect(tokens('VHOST *.lj.localhost = web')).toEqual([
      ['VHOST', 'keyword'],
      ['*.lj.localhost', 'string'],
      ['=', 'operator'],
      ['web', 'name'],
    ]);
    expect(tokens('POOL p ADD 127.0.0.1:80')).toEqual([
      ['POOL', 'keyword'],
      ['p', 'name'],
      ['ADD', 'keyword'],
      ['127.0.0.1:80', 'literal'],
    ]);
    expect(tokens('LOAD Vhosts')).toEqual([
      ['LOAD', 'keyword'],
      ['Vhosts', 'name'],
    ]);
  });

  it('marks an unknown command as invalid', () => {
    expect(tokens('CRAETE SERVICE x')[0]).toEqual(['CRAETE', 'invalid']);
  });
});
