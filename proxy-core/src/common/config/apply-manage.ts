/**
 * Management commands during apply. The runtime answers them; here we only reproduce the
 * failures that depend on nothing but the config (so a config file that uses them fails where
 * Perlbal's would), keep `verbose` in the context, and flag commands that stop the server.
 */
import { done, fail, note, ok, type Op } from './apply-op.js';
import type { ManageCommand } from './commands.js';
import { findPool, findService } from './model.js';
import { pluginByName, pluginForManageVerb } from './plugins/registry.js';

function checkShow(op: Op, cmd: ManageCommand): boolean {
  const svc = /^show service (\w+)$/.exec(cmd.line);
  if (svc && !findService(op.model, svc[1]!))
    return fail(
      op,
      'manage_failed',
      { what: `There is no service named '${svc[1]}'` },
      cmd.span,
      'Unknown service',
    );
  const pool = /^show pool (\w+)$/.exec(cmd.line);
  if (pool && !findPool(op.model, pool[1]!))
    return fail(
      op,
      'manage_failed',
      { what: `There is no pool named '${pool[1]}'` },
      cmd.span,
      `pool '${pool[1]}' does not exist`,
    );
  return done(op);
}

/** RELOAD fails for every bundled plugin: none of them can_reload. */
function checkReload(op: Op, cmd: ManageCommand): boolean {
  const def = pluginByName(cmd.args);
  if (!def || !op.model.plugins.includes(def.name)) {
    return fail(
      op,
      'reload_unsupported',
      { what: `Plugin '${cmd.args}' is not loaded` },
      cmd.span,
      `Unknown/unloaded plugin '${cmd.args}'`,
    );
  }
  return fail(
    op,
    'reload_unsupported',
    { what: `The ${def.module} plugin can't be reloaded; restart instead` },
    cmd.span,
    `Plugin Perlbal::Plugin::${def.module} doesn't support reloading`,
  );
}

function checkStates(op: Op, cmd: ManageCommand): boolean {
  if (cmd.args === '' || findService(op.model, cmd.args)) return done(op);
  const what = `There is no service named '${cmd.args}'`;
  return fail(op, 'manage_failed', { what }, cmd.span, 'Service not found.');
}

function checkLeaks(op: Op, cmd: ManageCommand): boolean {
  if (op.env.getenv('PERLBAL_DEBUG')) return done(op);
  const what = "'leaks' needs the PERLBAL_DEBUG environment variable";
  return fail(
    op,
    'manage_failed',
    { what },
    cmd.span,
    'command disabled without $ENV{PERLBAL_DEBUG} set',
  );
}

/** SHUTDOWN and CRASH in a config file stop Perlbal while it starts. */
function flagStop(op: Op, cmd: ManageCommand): boolean {
  if (op.ctx.phase === 'startup') {
    const why =
      cmd.verb === 'crash' ? 'kills Perlbal' : 'makes Perlbal exit while it reads the config';
    note(op, 'manage_in_config', { verb: cmd.verb.toUpperCase(), why }, cmd.span);
  }
  return done(op);
}

export function applyManage(op: Op, cmd: ManageCommand): boolean {
  const owner = pluginForManageVerb(cmd.verb);
  if (owner && !op.model.plugins.includes(owner.name)) {
    const what = `The '${cmd.verb}' command`;
    return fail(
      op,
      'plugin_not_loaded',
      { what, module: owner.module },
      cmd.span,
      `unknown command: ${cmd.verb}`,
    );
  }
  switch (cmd.verb) {
    case 'verbose':
      op.ctx.verbose = cmd.args === 'on';
      return ok(op);
    case 'show':
      return checkShow(op, cmd);
    case 'states':
      return checkStates(op, cmd);
    case 'reload':
      return checkReload(op, cmd);
    case 'leaks':
      return checkLeaks(op, cmd);
    case 'shutdown':
    case 'crash':
      return flagStop(op, cmd);
    default:
      return done(op);
  }
}
