/**
 * Parsers for the core configuration verbs, each running the regex of its Perlbal handler
 * (MANAGE_create, _use, _set, _default, _enable, _pool, _header, _load, _unload, _server,
 * _mime) and the argument checks those handlers make before touching any state.
 */
import type { ConfigCommand } from './commands.js';
import { createDiagnostic } from './diagnostics.js';
import { matchLine, matchOrig, perlRe } from './line-match.js';
import { perlTruthy } from './perl-text.js';
import { commandSpan, type PreLine } from './preprocess.js';
import { syntaxError, tokensOf, usageError, type VerbParse } from './parse-support.js';

/** The kind-specific fields of a command (everything but the common base fields). */
export type CommandFields = { kind: ConfigCommand['kind'] } & Record<string, unknown>;

type CoreParser = (pre: PreLine) => VerbParse<CommandFields>;

function parseCreate(pre: PreLine): VerbParse<CommandFields> {
  const m = matchLine(pre, perlRe('^create (service|pool) (\\w+)$'));
  if (!m)
    return usageError(pre, 'CREATE {SERVICE|POOL} <name>', 'usage: CREATE {service|pool} <name>');
  return {
    fields: { kind: 'create', what: m.groups[1], name: m.groups[2] },
    tokens: tokensOf({ what: m.spans[1], name: m.spans[2] }),
  };
}

function parseUse(pre: PreLine): VerbParse<CommandFields> {
  const m = matchLine(pre, perlRe('^use (\\w+)$'));
  if (!m) return usageError(pre, 'USE <name>', 'usage: USE <service_or_pool_name>');
  return { fields: { kind: 'use', name: m.groups[1] }, tokens: tokensOf({ name: m.spans[1] }) };
}

function parseSet(pre: PreLine): VerbParse<CommandFields> {
  const m = matchLine(pre, perlRe('^set (?:(\\w+)[. ])?([\\w.]+) ?= ?(.+)$'));
  if (!m)
    return usageError(
      pre,
      'SET [<service>] <param> = <value>',
      'usage: SET [<service>] <param> = <value>',
    );
  const fields: CommandFields = {
    kind: 'set',
    target: m.groups[1] ?? null,
    key: m.groups[2],
    value: m.groups[3],
    keySpan: m.spans[2],
    valueSpan: m.spans[3],
  };
  if (m.spans[1]) fields['targetSpan'] = m.spans[1];
  return { fields, tokens: tokensOf({ target: m.spans[1], key: m.spans[2], value: m.spans[3] }) };
}

function parseDefault(pre: PreLine): VerbParse<CommandFields> {
  const m = matchLine(pre, perlRe('^default (\\w+) ?= ?(.+)$'));
  if (!m) return usageError(pre, 'DEFAULT <param> = <value>', 'usage: DEFAULT <param> = <value>');
  return {
    fields: {
      kind: 'default',
      key: m.groups[1],
      value: m.groups[2],
      keySpan: m.spans[1],
      valueSpan: m.spans[2],
    },
    tokens: tokensOf({ key: m.spans[1], value: m.spans[2] }),
  };
}

function parseEnable(pre: PreLine): VerbParse<CommandFields> {
  const m = matchLine(pre, perlRe('^(disable|enable) (\\w+)$'));
  if (!m) return usageError(pre, '{ENABLE|DISABLE} <service>', 'Usage: {ENABLE|DISABLE} <service>');
  return {
    fields: { kind: m.groups[1] as 'enable' | 'disable', name: m.groups[2] },
    tokens: tokensOf({ name: m.spans[2] }),
  };
}

/** MANAGE_pool: verb and name may be swapped; the IP dots are unescaped in Perlbal's regex. */
function parsePool(pre: PreLine): VerbParse<CommandFields> {
  const m = matchLine(pre, perlRe('^pool (\\w+) (\\w+) (\\d+.\\d+.\\d+.\\d+)(?::(\\d+))?$'));
  if (!m && /^pool (?:add|remove) [^ ]+$/.test(pre.text)) {
    const what =
      'POOL ADD/REMOVE needs the pool name: POOL <pool> ADD <ip>[:<port>] (the documented context form does not work in Perlbal 1.80)';
    return {
      error: createDiagnostic(
        'invalid_syntax',
        { what },
        commandSpan(pre),
        "Invalid syntax to 'pool' command",
      ),
    };
  }
  if (!m) return syntaxError(pre, 'pool', 'POOL <pool> {ADD|REMOVE} <ip>[:<port>]');
  const good = /^(?:add|remove)$/;
  let [verb, name, verbSpan, nameSpan] = [m.groups[1]!, m.groups[2]!, m.spans[1], m.spans[2]];
  if (good.test(name)) [verb, name, verbSpan, nameSpan] = [name, verb, nameSpan, verbSpan];
  if (!good.test(verb)) {
    const what = `POOL needs ADD or REMOVE next to the pool name (got '${m.groups[1]}' and '${m.groups[2]}')`;
    return {
      error: createDiagnostic(
        'invalid_syntax',
        { what },
        commandSpan(pre),
        "Invalid command:  must be 'add' or 'remove'",
      ),
    };
  }
  // Perl `$port ||= 80`: a missing port and port "0" both mean 80.
  const port = perlTruthy(m.groups[4]) ? m.groups[4]! : '80';
  return {
    fields: { kind: 'pool', pool: name, action: verb, ip: m.groups[3], port },
    tokens: tokensOf({ action: verbSpan, pool: nameSpan, ip: m.spans[3], port: m.spans[4] }),
  };
}

function parseHeader(pre: PreLine): VerbParse<CommandFields> {
  const m = matchLine(
    pre,
    perlRe('^header\\s+(\\w+)\\s+(insert|remove)\\s+(.+?)(?:\\s*:\\s*(.+))?$', 'i'),
  );
  if (!m)
    return usageError(
      pre,
      'HEADER <service> {INSERT|REMOVE} <header>[: <value>]',
      'Usage: HEADER <service> {INSERT|REMOVE} <header>[: <value>]',
    );
  return {
    fields: {
      kind: 'header',
      service: m.groups[1],
      action: m.groups[2]!.toLowerCase(),
      name: m.groups[3],
      value: m.groups[4] ?? null,
    },
    tokens: tokensOf({
      service: m.spans[1],
      action: m.spans[2],
      name: m.spans[3],
      value: m.spans[4],
    }),
  };
}

/** LOAD matches the processed line, then takes the name from the original (case kept). */
function parseLoad(pre: PreLine): VerbParse<CommandFields> {
  if (!matchLine(pre, perlRe('^load \\w+$'))) return syntaxError(pre, 'load', 'LOAD <Plugin>');
  const orig = matchOrig(pre, perlRe('^load (\\w+)$', 'i'));
  return {
    fields: { kind: 'load', plugin: orig?.groups[1] ?? null },
    tokens: tokensOf({ plugin: orig?.spans[1] }),
  };
}

function parseUnload(pre: PreLine): VerbParse<CommandFields> {
  const m = matchLine(pre, perlRe('^unload (\\w+)$'));
  if (!m) return syntaxError(pre, 'unload', 'UNLOAD <plugin>');
  return {
    fields: { kind: 'unload', plugin: m.groups[1] },
    tokens: tokensOf({ plugin: m.spans[1] }),
  };
}

function parseServer(pre: PreLine): VerbParse<CommandFields> {
  const m = matchLine(pre, perlRe('^server (\\S+) ?= ?(.+)$'));
  if (!m) return syntaxError(pre, 'server', 'SERVER <key> = <value>');
  return {
    fields: { kind: 'server', key: m.groups[1], value: m.groups[2] },
    tokens: tokensOf({ key: m.spans[1], value: m.spans[2] }),
  };
}

function parseMime(pre: PreLine): VerbParse<CommandFields> {
  const grammar = 'MIME [LIST] | MIME SET <ext> <type> | MIME REMOVE <ext>';
  const m = matchLine(pre, perlRe('^mime(?:\\s+(\\w+)(?:\\s+(\\w+))?(?:\\s+(\\S+))?)?$'));
  if (!m) return syntaxError(pre, 'mime', grammar);
  const [, sub, arg1, arg2] = m.groups;
  const tokens = tokensOf({ ext: m.spans[2], type: m.spans[3] });
  if (!perlTruthy(sub) || sub === 'list')
    return { fields: { kind: 'mime', action: 'list', ext: null, type: null }, tokens };
  if (sub === 'set') {
    if (!perlTruthy(arg1) || !perlTruthy(arg2))
      return usageError(pre, 'MIME SET <ext> <type>', 'Usage: set <ext> <mime>');
    return { fields: { kind: 'mime', action: 'set', ext: arg1, type: arg2 }, tokens };
  }
  if (sub === 'remove')
    return { fields: { kind: 'mime', action: 'remove', ext: arg1 ?? null, type: null }, tokens };
  return usageError(pre, grammar, 'Usage: list, remove <ext>, set <ext> <mime>');
}

export const CORE_PARSERS: Readonly<Record<string, CoreParser>> = {
  create: parseCreate,
  use: parseUse,
  set: parseSet,
  default: parseDefault,
  enable: parseEnable,
  disable: parseEnable,
  pool: parsePool,
  header: parseHeader,
  load: parseLoad,
  unload: parseUnload,
  server: parseServer,
  mime: parseMime,
};
