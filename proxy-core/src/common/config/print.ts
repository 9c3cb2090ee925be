/**
 * ConfigCommand[] -> text: the one serializer. Commands parsed from text print their `source`
 * (so `$VAR`s and the user's spelling survive); commands made by dump print canonically with
 * upper-case verbs. Commands inside a CREATE block are indented two spaces, like conf/*.conf.
 */
import type { ConfigCommand } from './commands.js';
import { pluginCommand } from './plugins/registry.js';

/** Canonical text of a command that has no source. */
export function canonicalText(cmd: ConfigCommand): string {
  switch (cmd.kind) {
    case 'create':
      return `CREATE ${cmd.what.toUpperCase()} ${cmd.name}`;
    case 'use':
      return `USE ${cmd.name}`;
    case 'set':
      return `SET ${cmd.target !== null ? `${cmd.target}.` : ''}${cmd.key} = ${cmd.value}`;
    case 'default':
      return `DEFAULT ${cmd.key} = ${cmd.value}`;
    case 'enable':
      return `ENABLE ${cmd.name}`;
    case 'disable':
      return `DISABLE ${cmd.name}`;
    case 'pool':
      return `POOL ${cmd.pool} ${cmd.action.toUpperCase()} ${cmd.ip}:${cmd.port}`;
    case 'header':
      return `HEADER ${cmd.service} ${cmd.action.toUpperCase()} ${cmd.name}${cmd.value !== null ? `: ${cmd.value}` : ''}`;
    case 'load':
      return `LOAD ${cmd.plugin ?? ''}`;
    case 'unload':
      return `UNLOAD ${cmd.plugin}`;
    case 'server':
      return `SERVER ${cmd.key} = ${cmd.value}`;
    case 'mime':
      if (cmd.action === 'list') return 'MIME LIST';
      return cmd.action === 'set'
        ? `MIME SET ${cmd.ext} ${cmd.type}`
        : `MIME REMOVE ${cmd.ext ?? ''}`.trimEnd();
    case 'plugin':
      return pluginCommand(cmd.verb.toLowerCase())!.command.print(cmd);
    case 'manage':
      return cmd.line;
    case 'invalid':
    case 'ignored':
      return cmd.source;
    case 'comment':
      return '';
  }
}

/** Whether a command belongs to the open CREATE/USE block named `block`. */
function inBlock(cmd: ConfigCommand, block: string): boolean | 'neutral' {
  switch (cmd.kind) {
    case 'set':
      return cmd.target === null || cmd.target === block;
    case 'pool':
      return cmd.pool === block;
    case 'header':
      return cmd.service === block;
    case 'plugin': {
      if (!pluginCommand(cmd.verb.toLowerCase())!.command.contextual) return false;
      const named = cmd.verb === 'VHOST' || cmd.verb === 'VPATH' ? cmd.args.service : null;
      return named === null || named === block;
    }
    case 'invalid':
    case 'ignored':
      return 'neutral';
    default:
      return false;
  }
}

/** Indentation per command; comment nodes take the indentation of the next command. */
function indents(commands: readonly ConfigCommand[]): number[] {
  const out = commands.map(() => 0);
  let block: string | null = null;
  commands.forEach((cmd, i) => {
    if (cmd.kind === 'comment') return;
    if (cmd.kind === 'create' || cmd.kind === 'use') {
      block = cmd.name;
      return;
    }
    const member = block === null ? false : inBlock(cmd, block);
    if (member === false) block = null;
    else out[i] = 2;
  });
  for (let i = commands.length - 1, next = 0; i >= 0; i--) {
    if (commands[i]!.kind === 'comment') out[i] = next;
    else next = out[i]!;
  }
  return out;
}

export function print(commands: readonly ConfigCommand[]): string {
  const pads = indents(commands);
  const lines: string[] = [];
  commands.forEach((cmd, i) => {
    const pad = ' '.repeat(pads[i]!);
    if (cmd.blankLineBefore && lines.length > 0) lines.push('');
    for (const c of cmd.leadingComments) lines.push(`${pad}#${c}`);
    if (cmd.kind === 'comment') return;
    let text = cmd.source !== undefined ? cmd.source : canonicalText(cmd);
    if (cmd.trailingComment !== undefined) text += ` #${cmd.trailingComment}`;
    lines.push(pad + text);
  });
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
