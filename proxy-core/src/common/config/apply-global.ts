/**
 * Global commands of `run_manage_command`: MANAGE_load / MANAGE_unload (plugin case rules),
 * MANAGE_server (SERVER keys and their quirks), MANAGE_default and MANAGE_mime.
 */
import { done, fail, note, ok, tokenSpan, type Op } from './apply-op.js';
import type {
  DefaultCommand,
  LoadCommand,
  MimeCommand,
  ServerCommand,
  UnloadCommand,
} from './commands.js';
import type { ConfigModel } from './model.js';
import { effectiveMime, removeMime } from './mime.js';
import { hasOwn, setOwn } from './own-keys.js';
import { lcAscii } from './perl-text.js';
import { pluginByName, PLUGINS, resolveLoadName } from './plugins/registry.js';
import type { PluginDef } from './plugins/types.js';
import { SERVER_KEY_NAMES } from './reference.js';
import { didYouMean } from './suggest.js';
import { allTunables, tunableFor } from './tunable-lookup.js';
import { roleMatches } from './tunable-types.js';

function loadHint(typed: string): string {
  const sameLetters = PLUGINS.find((p) => p.module.toLowerCase() === typed.toLowerCase());
  if (sameLetters) return `; did you mean '${sameLetters.module}'? plugin names are case-sensitive`;
  return didYouMean(
    typed,
    PLUGINS.map((p) => p.module),
  );
}

/**
 * Plugin tunables get their defaults on services whose role is already set. (Perlbal leaves
 * them undefined there; the plugins then read undef, mostly the same as the default.)
 */
function addPluginDefaults(model: ConfigModel, def: PluginDef): void {
  for (const svc of model.services) {
    for (const t of def.tunables ?? []) {
      if (
        svc.role !== null &&
        roleMatches(t, svc.role) &&
        t.default !== undefined &&
        !hasOwn(svc.tunables, t.name)
      ) {
        setOwn(svc.tunables, t.name, Array.isArray(t.default) ? [...t.default] : t.default);
      }
    }
  }
}

export function applyLoad(op: Op, cmd: LoadCommand): boolean {
  const span = tokenSpan(cmd, 'plugin');
  if (cmd.plugin === null) {
    return fail(
      op,
      'unknown_plugin',
      {
        name: cmd.source ?? '',
        hint: ' (LOAD reads the name before $VAR expansion: write it literally)',
      },
      span,
    );
  }
  const def = resolveLoadName(cmd.plugin);
  if (!def) {
    const perlbal = `Can't locate Perlbal/Plugin/${cmd.plugin}.pm in @INC (you may need to install the Perlbal::Plugin::${cmd.plugin} module)`;
    return fail(
      op,
      'unknown_plugin',
      { name: cmd.plugin, hint: loadHint(cmd.plugin) },
      span,
      perlbal,
    );
  }
  if (!op.model.plugins.includes(def.name)) {
    op.model.plugins.push(def.name);
    addPluginDefaults(op.model, def);
  }
  return ok(op);
}

/**
 * UNLOAD always prints OK. We drop the plugin everywhere (its registrations, slices and
 * tunables) so the model stays one that a config can produce; see docs/compatibility.md.
 */
export function applyUnload(op: Op, cmd: UnloadCommand): boolean {
  const def = pluginByName(cmd.plugin);
  if (!def || !op.model.plugins.includes(def.name)) return ok(op);
  op.model.plugins = op.model.plugins.filter((p) => p !== def.name);
  const tunableNames = new Set((def.tunables ?? []).map((t) => t.name));
  for (const svc of op.model.services) {
    svc.plugins = svc.plugins.filter((p) => p !== def.name);
    delete svc.pluginConfig[def.name];
    for (const name of tunableNames) delete svc.tunables[name];
    if (svc.role !== null && def.addsRoles?.includes(svc.role)) svc.role = null;
  }
  if (op.model.pluginGlobals) delete op.model.pluginGlobals[def.name];
  return ok(op);
}

function numeric(op: Op, cmd: ServerCommand): boolean {
  if (/^-?\d+$/.test(cmd.value)) return true;
  return fail(
    op,
    'invalid_server_value',
    { key: cmd.key, rule: 'expects a whole number', value: cmd.value },
    tokenSpan(cmd, 'value'),
    'Expected numeric parameter',
  );
}

function oneOrZero(op: Op, cmd: ServerCommand): boolean {
  if (cmd.value === '1' || cmd.value === '0') return true;
  return fail(
    op,
    'invalid_server_value',
    { key: cmd.key, rule: 'expects 1 or 0', value: cmd.value },
    tokenSpan(cmd, 'value'),
    'Expected 1 or 0',
  );
}

function applyAioMode(op: Op, cmd: ServerCommand): boolean {
  const valueSpan = tokenSpan(cmd, 'value');
  // QUIRK: /^none|linux|ioaio$/ is unanchored, so e.g. 'nonesuch' passes.
  if (!/^none|linux|ioaio$/.test(cmd.value)) {
    return fail(
      op,
      'invalid_server_value',
      { key: 'aio_mode', rule: 'expects none or ioaio', value: cmd.value },
      valueSpan,
      'Unknown AIO mode',
    );
  }
  if (cmd.value === 'linux') {
    return fail(
      op,
      'invalid_server_value',
      {
        key: 'aio_mode',
        rule: 'expects none or ioaio (linux is no longer supported)',
        value: cmd.value,
      },
      valueSpan,
      'Linux::AIO no longer supported',
    );
  }
  if (cmd.value !== 'none' && cmd.value !== 'ioaio') {
    note(
      op,
      'server_quirk',
      {
        what: `Perlbal accepts aio_mode '${cmd.value}' only because its check is unanchored; use none or ioaio`,
      },
      valueSpan,
    );
  }
  setOwn(op.model.server, 'aio_mode', cmd.value);
  return ok(op);
}

/**
 * The global cap, or with `(host:port)` the cap for one reproxy target. Perlbal 1.80 meant the
 * per-host form but its numeric check clobbers `$1`, so it set the global cap instead; here it
 * does what it says (docs/compatibility.md), stored under its own key.
 */
function applyMaxReproxy(op: Op, cmd: ServerCommand, perHost: string | undefined): boolean {
  if (!numeric(op, cmd)) return false;
  const key = perHost === undefined ? 'max_reproxy_connections' : `max_reproxy_connections(${perHost})`;
  setOwn(op.model.server, key, Number(cmd.value));
  return ok(op);
}

function applyPidfile(op: Op, cmd: ServerCommand): boolean {
  if (op.ctx.phase === 'running') {
    const perlbal = 'pidfile must be configured at startup, before Perlbal::run is called';
    return fail(op, 'pidfile_at_runtime', {}, cmd.span, perlbal);
  }
  setOwn(op.model.server, 'pidfile', cmd.value);
  return ok(op);
}

/** Stores a checked numeric SERVER value. */
function storeNumber(op: Op, cmd: ServerCommand, valid: boolean): boolean {
  if (!valid) return false;
  setOwn(op.model.server, cmd.key, Number(cmd.value));
  return ok(op);
}

export function applyServer(op: Op, cmd: ServerCommand): boolean {
  const { key, value } = cmd;
  const reproxy = /^max_reproxy_connections(?:\((.+)\))?/.exec(key);
  if (reproxy) return applyMaxReproxy(op, cmd, reproxy[1]);
  switch (key) {
    case 'max_connections':
    case 'nice_level':
    case 'aio_threads':
      return storeNumber(op, cmd, numeric(op, cmd));
    case 'track_obj':
    case 'crash_backtrace':
      return storeNumber(op, cmd, oneOrZero(op, cmd));
    case 'aio_mode':
      return applyAioMode(op, cmd);
    case 'pidfile':
      return applyPidfile(op, cmd);
    default: {
      // QUIRK: Perlbal echoes the value, not the key.
      const hint = didYouMean(key, SERVER_KEY_NAMES);
      return fail(
        op,
        'unknown_server_option',
        { key, hint },
        tokenSpan(cmd, 'key'),
        `unknown server option '${value}'`,
      );
    }
  }
}

export function applyDefault(op: Op, cmd: DefaultCommand): boolean {
  if (cmd.key === 'role') return fail(op, 'default_role', {}, cmd.keySpan);
  if (!tunableFor(cmd.key)) {
    note(
      op,
      'default_not_tunable',
      {
        key: cmd.key,
        hint: didYouMean(
          cmd.key,
          allTunables().map((t) => t.name),
        ),
      },
      cmd.keySpan,
    );
  }
  setOwn(op.model.defaults, cmd.key, cmd.value);
  return ok(op);
}

/** MIME prints its own lines and never `OK`; LIST is answered from the model here. */
export function applyMime(op: Op, cmd: MimeCommand): boolean {
  const table = effectiveMime(op.model);
  if (cmd.action === 'list') {
    for (const ext of Object.keys(table).sort()) op.output.push(`${ext} ${table[ext]}`);
    op.output.push('.');
    return done(op);
  }
  const ext = cmd.ext ?? '';
  if (cmd.action === 'set') {
    setOwn(op.model.mime, ext, cmd.type!);
    op.output.push(`${ext} set to ${cmd.type}.`);
    return done(op);
  }
  if (!hasOwn(table, ext)) {
    return fail(
      op,
      'unknown_extension',
      { ext },
      tokenSpan(cmd, 'ext'),
      `${ext} not a defined extension.`,
    );
  }
  removeMime(op.model, ext);
  op.output.push(`${lcAscii(ext)} removed.`);
  return done(op);
}
