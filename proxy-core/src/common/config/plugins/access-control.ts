/**
 * AccessControl (Perlbal::Plugin::AccessControl): ordered allow/deny/queue_low rules by IP or
 * netmask plus a default policy, written by ACCESS on the context service, and the
 * `use_observed_ip` setter. Works on any role; queue_low only makes sense on a reverse_proxy
 * (elsewhere it is accepted with a warning, whichever of the rule and SET role comes first).
 */
import { done, fail, note, ok, tokenSpan, type Op } from '../apply-op.js';
import type { AccessCommand } from '../commands.js';
import type { ServiceModel } from '../model.js';
import { matchLine, perlRe } from '../line-match.js';
import { parseNetmask } from '../netmask.js';
import { perlTruthy } from '../perl-text.js';
import { tokensOf, usageError } from '../parse-support.js';
import { CONTEXT_ONLY, contextService } from './context.js';
import { ensureSlice, getSlice, type AccessControlSlice, type AccessRule } from './slices.js';
import { dumpNode, setterNode, type PluginCommandDef, type PluginDef } from './types.js';

const USAGE = 'usage: ACCESS <cmd> <arg1> [<arg2>]';

function freshSlice(): AccessControlSlice {
  return { policy: 'allow', rules: [], useObservedIp: false };
}

function applyPolicy(op: Op, cmd: AccessCommand, cfg: AccessControlSlice): boolean {
  const arg = cmd.args.arg1;
  // QUIRK: /^allow|deny$/ is an unanchored alternation, so 'allowx' passes and acts as allow.
  if (arg === null || !/^allow|deny$/.test(arg)) {
    return fail(
      op,
      'access_bad_policy',
      {},
      tokenSpan(cmd, 'arg1'),
      "policy must be 'allow' or 'deny'",
    );
  }
  if (arg !== 'allow' && arg !== 'deny')
    note(op, 'access_loose_policy', { value: arg }, tokenSpan(cmd, 'arg1'));
  cfg.policy = arg === 'deny' ? 'deny' : 'allow';
  return ok(op);
}

function applyRule(
  op: Op,
  cmd: AccessCommand,
  svc: ServiceModel,
  cfg: AccessControlSlice,
): boolean {
  const action = cmd.args.action as AccessRule['action'];
  const what = cmd.args.arg1;
  if (what !== 'ip' && what !== 'netmask') {
    return fail(
      op,
      'access_unknown_item',
      { action: action.toUpperCase(), item: what ?? '' },
      tokenSpan(cmd, 'arg1'),
      `Unknown item to ${action}: '${what ?? ''}'`,
    );
  }
  let value = cmd.args.arg2;
  if (what === 'netmask') {
    // Perlbal needs Net::Netmask here; we behave as if it is installed (docs/compatibility.md).
    const parsed = value === null ? undefined : parseNetmask(value);
    if (parsed === undefined)
      return fail(
        op,
        'invalid_netmask',
        { value: value ?? '' },
        tokenSpan(cmd, 'arg2'),
        'Error parsing netmask',
      );
    value = parsed;
  }
  // Perlbal accepts queue_low anywhere and then crashes on a non-proxy request. We accept it
  // too (so dumpconfig, which writes rules after the role, always loads again) and warn; at
  // run time the rule lets the request go on. SET role warns the same way (onRoleSet).
  if (action === 'queue_low' && svc.role !== null && svc.role !== 'reverse_proxy') {
    note(op, 'queue_low_not_proxy', { role: svc.role }, cmd.span);
  }
  if (value === null)
    note(
      op,
      'access_missing_value',
      { action: action.toUpperCase(), item: what.toUpperCase() },
      cmd.span,
    );
  cfg.rules.push({ action, type: what, value });
  return ok(op);
}

const ACCESS: PluginCommandDef = {
  verb: 'ACCESS',
  base: 'access',
  grammar: 'ACCESS {POLICY {ALLOW|DENY} | {ALLOW|DENY|QUEUE_LOW} {IP|NETMASK} <value> | RESET}',
  description:
    'Adds an access rule to the context service (first match decides), sets the default policy, or resets both.',
  contextual: true,
  parse(pre) {
    const m = matchLine(
      pre,
      perlRe('^access\\s+(policy|allow|deny|reset|queue_low)(?:\\s+(\\S+))?(?:\\s+(\\S+))?$'),
    );
    if (!m) return usageError(pre, this.grammar, USAGE);
    const action = m.groups[1] as AccessCommand['args']['action'];
    return {
      fields: { args: { action, arg1: m.groups[2] ?? null, arg2: m.groups[3] ?? null } },
      tokens: tokensOf({ action: m.spans[1], arg1: m.spans[2], arg2: m.spans[3] }),
    };
  },
  apply(op, command) {
    const cmd = command as AccessCommand;
    const svc = contextService(op, cmd, null, CONTEXT_ONLY);
    if (!svc) return false;
    const cfg = ensureSlice(svc, 'accesscontrol', freshSlice);
    if (cmd.args.action === 'reset') {
      cfg.policy = 'allow';
      cfg.rules = [];
      return ok(op);
    }
    if (cmd.args.action === 'policy') return applyPolicy(op, cmd, cfg);
    return applyRule(op, cmd, svc, cfg);
  },
  print(command) {
    const { action, arg1, arg2 } = (command as AccessCommand).args;
    const parts = ['ACCESS', action.toUpperCase()];
    if (arg1 !== null) parts.push(arg1.toUpperCase());
    if (arg2 !== null) parts.push(arg2);
    return parts.join(' ');
  },
};

function accessNode(
  action: AccessCommand['args']['action'],
  arg1: string | null,
  arg2: string | null,
): AccessCommand {
  return dumpNode<AccessCommand>({
    kind: 'plugin',
    verb: 'ACCESS',
    plugin: 'accesscontrol',
    args: { action, arg1, arg2 },
  });
}

export const ACCESS_CONTROL_PLUGIN: PluginDef = {
  name: 'accesscontrol',
  module: 'AccessControl',
  summary:
    'Allows, denies (403 "Access denied.") or low-prioritises clients by IP or netmask (ACCESS lines).',
  hasRegister: true,
  hasUnregister: true,
  commands: [ACCESS],
  onRoleSet(op, svc, span) {
    if (svc.role === 'reverse_proxy') return;
    if (!getSlice(svc, 'accesscontrol')?.rules.some((r) => r.action === 'queue_low')) return;
    note(op, 'queue_low_not_proxy', { role: svc.role ?? '' }, span);
  },
  setters: [
    {
      key: 'use_observed_ip',
      description:
        'Match rules against the observed client IP (first X-Forwarded-For entry of a trusted upstream) instead of the peer IP. Any true value turns it on.',
      apply(op, svc, value) {
        ensureSlice(svc, 'accesscontrol', freshSlice).useObservedIp = perlTruthy(value);
        // QUIRK: this setter prints OK itself, even when the context is not verbose.
        op.output.push('OK');
        return done(op);
      },
    },
  ],
  onRegister(svc) {
    ensureSlice(svc, 'accesscontrol', freshSlice).useObservedIp = false;
  },
  onUnregister(svc) {
    const cfg = getSlice(svc, 'accesscontrol');
    if (cfg) cfg.useObservedIp = false;
  },
  dumpSetters(svc) {
    if (!getSlice(svc, 'accesscontrol')?.useObservedIp) return [];
    return [setterNode(svc.name, 'accesscontrol.use_observed_ip', '1')];
  },
  dump(svc) {
    const cfg = getSlice(svc, 'accesscontrol');
    if (!cfg) return [];
    return [
      ...cfg.rules.map((r) => accessNode(r.action, r.type, r.value)),
      accessNode('policy', cfg.policy, null),
    ];
  },
  dumpPerlbal(svc) {
    const cfg = getSlice(svc, 'accesscontrol') ?? freshSlice();
    const lines = cfg.rules.map(
      (r) => `ACCESS ${r.action.toUpperCase()} ${r.type.toUpperCase()} ${r.value ?? ''}`,
    );
    return [...lines, `ACCESS POLICY ${cfg.policy === 'deny' ? 'DENY' : 'ALLOW'}`];
  },
};
