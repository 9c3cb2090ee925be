/**
 * Plugins that are mostly commands: Include (INCLUDE = glob, each file loaded with a fresh
 * context), Cgilike (PERLREQUIRE / PERLHANDLER, Perl code in the server) and Throttle's
 * THROTTLE RELOAD (Perlbal::Plugin::Include, ::Cgilike, ::Throttle's command part).
 */
import { done, fail, ok, tokenSpan } from '../apply-op.js';
import type {
  IncludeCommand,
  PerlHandlerCommand,
  PerlRequireCommand,
  ThrottleCommand,
} from '../commands.js';
import { matchLine, perlRe } from '../line-match.js';
import { perlTruthy } from '../perl-text.js';
import { tokensOf, usageError } from '../parse-support.js';
import { CONTEXT_ONLY, contextService } from './context.js';
import { type CgilikeGlobals, getSlice } from './slices.js';
import { THROTTLE_TUNABLES } from './throttle-tunables.js';
import { dumpNode, type PluginCommandDef, type PluginDef } from './types.js';

const INCLUDE: PluginCommandDef = {
  verb: 'INCLUDE',
  base: 'include',
  grammar: 'INCLUDE = <glob> [<glob> ...]',
  description:
    'Loads every file matching the glob(s) as a config file with its own fresh, non-verbose context. Errors inside the files do not fail the INCLUDE; an unreadable file does.',
  contextual: false,
  parse(pre) {
    const m = matchLine(pre, perlRe('^include\\s+=\\s+(.+)\\s*$'));
    if (!m) return usageError(pre, this.grammar, 'usage: INCLUDE = <config files>');
    return { fields: { args: { globs: m.groups[1]! } }, tokens: tokensOf({ globs: m.spans[1] }) };
  },
  apply(op, command) {
    return op.include((command as IncludeCommand).args.globs, tokenSpan(command, 'globs'))
      ? ok(op)
      : false;
  },
  print(command) {
    return `INCLUDE = ${(command as IncludeCommand).args.globs}`;
  },
};

export const INCLUDE_PLUGIN: PluginDef = {
  name: 'include',
  module: 'Include',
  summary: 'Adds the INCLUDE command. It has no register: SET plugins = include fails.',
  hasRegister: false,
  hasUnregister: false,
  commands: [INCLUDE],
};

const PERLREQUIRE: PluginCommandDef = {
  verb: 'PERLREQUIRE',
  base: 'perlrequire',
  grammar: 'PERLREQUIRE = <Module::Name>',
  description: 'Loads a Perl module (for PERLHANDLER). Prints nothing on success.',
  contextual: false,
  parse(pre) {
    const m = matchLine(pre, perlRe('^perlrequire\\s*=\\s*([\\w:]+)$'));
    if (!m) return usageError(pre, this.grammar, 'usage: PERLREQUIRE=<module>');
    return { fields: { args: { module: m.groups[1]! } }, tokens: tokensOf({ module: m.spans[1] }) };
  },
  apply(op, command) {
    const module = (command as PerlRequireCommand).args.module;
    const globals = (op.model.pluginGlobals ??= {});
    const cgi = (globals['cgilike'] ??= { requires: [] }) as CgilikeGlobals;
    if (!cgi.requires.includes(module)) cgi.requires.push(module);
    return done(op);
  },
  print(command) {
    return `PERLREQUIRE = ${(command as PerlRequireCommand).args.module}`;
  },
};

const PERLHANDLER: PluginCommandDef = {
  verb: 'PERLHANDLER',
  base: 'perlhandler',
  grammar: 'PERLHANDLER = <Package::subroutine>',
  description: 'Sets the Perl handler of the context service. Prints nothing on success.',
  contextual: true,
  parse(pre) {
    const m = matchLine(pre, perlRe('^perlhandler\\s*=\\s*([\\w:]+)$'));
    if (!m) return usageError(pre, this.grammar, 'usage: PERLHANDLER=<package::subroutine>');
    return {
      fields: { args: { handler: m.groups[1]! } },
      tokens: tokensOf({ handler: m.spans[1] }),
    };
  },
  apply(op, command) {
    const svc = contextService(op, command, null, CONTEXT_ONLY);
    if (!svc) return false;
    svc.pluginConfig['cgilike'] = { handler: (command as PerlHandlerCommand).args.handler };
    return done(op);
  },
  print(command) {
    return `PERLHANDLER = ${(command as PerlHandlerCommand).args.handler}`;
  },
};

export const CGILIKE_PLUGIN: PluginDef = {
  name: 'cgilike',
  module: 'Cgilike',
  summary: 'Runs a Perl handler (PERLHANDLER) for each request of a web_server, CGI-style.',
  hasRegister: true,
  hasUnregister: true,
  commands: [PERLREQUIRE, PERLHANDLER],
  dump(svc) {
    const handler = getSlice(svc, 'cgilike')?.handler;
    return handler
      ? [
          dumpNode<PerlHandlerCommand>({
            kind: 'plugin',
            verb: 'PERLHANDLER',
            plugin: 'cgilike',
            args: { handler },
          }),
        ]
      : [];
  },
  dumpGlobal(model) {
    const cgi = model.pluginGlobals?.['cgilike'] as CgilikeGlobals | undefined;
    return (cgi?.requires ?? []).map((module) =>
      dumpNode<PerlRequireCommand>({
        kind: 'plugin',
        verb: 'PERLREQUIRE',
        plugin: 'cgilike',
        args: { module },
      }),
    );
  },
};

const THROTTLE: PluginCommandDef = {
  verb: 'THROTTLE',
  base: 'throttle',
  grammar: 'THROTTLE RELOAD {CONFIG|WHITELIST|BLACKLIST}',
  description:
    "Re-reads the context service's throttle settings or its white/black list file. The runtime does the reload; this only checks the context.",
  contextual: true,
  parse(pre) {
    const m = matchLine(pre, perlRe('^throttle\\s+(reload)\\s+(whitelist|blacklist|config)$', 'i'));
    if (!m)
      return usageError(pre, this.grammar, 'usage: throttle reload <config|whitelist|blacklist>');
    const what = m.groups[2]!.toLowerCase() as ThrottleCommand['args']['what'];
    return { fields: { args: { action: 'reload', what } }, tokens: tokensOf({ what: m.spans[2] }) };
  },
  apply(op, command) {
    const cmd = command as ThrottleCommand;
    const svc = contextService(op, cmd, null, {
      ...CONTEXT_ONLY,
      noContext:
        'No service name set. This command must be used after CREATE SERVICE <name> or USE <service_name>',
    });
    if (!svc) return false;
    const what = cmd.args.what;
    if (what === 'config' && !svc.plugins.includes('throttle')) {
      const text = "Can't use an undefined value as a subroutine reference";
      return fail(
        op,
        'throttle_reload',
        {
          what: `THROTTLE RELOAD CONFIG needs the Throttle plugin registered on service '${svc.name}' (SET plugins = throttle)`,
        },
        cmd.span,
        text,
      );
    }
    if (what !== 'config' && !perlTruthy(svc.tunables[`${what}_file`] as string | undefined)) {
      return fail(
        op,
        'throttle_reload',
        { what: `Service '${svc.name}' has no ${what}_file to reload` },
        tokenSpan(cmd, 'what'),
        `no ${what} file configured`,
      );
    }
    return ok(op);
  },
  print(command) {
    return `THROTTLE RELOAD ${(command as ThrottleCommand).args.what.toUpperCase()}`;
  },
};

export const THROTTLE_PLUGIN: PluginDef = {
  name: 'throttle',
  module: 'Throttle',
  summary:
    'Delays, denies or bans clients that reconnect too fast, per IP (intended for reverse_proxy). Has no unregister.',
  hasRegister: true,
  hasUnregister: false,
  tunables: THROTTLE_TUNABLES,
  commands: [THROTTLE],
};
