/**
 * Vhosts and Vpaths (Perlbal::Plugin::Vhosts, ::Vpaths): selector plugins mapping a Host
 * pattern or a path regex to a service. `register` refuses non-selector services and resets
 * the map; the VHOST/VPATH commands work on any selector, registered or not.
 */
import { fail, ok, tokenSpan, type Op } from '../apply-op.js';
import type { PluginCommand, VhostCommand, VpathCommand } from '../commands.js';
import { findService, type ServiceModel } from '../model.js';
import { matchLine, perlRe } from '../line-match.js';
import { lcAscii } from '../perl-text.js';
import { perlRegexProblem } from '../perl-regex.js';
import { tokensOf, usageError, type VerbParse } from '../parse-support.js';
import type { PreLine } from '../preprocess.js';
import { didYouMean } from '../suggest.js';
import { ensureSlice, getSlice } from './slices.js';
import { dumpNode, type PluginCommandDef, type PluginDef } from './types.js';

const VHOST_USAGE = 'usage: VHOST [<service>] <host_or_pattern> = <dest_service>';
const VPATH_USAGE = 'usage: VPATH [<service>] <path regex> = <dest_service>';

/** Both commands: `^verb\s+(?:(\w+)\s+)?(\S+)\s*=\s*(\w+)$`. */
function parseMapping(
  pre: PreLine,
  base: string,
  grammar: string,
  usage: string,
): VerbParse<{ service: string | null; key: string; target: string }> {
  const m = matchLine(pre, perlRe(`^${base}\\s+(?:(\\w+)\\s+)?(\\S+)\\s*=\\s*(\\w+)$`));
  if (!m) return usageError(pre, grammar, usage);
  const tokens = tokensOf({ service: m.spans[1], pattern: m.spans[2], target: m.spans[3] });
  return {
    fields: { service: m.groups[1] ?? null, key: m.groups[2]!, target: m.groups[3]! },
    tokens,
  };
}

/** The selector a VHOST/VPATH line applies to, with Perlbal's two error texts. */
function selectorFor(op: Op, cmd: PluginCommand, explicit: string | null): ServiceModel | false {
  const name = explicit ?? op.ctx.lastCreated;
  if (!name)
    return fail(
      op,
      'no_context',
      { form: `${cmd.verb} <selector> ...` },
      cmd.span,
      'omitted service name not implied from context',
    );
  const svc = findService(op.model, name);
  if (svc && svc.role === 'selector') return svc;
  const selectors = op.model.services.filter((s) => s.role === 'selector').map((s) => s.name);
  const span = explicit ? tokenSpan(cmd, 'service') : cmd.span;
  return fail(
    op,
    'not_a_selector',
    {
      name,
      hint: svc ? ` (it is a ${svc.role ?? 'role-less'} service)` : didYouMean(name, selectors),
    },
    span,
    `Service '${name}' is not a selector service`,
  );
}

const VHOST: PluginCommandDef = {
  verb: 'VHOST',
  base: 'vhost',
  grammar: 'VHOST [<service>] <host_or_pattern> = <dest_service>',
  description:
    'Maps a Host (exact, `*.domain`, `*`, or `host;using:alt`) to a service; the pattern is lower-cased, the target is case-sensitive and checked only at request time.',
  contextual: true,
  parse(pre) {
    const r = parseMapping(pre, 'vhost', this.grammar, VHOST_USAGE);
    if ('error' in r) return r;
    return {
      fields: {
        args: { service: r.fields.service, pattern: r.fields.key, target: r.fields.target },
      },
      tokens: r.tokens,
    };
  },
  apply(op, command) {
    const cmd = command as VhostCommand;
    const svc = selectorFor(op, cmd, cmd.args.service);
    if (!svc) return false;
    const host = lcAscii(cmd.args.pattern);
    if (!/^[\w\-_.*;:]+$/.test(host)) {
      return fail(
        op,
        'invalid_host_pattern',
        { pattern: host },
        tokenSpan(cmd, 'pattern'),
        `invalid host pattern: '${host}'`,
      );
    }
    const slice = ensureSlice(svc, 'vhosts', () => ({ hosts: [] }));
    const existing = slice.hosts.find((h) => h.pattern === host);
    if (existing) existing.target = cmd.args.target;
    else slice.hosts.push({ pattern: host, target: cmd.args.target });
    return ok(op);
  },
  print(command) {
    const { service, pattern, target } = (command as VhostCommand).args;
    return `VHOST ${service ? `${service} ` : ''}${pattern} = ${target}`;
  },
};

const VPATH: PluginCommandDef = {
  verb: 'VPATH',
  base: 'vpath',
  grammar: 'VPATH [<service>] <path_regex> = <dest_service>',
  description:
    'Appends a rule mapping request URIs that match a Perl regex to a service; the first matching rule wins. The regex is lower-cased (it is before `=`) and cannot contain spaces.',
  contextual: true,
  parse(pre) {
    const r = parseMapping(pre, 'vpath', this.grammar, VPATH_USAGE);
    if ('error' in r) return r;
    return {
      fields: { args: { service: r.fields.service, regex: r.fields.key, target: r.fields.target } },
      tokens: r.tokens,
    };
  },
  apply(op, command) {
    const cmd = command as VpathCommand;
    const svc = selectorFor(op, cmd, cmd.args.service);
    if (!svc) return false;
    const problem = perlRegexProblem(cmd.args.regex);
    if (problem)
      return fail(
        op,
        'invalid_regex',
        { regex: cmd.args.regex, reason: problem.reason },
        tokenSpan(cmd, 'pattern'),
        problem.perlbal,
      );
    ensureSlice(svc, 'vpaths', () => ({ paths: [] })).paths.push({
      regex: cmd.args.regex,
      target: cmd.args.target,
    });
    return ok(op);
  },
  print(command) {
    const { service, regex, target } = (command as VpathCommand).args;
    return `VPATH ${service ? `${service} ` : ''}${regex} = ${target}`;
  },
};

export const VHOSTS_PLUGIN: PluginDef = {
  name: 'vhosts',
  module: 'Vhosts',
  summary: 'Selector: picks the service by the Host header (VHOST lines). Selector services only.',
  roles: ['selector'],
  roleError: "You can't load the vhost plugin on a service not of role selector.",
  commandRole: () => 'selector',
  hasRegister: true,
  hasUnregister: true,
  commands: [VHOST],
  onRegister(svc) {
    svc.pluginConfig['vhosts'] = { hosts: [] };
  },
  // Perlbal keeps the (empty) map; an empty map and no map behave the same.
  onUnregister(svc) {
    if (getSlice(svc, 'vhosts')?.hosts.length === 0) delete svc.pluginConfig['vhosts'];
  },
  dump(svc) {
    return (getSlice(svc, 'vhosts')?.hosts ?? []).map((h) =>
      dumpNode<VhostCommand>({
        kind: 'plugin',
        verb: 'VHOST',
        plugin: 'vhosts',
        args: { service: null, pattern: h.pattern, target: h.target },
      }),
    );
  },
  dumpPerlbal(svc) {
    return (getSlice(svc, 'vhosts')?.hosts ?? []).map((h) => `VHOST ${h.pattern} = ${h.target}`);
  },
};

export const VPATHS_PLUGIN: PluginDef = {
  name: 'vpaths',
  module: 'Vpaths',
  summary:
    'Selector: picks the service by matching the request URI against regexes (VPATH lines). Selector services only.',
  roles: ['selector'],
  roleError: "You can't load the vpath plugin on a service not of role selector.",
  commandRole: () => 'selector',
  hasRegister: true,
  hasUnregister: true,
  commands: [VPATH],
  onRegister(svc) {
    svc.pluginConfig['vpaths'] = { paths: [] };
  },
  onUnregister(svc) {
    if (getSlice(svc, 'vpaths')?.paths.length === 0) delete svc.pluginConfig['vpaths'];
  },
  dump(svc) {
    return (getSlice(svc, 'vpaths')?.paths ?? []).map((p) =>
      dumpNode<VpathCommand>({
        kind: 'plugin',
        verb: 'VPATH',
        plugin: 'vpaths',
        args: { service: null, regex: p.regex, target: p.target },
      }),
    );
  },
};
