/**
 * Hover help from the core's reference tables: a tunable shows its type, default, roles and
 * description (the same text as docs/config-reference.md); a command its grammar; SERVER keys,
 * pool parameters and LOAD names their description.
 */
import type { EditorState, Extension } from '@codemirror/state';
import { hoverTooltip, type EditorView, type Tooltip } from '@codemirror/view';
import {
  PLUGINS,
  POOL_PARAMETERS,
  SERVER_KEYS,
  formatTunableValue,
  tunableFor,
  type TunableDef,
} from './config-lib.js';
import { lineWords } from './line-words.js';
import { verbDoc } from './vocabulary.js';

export interface HoverHelp {
  /** The hovered word's document range. */
  from: number;
  to: number;
  title: string;
  /** Short facts, one per line (`Default: off`). */
  facts: string[];
  description: string;
}

function defaultText(def: TunableDef): string {
  if (def.default === undefined) return 'none (unset)';
  if (def.default === null) return 'none (undef)';
  const text = formatTunableValue(def.default);
  return text === '' ? "'' (empty)" : text;
}

export function tunableHelp(def: TunableDef): Omit<HoverHelp, 'from' | 'to'> {
  const roles = def.roles === '*' ? 'any role' : def.roles.join(', ');
  const facts = [`Type: ${def.type}`, `Default: ${defaultText(def)}`, `Roles: ${roles}`];
  if (def.type === 'enum' && def.values) facts.push(`Values: ${def.values.join(', ')}`);
  if (def.plugin) facts.push(`From the ${def.plugin} plugin`);
  if (def.addition) facts.push('A Perlbal Desktop addition (not in Perlbal 1.80)');
  return { title: def.name, facts, description: def.description };
}

/** Help for a word before `=` on a SET / DEFAULT / SERVER line. */
function keyHelp(verb: string, key: string): Omit<HoverHelp, 'from' | 'to'> | undefined {
  if (verb === 'server') {
    const k = SERVER_KEYS.find((s) => s.name === key);
    return k && { title: `SERVER ${k.name}`, facts: [k.grammar], description: k.description };
  }
  const def = tunableFor(key);
  if (def) return tunableHelp(def);
  const p = POOL_PARAMETERS.find((s) => s.name === key);
  return p && { title: `${p.name} (pool)`, facts: [p.grammar], description: p.description };
}

function verbHelp(word: string): Omit<HoverHelp, 'from' | 'to'> | undefined {
  const v = verbDoc(word);
  if (!v) return undefined;
  const facts = [v.grammar];
  if (v.plugin) facts.push(`Needs LOAD ${v.plugin.module}`);
  return { title: v.verb, facts, description: v.description };
}

/** The help for the word at `pos`, or null where there is none. */
export function hoverHelp(state: EditorState, pos: number): HoverHelp | null {
  const line = state.doc.lineAt(pos);
  const column = pos - line.from;
  const { words } = lineWords(line.text);
  const index = words.findIndex((w) => column >= w.from && column < w.to);
  const word = words[index];
  if (!word) return null;
  const verb = words[0]!.text.toLowerCase();
  let help: Omit<HoverHelp, 'from' | 'to'> | undefined;
  let from = word.from;
  let to = word.to;
  if (index === 0) help = verbHelp(word.text);
  else if (!word.afterEquals && (verb === 'set' || verb === 'default' || verb === 'server')) {
    // `svc.key`: only the segment under the pointer is looked up.
    const start = word.text.lastIndexOf('.', column - word.from - 1) + 1;
    const end = word.text.indexOf('.', column - word.from);
    from = word.from + start;
    to = end < 0 ? word.to : word.from + end;
    help = keyHelp(verb, line.text.slice(from, to).toLowerCase());
  } else if (verb === 'load' && index === 1) {
    const p = PLUGINS.find((x) => x.module.toLowerCase() === word.text.toLowerCase());
    help = p && { title: p.module, facts: ['Plugin'], description: p.summary };
  }
  return help ? { ...help, from: line.from + from, to: line.from + to } : null;
}

/**
 * The tooltip's DOM, made with the view's own document: text nodes only, never HTML from the
 * tables. (No DOM type is named here: the Node-side type check of the tests has no DOM lib.)
 */
export function renderHoverHelp(help: HoverHelp, view: EditorView) {
  const doc = view.dom.ownerDocument;
  const dom = doc.createElement('div');
  dom.className = 'cm-pb-hover';
  const title = doc.createElement('strong');
  title.textContent = help.title;
  dom.append(title);
  for (const fact of help.facts) {
    const p = doc.createElement('div');
    p.className = 'cm-pb-hover-fact';
    p.textContent = fact;
    dom.append(p);
  }
  const description = doc.createElement('p');
  description.textContent = help.description;
  dom.append(description);
  return dom;
}

export function perlbalHover(): Extension {
  return hoverTooltip((view, pos): Tooltip | null => {
    const help = hoverHelp(view.state, pos);
    if (!help) return null;
    return {
      pos: help.from,
      end: help.to,
      above: true,
      create: () => ({ dom: renderHoverHelp(help, view) }),
    };
  });
}
