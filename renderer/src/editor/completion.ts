/**
 * Autocomplete for Perlbal configs. It reads the cursor's place in the command (verb, name, key
 * before `=`, value after it) and, for SET, the role the service has at that line, so a
 * reverse_proxy block is offered reverse_proxy tunables and a pool block its two parameters.
 */
import {
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import type { Extension } from '@codemirror/state';
import { tunableFor, tunablesForRole } from './config-lib.js';
import {
  nameOptions,
  pluginModuleOptions,
  pluginsKeyOption,
  poolParameterOptions,
  serverKeyOptions,
  subkeywordOptions,
  tunableOptions,
  valueOptions,
  verbOptions,
} from './completion-options.js';
import { contextAt, resolveTarget, type ContextAt } from './context-at.js';
import { lineWords, type LineWord } from './line-words.js';

/** Where the cursor is within its line. */
interface Place {
  /** Lower-case verb, '' when the cursor is on the verb itself. */
  verb: string;
  /** The words before the one being typed. */
  before: LineWord[];
  /** The word being typed, up to the cursor ('' at a space). */
  typed: string;
  /** Document offset where the typed word starts. */
  from: number;
  afterEquals: boolean;
  hasEquals: boolean;
  line: number;
}

function placeAt(context: CompletionContext): Place | null {
  const line = context.state.doc.lineAt(context.pos);
  const column = context.pos - line.from;
  const { words, equals, comment } = lineWords(line.text);
  if (comment >= 0 && column > comment) return null;
  const typedMatch = /[^\s=]*$/.exec(line.text.slice(0, column))!;
  const start = column - typedMatch[0].length;
  const before = words.filter((w) => w.to <= start);
  return {
    verb: before[0]?.text.toLowerCase() ?? '',
    before,
    typed: typedMatch[0],
    from: line.from + start,
    afterEquals: equals >= 0 && column > equals,
    hasEquals: equals >= 0,
    line: line.number,
  };
}

/** SET keys: `svc.key` / `svc key` name the target, else the context (CREATE / USE) does. */
function setKeyOptions(place: Place, ctx: ContextAt): { options: Completion[]; offset: number } {
  const dot = place.typed.lastIndexOf('.');
  const named = dot >= 0 ? place.typed.slice(0, place.typed.indexOf('.')) : place.before[1]?.text;
  const target = resolveTarget(ctx, named ?? null);
  const eq = !place.hasEquals;
  const offset = dot + 1;
  if (target.kind === 'pool') return { options: poolParameterOptions(eq), offset };
  const role = target.kind === 'service' ? target.service.role : null;
  // Before `SET role`, only the any-role tunables may be set (the rest error until then).
  const defs = tunablesForRole(role, ctx.model.plugins).filter(
    (d) => d.roles === '*' || role !== null,
  );
  const options = tunableOptions(defs, eq);
  if (target.kind === 'service') options.push(pluginsKeyOption(eq));
  return { options, offset };
}

function valueOptionsAt(place: Place, ctx: ContextAt): Completion[] {
  const keyWord = place.before.filter((w) => !w.afterEquals).at(-1)?.text ?? '';
  if (place.verb === 'vhost' || place.verb === 'vpath')
    return nameOptions(
      ctx.model.services.map((s) => s.name),
      'service',
    );
  if (place.verb !== 'set' && place.verb !== 'default') return [];
  if (place.before.some((w) => w.afterEquals)) return [];
  const key = keyWord.slice(keyWord.lastIndexOf('.') + 1).toLowerCase();
  const def = tunableFor(key, ctx.model.plugins);
  return def ? valueOptions(def, ctx.model) : [];
}

function keyOptionsAt(place: Place, ctx: ContextAt): { options: Completion[]; offset: number } {
  const index = place.before.length;
  const names = (what: 'service' | 'pool') =>
    what === 'service'
      ? nameOptions(
          ctx.model.services.map((s) => s.name),
          'service',
        )
      : nameOptions(
          ctx.model.pools.map((p) => p.name),
          'pool',
        );
  const none = { options: [] as Completion[], offset: 0 };
  const at = (options: Completion[]) => ({ options, offset: 0 });
  switch (place.verb) {
    case 'set':
      return index <= 2 ? setKeyOptions(place, ctx) : none;
    case 'default':
      return index === 1
        ? at(
            tunableOptions(
              tunablesForRole(null, ctx.model.plugins).filter((d) => d.name !== 'role'),
              !place.hasEquals,
            ),
          )
        : none;
    case 'server':
      return index === 1 ? at(serverKeyOptions(!place.hasEquals)) : none;
    case 'create':
    case 'mime':
      return index === 1 ? at(subkeywordOptions(place.verb)) : none;
    case 'enable':
    case 'disable':
      return index === 1 ? at(names('service')) : none;
    case 'use':
      return index === 1 ? at([...names('service'), ...names('pool')]) : none;
    case 'pool':
      return index === 1 ? at(names('pool')) : index === 2 ? at(subkeywordOptions('pool')) : none;
    case 'header':
      return index === 1
        ? at(names('service'))
        : index === 2
          ? at(subkeywordOptions('header'))
          : none;
    case 'load':
      return index === 1 ? at(pluginModuleOptions()) : none;
    default:
      return none;
  }
}

/** The completion source: null where nothing fits, so the popup stays closed. */
export function perlbalCompletions(context: CompletionContext): CompletionResult | null {
  const place = placeAt(context);
  if (!place) return null;
  if (place.typed === '' && !context.explicit && place.before.length === 0) return null;
  if (place.before.length === 0 && !place.afterEquals) {
    return { from: place.from, options: verbOptions(), validFor: /^\w*$/ };
  }
  const ctx = contextAt(context.state, place.line);
  if (place.afterEquals) {
    const options = valueOptionsAt(place, ctx);
    return options.length > 0 ? { from: place.from, options, validFor: /^[\w.-]*$/ } : null;
  }
  const { options, offset } = keyOptionsAt(place, ctx);
  if (options.length === 0) return null;
  return { from: place.from + offset, options, validFor: /^\w*$/ };
}

export function perlbalAutocompletion(): Extension {
  return autocompletion({ override: [perlbalCompletions] });
}
