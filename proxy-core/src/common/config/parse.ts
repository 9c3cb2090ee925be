/**
 * Text -> ConfigCommand[]: pre-processes each line like `run_manage_command`, dispatches on the
 * base word (built-in handler, then plugin command, else `unknown command`), and attaches
 * comments and blank lines to the commands so printing keeps them. Never throws on input.
 */
import type { ConfigCommand, ManageVerb } from './commands.js';
import { createDiagnostic, type ConfigDiagnostic } from './diagnostics.js';
import type { ApplyEnv } from './env.js';
import { CORE_PARSERS, type CommandFields } from './parse-core.js';
import { isManageVerb, parseManage } from './parse-manage.js';
import { isParseError, type VerbParse } from './parse-support.js';
import {
  pluginCommand,
  pluginCommandBases,
  pluginForManageVerb,
  resolveLoadName,
} from './plugins/registry.js';
import { commandSpan, preprocessLine, type PreLine } from './preprocess.js';
import { didYouMean } from './suggest.js';

const CORE = new Map(Object.entries(CORE_PARSERS));

/** Which plugins are loaded at this point of the file; `all` when unknown (management port, INCLUDE). */
export type LoadedPlugins = ReadonlySet<string> | 'all';

export interface ParsedLine {
  command: ConfigCommand | null;
  diagnostics: ConfigDiagnostic[];
}

function allVerbs(): string[] {
  return [
    ...CORE.keys(),
    ...pluginCommandBases(),
    'crash',
    'help',
    'show',
    'dumpconfig',
    'verbose',
    'shutdown',
  ];
}

function base(pre: PreLine): Omit<ConfigCommand, 'kind'> & { source: string } {
  return { span: commandSpan(pre), leadingComments: [], source: pre.orig };
}

function invalid(pre: PreLine, baseWord: string | null, error: ConfigDiagnostic): ParsedLine {
  return {
    command: { ...base(pre), kind: 'invalid', base: baseWord } as ConfigCommand,
    diagnostics: [error],
  };
}

function build(pre: PreLine, r: VerbParse<CommandFields>, baseWord: string): ParsedLine {
  if (isParseError(r)) return invalid(pre, baseWord, r.error);
  const command = { ...base(pre), ...r.fields, tokens: r.tokens } as ConfigCommand;
  return { command, diagnostics: [] };
}

function parsePluginVerb(
  pre: PreLine,
  baseWord: string,
  loaded: LoadedPlugins,
): ParsedLine | undefined {
  const entry = pluginCommand(baseWord);
  if (!entry) return undefined;
  const r = entry.command.parse(pre);
  if (isParseError(r)) {
    // Before its LOAD, Perlbal doesn't know the verb at all: that is the error to show.
    if (loaded !== 'all' && !loaded.has(entry.plugin.name)) {
      const what = `The ${entry.command.verb} command`;
      const d = createDiagnostic(
        'plugin_not_loaded',
        { what, module: entry.plugin.module },
        commandSpan(pre),
        `unknown command: ${baseWord}`,
      );
      return invalid(pre, baseWord, d);
    }
    return invalid(pre, baseWord, r.error);
  }
  const fields = {
    kind: 'plugin',
    verb: entry.command.verb,
    plugin: entry.plugin.name,
    args: r.fields.args,
  };
  return {
    command: { ...base(pre), ...fields, tokens: r.tokens } as ConfigCommand,
    diagnostics: [],
  };
}

function parseManageVerb(pre: PreLine, verb: ManageVerb): ParsedLine {
  const r = parseManage(pre, verb);
  if (isParseError(r)) return invalid(pre, verb, r.error);
  return {
    command: { ...base(pre), kind: 'manage', ...r.fields } as ConfigCommand,
    diagnostics: [],
  };
}

/** One pre-processed, non-blank line. */
function parseCommand(pre: PreLine, loaded: LoadedPlugins): ParsedLine {
  const m = /^(\w+)/.exec(pre.text);
  if (!m) {
    return invalid(
      pre,
      null,
      createDiagnostic('invalid_command', {}, commandSpan(pre), 'invalid command'),
    );
  }
  const word = m[1]!;
  const core = CORE.get(word);
  if (core) return build(pre, core(pre), word);
  if (isManageVerb(word) && !pluginForManageVerb(word)) return parseManageVerb(pre, word);
  const plugin = parsePluginVerb(pre, word, loaded);
  if (plugin) return plugin;
  if (isManageVerb(word)) return parseManageVerb(pre, word);
  const span = commandSpan(pre);
  const d = createDiagnostic(
    'unknown_command',
    { base: word, hint: didYouMean(word, allVerbs()) },
    { ...span, endColumn: span.column + word.length },
    `unknown command: ${word}`,
  );
  return invalid(pre, word, d);
}

function parsePre(pre: PreLine, loaded: LoadedPlugins): ParsedLine {
  if (pre.orig === '') return { command: null, diagnostics: [] };
  const expansionError = pre.diagnostics.find((d) => d.severity === 'error');
  if (expansionError) {
    const r = invalid(pre, /^(\w+)/.exec(pre.orig)?.[1]?.toLowerCase() ?? null, expansionError);
    return { ...r, diagnostics: pre.diagnostics };
  }
  if (pre.ignored || pre.text === '') {
    const d = createDiagnostic('line_ignored', {}, commandSpan(pre));
    return {
      command: { ...base(pre), kind: 'ignored' } as ConfigCommand,
      diagnostics: [...pre.diagnostics, d],
    };
  }
  const r = parseCommand(pre, loaded);
  const extra = [...pre.diagnostics];
  if (pre.hashInsideWord) extra.push(createDiagnostic('comment_in_value', {}, commandSpan(pre)));
  if (pre.comment !== undefined && r.command) r.command.trailingComment = pre.comment;
  return { command: r.command, diagnostics: [...extra, ...r.diagnostics] };
}

/**
 * Parses one line, as the management port does. `loadedPlugins` (canonical names) decides
 * how a malformed plugin command is reported; by default every plugin counts as loaded.
 * Null for blank and comment-only lines.
 */
export function parseLine(
  line: string,
  env: ApplyEnv,
  lineNo = 1,
  loadedPlugins?: readonly string[],
): ParsedLine {
  const loaded: LoadedPlugins = loadedPlugins ? new Set(loadedPlugins) : 'all';
  return parsePre(preprocessLine(line, env, lineNo), loaded);
}

/** Keeps the set of loaded plugins up to date from LOAD / UNLOAD / INCLUDE lines. */
function trackLoads(cmd: ConfigCommand, loaded: Set<string> | 'all'): Set<string> | 'all' {
  if (loaded === 'all') return loaded;
  if (cmd.kind === 'plugin' && cmd.verb === 'INCLUDE') return 'all';
  if (cmd.kind === 'load' && cmd.plugin) {
    const def = resolveLoadName(cmd.plugin);
    if (def) loaded.add(def.name);
  }
  if (cmd.kind === 'unload') loaded.delete(cmd.plugin);
  return loaded;
}

/** Collects comment lines and blank lines between commands. */
class Layout {
  comments: string[] = [];
  commentsBlank = false;
  blank = false;
  anyBefore = false;

  comment(text: string): void {
    if (this.comments.length === 0) {
      this.commentsBlank = this.blank;
      this.blank = false;
    }
    this.comments.push(text);
  }

  /** Returns a standalone comment node to emit when a blank line ends a comment block. */
  blankLine(): ConfigCommand | undefined {
    const node = this.flush();
    if (this.anyBefore) this.blank = true;
    return node;
  }

  flush(): ConfigCommand | undefined {
    if (this.comments.length === 0) return undefined;
    const node: ConfigCommand = {
      kind: 'comment',
      span: { line: 0, column: 0, endLine: 0, endColumn: 0 },
      leadingComments: this.comments,
    };
    if (this.commentsBlank) node.blankLineBefore = true;
    this.comments = [];
    this.commentsBlank = false;
    this.anyBefore = true;
    return node;
  }

  attach(cmd: ConfigCommand): void {
    const blank = this.comments.length > 0 ? this.commentsBlank : this.blank;
    if (blank) cmd.blankLineBefore = true;
    cmd.leadingComments = this.comments;
    this.comments = [];
    this.commentsBlank = false;
    this.blank = false;
    this.anyBefore = true;
  }
}

/** Parses a whole config file. Lines are split on LF; a CR before it counts as whitespace. */
export function parseConfig(
  text: string,
  env: ApplyEnv,
  file?: string,
): { commands: ConfigCommand[]; diagnostics: ConfigDiagnostic[] } {
  const commands: ConfigCommand[] = [];
  const diagnostics: ConfigDiagnostic[] = [];
  const layout = new Layout();
  let loaded: Set<string> | 'all' = new Set();
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const pre = preprocessLine(raw, env, i + 1);
    if (pre.orig === '') {
      const node =
        pre.comment !== undefined ? (layout.comment(pre.comment), undefined) : layout.blankLine();
      if (node) commands.push(node);
      return;
    }
    const r = parsePre(pre, loaded);
    diagnostics.push(...r.diagnostics);
    if (!r.command) return;
    layout.attach(r.command);
    commands.push(r.command);
    loaded = trackLoads(r.command, loaded);
  });
  const tail = layout.flush();
  if (tail) commands.push(tail);
  if (file !== undefined) for (const d of diagnostics) d.file = file;
  return { commands, diagnostics };
}
