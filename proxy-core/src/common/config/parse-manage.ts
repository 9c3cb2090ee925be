/**
 * Syntax of the management-only commands (the MANAGE_* handlers that report state, plus the
 * query verbs of Stats and Highpri): the regex or `no_opts` check each handler starts with.
 * The runtime answers them; the parser only classifies and validates.
 */
import { MANAGE_VERBS, type ManageVerb } from './commands.js';
import { perlRe } from './line-match.js';
import { noArgsError, syntaxError, usageError, type VerbParse } from './parse-support.js';
import type { PreLine } from './preprocess.js';

const NO_OPTS = new Set([
  'gladiator',
  'varsize',
  'obj',
  'fd',
  'proc',
  'uptime',
  'version',
  'track',
  'backends',
  'noverify',
  'pending',
  'queues',
  'plugins',
  'help',
  'aio',
]);

/** Verbs whose handler runs a regex without a usage text ("Invalid syntax to '<base>' command"). */
const PATTERNS: Readonly<Record<string, string>> = {
  shutdown: '^shutdown(\\s?graceful)?\\s?(\\d+)?$',
  xs: '^xs(?:\\s+(\\w+)\\s+(\\w+))?$',
  nodes: '^nodes?(?:\\s+(\\d+.\\d+.\\d+.\\d+)(?::(\\d+))?)?$',
  node: '^nodes?(?:\\s+(\\d+.\\d+.\\d+.\\d+)(?::(\\d+))?)?$',
  prof: '^prof\\w*\\s+(on|off|data)$',
  socks: '^socks(?: (\\w+))?$',
  states: '^states(?:\\s+(.+))?$',
  state: '^state changes$',
  leaks: '^leaks(?:\\s+(.+))?$',
  reload: '^reload (\\w+)$',
  show: '^show (?:service(?: \\w+)?|pool(?:\\s+\\w+)?)$',
};

const GRAMMAR: Readonly<Record<string, string>> = {
  shutdown: 'SHUTDOWN [GRACEFUL] [<seconds>]',
  xs: 'XS [{ENABLE|DISABLE} <module>]',
  nodes: 'NODES [<ip>[:<port>]]',
  node: 'NODE [<ip>[:<port>]]',
  prof: 'PROF {ON|OFF|DATA}',
  socks: 'SOCKS [ALL|SUMMARY]',
  states: 'STATES [<service>]',
  state: 'STATE CHANGES',
  leaks: 'LEAKS [<code>]',
  reload: 'RELOAD <plugin>',
  show: 'SHOW SERVICE [<name>] | SHOW POOL [<name>]',
};

const VERBS: ReadonlySet<string> = new Set(MANAGE_VERBS);

export function isManageVerb(base: string): base is ManageVerb {
  return VERBS.has(base);
}

/** Validates a management line; `args` is the text after the verb. */
export function parseManage(
  pre: PreLine,
  verb: ManageVerb,
): VerbParse<{ verb: ManageVerb; args: string; line: string }> {
  const text = pre.text;
  if (NO_OPTS.has(verb) && text !== verb) return noArgsError(pre, verb);
  if (verb === 'verbose' && !perlRe('^verbose (on|off)$').test(text)) {
    return usageError(pre, 'VERBOSE {ON|OFF}', 'usage: VERBOSE {on|off}');
  }
  const pattern = Object.prototype.hasOwnProperty.call(PATTERNS, verb) ? PATTERNS[verb] : undefined;
  if (pattern !== undefined && !perlRe(pattern).test(text))
    return syntaxError(pre, verb, GRAMMAR[verb]!);
  const args = text.slice(verb.length).replace(/^[ \t\n\r\f\v]+/, '');
  return { fields: { verb, args, line: text }, tokens: {} };
}
