/**
 * Renders docs/config-reference.md from the tables (tunables, pool parameters, SERVER keys,
 * commands, plugins), so the reference can never drift from what the parser accepts.
 */
import { formatTunableValue } from './tunable-check.js';
import { PLUGINS } from './plugins/registry.js';
import type { PluginDef } from './plugins/types.js';
import { CORE_COMMANDS, POOL_PARAMETERS, SERVER_KEYS } from './reference.js';
import type { TunableDef } from './tunable-types.js';
import { TUNABLES } from './tunables.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeText(t: TunableDef): string {
  if (t.type === 'enum') return `enum (${t.values!.join(', ')})`;
  return t.type;
}

function defaultText(t: TunableDef): string {
  if (t.default === undefined) return '—';
  if (t.default === null) return 'undef';
  const text = formatTunableValue(t.default);
  return text === '' ? '""' : `\`${text}\``;
}

function tunableTable(rows: readonly TunableDef[]): string[] {
  const out = ['| name | roles | type | default | description |', '|---|---|---|---|---|'];
  for (const t of rows) {
    const roles = t.roles === '*' ? '*' : t.roles.join(', ');
    out.push(
      `| \`${t.name}\` | ${roles} | ${cell(typeText(t))} | ${cell(defaultText(t))} | ${cell(t.description)} |`,
    );
  }
  return out;
}

function pluginSection(p: PluginDef): string[] {
  const out = [`### ${p.module} (\`LOAD ${p.module}\`)`, '', p.summary, ''];
  if (p.roles) out.push(`Registers only on: ${p.roles.join(', ')} services.`, '');
  if (p.addsRoles)
    out.push(`Adds the role(s): ${p.addsRoles.map((r) => `\`${r}\``).join(', ')}.`, '');
  for (const c of p.commands ?? []) out.push(`- \`${c.grammar}\`: ${c.description}`);
  for (const s of p.setters ?? [])
    out.push(`- \`SET <service>.${p.name}.${s.key} = <value>\`: ${s.description}`);
  for (const v of p.manageVerbs ?? [])
    out.push(`- \`${v}\`: management query, answered by the running server.`);
  if ((p.commands?.length ?? 0) + (p.setters?.length ?? 0) + (p.manageVerbs?.length ?? 0) > 0)
    out.push('');
  if (p.tunables && p.tunables.length > 0) out.push(...tunableTable(p.tunables), '');
  return out;
}

/** The whole reference as Markdown. */
export function renderConfigReference(): string {
  const out = [
    '# Perlbal config reference',
    '',
    '<!-- Generated from proxy-core/src/common/config (tunables, reference, plugins). Do not edit:',
    '     run `UPDATE_FIXTURES=1 npx vitest run test/unit/common/config/reference-doc.test.ts`. -->',
    '',
    'A config file is a list of management commands, one per line. Everything after `#` is a comment, runs of',
    'whitespace count as one space, `$NAME` expands from the environment, and everything before the first `=`',
    'is lower-cased.',
    '',
    '## Commands',
    '',
    ...CORE_COMMANDS.map((c) => `- \`${c.grammar}\`: ${c.description}`),
    '',
    '## Service tunables',
    '',
    'Set with `SET [<service>] <name> = <value>`. Setting `role` re-applies the defaults of every tunable valid',
    'for the role. Sizes accept a `k` or `m` suffix (1024-based); bools accept on/off, 1/0, true/false, yes/no.',
    '',
    ...tunableTable(TUNABLES),
    '',
    'Besides tunables, a service accepts `plugins = <a>, <b>` (register loaded plugins), `<service>.extra.<key>`',
    '(free-form data for plugins) and plugin setters `<service>.<plugin>.<key>`.',
    '',
    '## Pool parameters',
    '',
    ...POOL_PARAMETERS.map((p) => `- \`${p.grammar}\`: ${p.description}`),
    '',
    '## SERVER keys',
    '',
    ...SERVER_KEYS.map((k) => `- \`${k.grammar}\`: ${k.description}`),
    '',
    '## Plugins',
    '',
    ...PLUGINS.flatMap(pluginSection),
  ];
  return `${out.join('\n').trimEnd()}\n`;
}
