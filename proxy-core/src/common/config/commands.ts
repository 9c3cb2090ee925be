/**
 * The ConfigCommand union: one parsed line of Perlbal's command language (config file and
 * management port alike). Every node keeps its span, its comments and, when it came from text,
 * its `source`, so `print(parse(text))` keeps what the user wrote.
 */
import type { Span } from './span.js';

export interface CommandBase {
  /** The whole command on its line (1-based, endColumn exclusive); NO_SPAN for dump output. */
  span: Span;
  /** Full-line comments directly above the command: the text after `#`. */
  leadingComments: string[];
  /** The comment after the command on its line: the text after `#`. */
  trailingComment?: string;
  /** A blank line separates this command from the one before. */
  blankLineBefore?: boolean;
  /**
   * The original text, comment removed, whitespace collapsed, `$VAR`s NOT expanded.
   * Absent on commands made by `dump`.
   */
  source?: string;
  /** Original spans of named tokens (`name`, `pool`, `pattern`, ...); absent on dump output. */
  tokens?: Partial<Record<string, Span>>;
}

/** `CREATE SERVICE name` / `CREATE POOL name`. */
export interface CreateCommand extends CommandBase {
  kind: 'create';
  what: 'service' | 'pool';
  name: string;
}

/** `USE name`: sets the context like CREATE. */
export interface UseCommand extends CommandBase {
  kind: 'use';
  name: string;
}

/** `SET [name] key = value`: name joined with `.` or a space; null means the context. */
export interface SetCommand extends CommandBase {
  kind: 'set';
  target: string | null;
  key: string;
  value: string;
  keySpan: Span;
  valueSpan: Span;
  targetSpan?: Span;
}

/** `DEFAULT key = value`: applied when a service's role is set. */
export interface DefaultCommand extends CommandBase {
  kind: 'default';
  key: string;
  value: string;
  keySpan: Span;
  valueSpan: Span;
}

export interface EnableCommand extends CommandBase {
  kind: 'enable';
  name: string;
}

export interface DisableCommand extends CommandBase {
  kind: 'disable';
  name: string;
}

/** `POOL name ADD|REMOVE ip[:port]` (name and verb in either order). */
export interface PoolCommand extends CommandBase {
  kind: 'pool';
  pool: string;
  action: 'add' | 'remove';
  ip: string;
  /** As typed; '80' when omitted or 0 (Perl `$port ||= 80`). */
  port: string;
}

/** `HEADER svc INSERT name: value` / `HEADER svc REMOVE name`. */
export interface HeaderCommand extends CommandBase {
  kind: 'header';
  service: string;
  action: 'insert' | 'remove';
  name: string;
  /** Null when the line has no `: value` part. */
  value: string | null;
}

/** `LOAD Plugin`: the name keeps the case it was typed in (Perlbal reads `orig`). */
export interface LoadCommand extends CommandBase {
  kind: 'load';
  /** Null when the original text has no literal name (e.g. `LOAD $PLUGIN`). */
  plugin: string | null;
}

export interface UnloadCommand extends CommandBase {
  kind: 'unload';
  plugin: string;
}

/** `SERVER key = value`. */
export interface ServerCommand extends CommandBase {
  kind: 'server';
  key: string;
  value: string;
}

/** `MIME [list]`, `MIME SET ext type`, `MIME REMOVE ext`. */
export interface MimeCommand extends CommandBase {
  kind: 'mime';
  action: 'list' | 'set' | 'remove';
  ext: string | null;
  type: string | null;
}

interface PluginCommandOf<V extends string, A> extends CommandBase {
  kind: 'plugin';
  verb: V;
  /** Canonical lower-case name of the plugin that registers the verb. */
  plugin: string;
  args: A;
}

export type VhostCommand = PluginCommandOf<
  'VHOST',
  { service: string | null; pattern: string; target: string }
>;
export type VpathCommand = PluginCommandOf<
  'VPATH',
  { service: string | null; regex: string; target: string }
>;
export type AccessCommand = PluginCommandOf<
  'ACCESS',
  {
    action: 'policy' | 'allow' | 'deny' | 'reset' | 'queue_low';
    arg1: string | null;
    arg2: string | null;
  }
>;
export type RedirectCommand = PluginCommandOf<'REDIRECT', { match: string; target: string }>;
export type IncludeCommand = PluginCommandOf<'INCLUDE', { globs: string }>;
export type ThrottleCommand = PluginCommandOf<
  'THROTTLE',
  { action: 'reload'; what: 'config' | 'whitelist' | 'blacklist' }
>;
export type PerlRequireCommand = PluginCommandOf<'PERLREQUIRE', { module: string }>;
export type PerlHandlerCommand = PluginCommandOf<'PERLHANDLER', { handler: string }>;

/** A verb registered by a plugin's `load` (`manage_command.<verb>`). */
export type PluginCommand =
  | VhostCommand
  | VpathCommand
  | AccessCommand
  | RedirectCommand
  | IncludeCommand
  | ThrottleCommand
  | PerlRequireCommand
  | PerlHandlerCommand;

export type PluginVerb = PluginCommand['verb'];

/** Commands only the running server can answer. */
export const MANAGE_VERBS = [
  'help',
  'show',
  'uptime',
  'version',
  'nodes',
  'node',
  'socks',
  'states',
  'queues',
  'reproxy_state',
  'backends',
  'pending',
  'noverify',
  'proc',
  'fd',
  'plugins',
  'aio',
  'obj',
  'track',
  'state',
  'leaks',
  'varsize',
  'gladiator',
  'prof',
  'xs',
  'dumpconfig',
  'shutdown',
  'verbose',
  'crash',
  'reload',
  'stats',
  'recent',
  'patterns',
] as const;

export type ManageVerb = (typeof MANAGE_VERBS)[number];

/** A management command: classified and syntax-checked here, answered by the runtime. */
export interface ManageCommand extends CommandBase {
  kind: 'manage';
  verb: ManageVerb;
  /** The text after the verb ('' when none). */
  args: string;
  /** The fully pre-processed line (comment-stripped, collapsed, expanded, lower-cased before `=`). */
  line: string;
}

/** A line that could not be parsed; its diagnostic comes from the parser. Printed as typed. */
export interface InvalidCommand extends CommandBase {
  kind: 'invalid';
  /** The base word (`^\w+`) when there is one. */
  base: string | null;
  source: string;
}

/** A line Perlbal skips silently (after $VAR expansion it starts with whitespace). */
export interface IgnoredCommand extends CommandBase {
  kind: 'ignored';
  source: string;
}

/** Comments not attached to a command (at the end of the file, or followed by a blank line). */
export interface CommentCommand extends CommandBase {
  kind: 'comment';
}

export type ConfigCommand =
  | CreateCommand
  | UseCommand
  | SetCommand
  | DefaultCommand
  | EnableCommand
  | DisableCommand
  | PoolCommand
  | HeaderCommand
  | LoadCommand
  | UnloadCommand
  | ServerCommand
  | MimeCommand
  | PluginCommand
  | ManageCommand
  | InvalidCommand
  | IgnoredCommand
  | CommentCommand;

export type CommandKind = ConfigCommand['kind'];
