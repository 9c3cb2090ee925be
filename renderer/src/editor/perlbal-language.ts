/**
 * Syntax highlighting for Perlbal configs: a CodeMirror StreamLanguage, because the language is
 * line-oriented (Perlbal runs each line as one management command, `Perlbal::run_manage_command`)
 * and needs no tree. Colours come from CSS custom properties set outside the editor (theme.ts).
 */
import {
  HighlightStyle,
  StreamLanguage,
  syntaxHighlighting,
  type StreamParser,
  type StringStream,
} from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { tags } from '@lezer/highlight';
import { CORE_ROLES, PLUGINS } from './config-lib.js';
import { BOOL_WORDS, isSubkeyword, isVerb } from './vocabulary.js';

interface LineState {
  /** Index of the current word on the line; -1 before the first. */
  word: number;
  /** The line's verb, lower-case ('' until read). */
  verb: string;
  /** Past the first `=`: Perlbal keeps the case of this part, it is the value. */
  afterEquals: boolean;
}

const ROLES = new Set<string>([...CORE_ROLES, ...PLUGINS.flatMap((p) => p.addsRoles ?? [])]);
const BOOLS = new Set(BOOL_WORDS);
/** Lines of the form `VERB key = value`, where the word before `=` is a setting name. */
const KEYED = new Set(['set', 'default', 'server']);

function valueToken(word: string, state: LineState): string {
  if (state.verb === 'vhost' || state.verb === 'vpath') return 'labelName';
  if (!KEYED.has(state.verb)) return 'string';
  const lower = word.toLowerCase();
  if (BOOLS.has(lower)) return 'bool';
  if (/^\d+[bkm]?$/i.test(word)) return 'number';
  if (ROLES.has(word)) return 'atom';
  return 'string';
}

/** A word before `=` on a SET/DEFAULT/SERVER line: the service name or the setting's name. */
function keyedToken(stream: StringStream, state: LineState): string {
  const rest = stream.string.slice(stream.pos);
  // `SET svc.key` / `SET svc key`: the first segment names the service or pool.
  const first = stream.string.charAt(stream.start - 1) !== '.';
  const isTarget =
    state.verb === 'set' &&
    state.word === 1 &&
    first &&
    (rest.startsWith('.') || !/^\s*=/.test(rest));
  return isTarget ? 'labelName' : 'propertyName';
}

function beforeEqualsToken(word: string, stream: StringStream, state: LineState): string | null {
  if (state.word === 0) {
    state.verb = word.toLowerCase();
    return isVerb(word) ? 'keyword' : 'invalid';
  }
  if (isSubkeyword(state.verb, word)) return 'keyword';
  if (KEYED.has(state.verb)) return keyedToken(stream, state);
  switch (state.verb) {
    case 'create':
      return state.word === 2 ? 'variableName.definition' : null;
    case 'use':
    case 'enable':
    case 'disable':
    case 'header':
      return state.word === 1 ? 'labelName' : 'string';
    case 'pool':
      return /^\d/.test(word) ? 'number' : 'labelName';
    case 'load':
    case 'unload':
      return 'namespace';
    default:
      return 'string';
  }
}

/** Consumes one word; before `=` a `.` splits `svc.key` so each half gets its own colour. */
function readWord(stream: StringStream, state: LineState): string | null {
  const fresh = stream.start === 0 || /[\s=]/.test(stream.string.charAt(stream.start - 1));
  if (fresh) state.word++;
  if (state.afterEquals) {
    stream.match(/^[^\s#$]+/);
    return valueToken(stream.current(), state);
  }
  if (stream.eat('.')) return 'punctuation';
  stream.match(KEYED.has(state.verb) ? /^[^\s#$=.]+/ : /^[^\s#$=]+/);
  return beforeEqualsToken(stream.current(), stream, state);
}

export const perlbalParser: StreamParser<LineState> = {
  name: 'perlbal',
  startState: () => ({ word: -1, verb: '', afterEquals: false }),
  token(stream, state) {
    if (stream.sol()) Object.assign(state, { word: -1, verb: '', afterEquals: false });
    if (stream.eatSpace()) return null;
    // `#` starts a comment anywhere on the line, even inside a value (Perlbal `s/#.*//`).
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match(/^\$\{[^}#]*\}?/)) return 'variableName.special';
    if (stream.match(/^\$\w+/)) return 'variableName';
    if (stream.peek() === '=' && !state.afterEquals) {
      stream.next();
      state.afterEquals = true;
      return 'operator';
    }
    if (stream.peek() === '$') {
      stream.next();
      return null;
    }
    return readWord(stream, state);
  },
  languageData: { commentTokens: { line: '#' } },
};

export const perlbalLanguage = StreamLanguage.define(perlbalParser);

/** Colours by role of the token; the variables are defined by the editor host (theme.ts). */
export const perlbalHighlightStyle = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--pb-ed-keyword)', fontWeight: '600' },
  { tag: tags.propertyName, color: 'var(--pb-ed-property)' },
  { tag: [tags.labelName, tags.namespace], color: 'var(--pb-ed-name)' },
  { tag: tags.definition(tags.variableName), color: 'var(--pb-ed-name)', fontWeight: '600' },
  { tag: [tags.bool, tags.atom, tags.number], color: 'var(--pb-ed-literal)' },
  { tag: tags.string, color: 'var(--pb-ed-string)' },
  { tag: [tags.variableName, tags.special(tags.variableName)], color: 'var(--pb-ed-variable)' },
  { tag: tags.comment, color: 'var(--pb-ed-comment)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--pb-ed-invalid)' },
]);

/** The language plus its highlighting, as one extension. */
export function perlbal(): Extension {
  return [perlbalLanguage, syntaxHighlighting(perlbalHighlightStyle)];
}
