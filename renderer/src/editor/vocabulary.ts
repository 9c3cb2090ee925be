/**
 * The words of the Perlbal command language the editor knows, gathered from the core's own
 * reference tables (CORE_COMMANDS, the plugin registry, MANAGE_VERBS), so highlighting,
 * completion and hover never drift from what the parser accepts.
 */
import { CORE_COMMANDS, MANAGE_VERBS, PLUGINS, type PluginDef } from './config-lib.js';

export interface VerbDoc {
  /** Upper-case, as Perlbal's own configs spell it (`CREATE`, `VHOST`). */
  readonly verb: string;
  readonly grammar: string;
  readonly description: string;
  /** The plugin whose LOAD makes the verb exist; absent for core commands. */
  readonly plugin?: PluginDef;
}

/** Core commands, then plugin commands (VHOST, VPATH, ACCESS, ...). */
export const VERBS: readonly VerbDoc[] = [
  ...CORE_COMMANDS,
  ...PLUGINS.flatMap((plugin) =>
    (plugin.commands ?? []).map((c) => ({
      verb: c.verb,
      grammar: c.grammar,
      description: c.description,
      plugin,
    })),
  ),
];

const BY_VERB = new Map(VERBS.map((v) => [v.verb.toLowerCase(), v]));

/** Query verbs only a running server answers (`show`, `dumpconfig`, ...), lower-case. */
const MANAGE = new Set<string>(MANAGE_VERBS);

/** The documented verb for a word in any case. */
export function verbDoc(word: string): VerbDoc | undefined {
  return BY_VERB.get(word.toLowerCase());
}

/** Whether Perlbal dispatches on this base word (Perlbal lower-cases it first, so any case). */
export function isVerb(word: string): boolean {
  const lower = word.toLowerCase();
  return BY_VERB.has(lower) || MANAGE.has(lower);
}

/**
 * Fixed words that follow a verb (`CREATE SERVICE`, `POOL x ADD`, `HEADER s INSERT`), keyed by
 * the lower-case verb. Perlbal matches them case-insensitively; canonical text upper-cases them.
 */
export const SUBKEYWORDS: Readonly<Record<string, readonly string[]>> = {
  create: ['SERVICE', 'POOL'],
  pool: ['ADD', 'REMOVE'],
  header: ['INSERT', 'REMOVE'],
  mime: ['LIST', 'SET', 'REMOVE'],
  verbose: ['ON', 'OFF'],
  shutdown: ['GRACEFUL'],
  access: ['POLICY', 'ALLOW', 'DENY', 'RESET', 'QUEUE_LOW'],
  throttle: ['RELOAD'],
};

export function isSubkeyword(verb: string, word: string): boolean {
  return SUBKEYWORDS[verb.toLowerCase()]?.includes(word.toUpperCase()) ?? false;
}

/** Values Perlbal's bool check accepts, case-insensitive; `on`/`off` first as configs write them. */
export const BOOL_WORDS: readonly string[] = ['on', 'off', 'yes', 'no', 'true', 'false', '1', '0'];
