/**
 * What a built-in plugin declares to the config language: its names, the roles `register`
 * accepts, its tunables (add_tunable), setters (register_setter), commands
 * (manage_command.<verb>), the model slice they write and how to dump it (Perlbal::Plugin::*).
 */
import type { Op } from '../apply-op.js';
import type { ConfigCommand, PluginCommand, PluginVerb, SetCommand } from '../commands.js';
import type { ConfigModel, ServiceModel } from '../model.js';
import type { VerbParse } from '../parse-support.js';
import type { PreLine } from '../preprocess.js';
import { NO_SPAN, type Span } from '../span.js';
import type { TunableDef } from '../tunable-types.js';

export interface SetterDef {
  /** The key after `<plugin>.`, lower-case (`use_observed_ip`). */
  readonly key: string;
  readonly description: string;
  /** Runs the setter on a service the plugin is registered on. */
  apply(op: Op, svc: ServiceModel, value: string, spans: { key: Span; value: Span }): boolean;
}

export interface PluginCommandDef {
  readonly verb: PluginVerb;
  /** The lower-case base word Perlbal dispatches on. */
  readonly base: string;
  /** The grammar as documented (`VHOST [<service>] <host_or_pattern> = <dest_service>`). */
  readonly grammar: string;
  readonly description: string;
  /** Uses the context service (CREATE/USE) when no service is named: indented in blocks. */
  readonly contextual: boolean;
  /** Perlbal's regex on the processed line; `args` and token spans, or the usage error. */
  parse(pre: PreLine): VerbParse<{ args: PluginCommand['args'] }>;
  apply(op: Op, cmd: PluginCommand): boolean;
  /** Canonical text (commands made by dump have no source). */
  print(cmd: PluginCommand): string;
}

export interface PluginDef {
  /** Canonical lower-case name (`accesscontrol`), as stored in the model. */
  readonly name: string;
  /** The Perl module name, which LOAD must match case-sensitively (`AccessControl`). */
  readonly module: string;
  readonly summary: string;
  /** Roles `register` accepts; absent: any role. */
  readonly roles?: readonly string[];
  /** Perlbal's die text when `register` refuses the service's role. */
  readonly roleError?: string;
  /**
   * The role this service's dumped commands need at the time they run (VHOST: selector), when
   * it is not the service's current role; dump then replays them under that role first.
   */
  commandRole?(svc: ServiceModel): string | undefined;
  /** False when the module has no `register` (SET plugins = it always fails). */
  readonly hasRegister: boolean;
  /** False when the module has no `unregister` (a later SET plugins on the service fails). */
  readonly hasUnregister: boolean;
  /** Roles added by `load` (EchoService: `echo`). */
  readonly addsRoles?: readonly string[];
  readonly tunables?: readonly TunableDef[];
  readonly setters?: readonly SetterDef[];
  readonly commands?: readonly PluginCommandDef[];
  /** Query verbs answered by the runtime (`stats`, `recent`, `patterns`). */
  readonly manageVerbs?: readonly string[];
  /** What `register` does to the service's slice (Vhosts resets its map, ...). */
  onRegister?(svc: ServiceModel): void;
  /**
   * `SET role` gave the service a new role: warn (with `note`) about state of this plugin
   * that the role makes useless. Never fails the command.
   */
  onRoleSet?(op: Op, svc: ServiceModel, span: Span): void;
  /** What unregistering does to the slice. */
  onUnregister?(svc: ServiceModel): void;
  /** `SET <svc>.<plugin>.<key>` lines recreating setter state (after `SET plugins`). */
  dumpSetters?(svc: ServiceModel): ConfigCommand[];
  /** Commands recreating the slice, emitted after the HEADER lines inside the service block. */
  dump?(svc: ServiceModel): ConfigCommand[];
  /** Global commands recreating `model.pluginGlobals[<plugin>]`, emitted after the LOAD lines. */
  dumpGlobal?(model: ConfigModel): ConfigCommand[];
  /** Perlbal's own `dumpconfig` lines; absent: "# Plugin 'X' isn't capable of dumping config." */
  dumpPerlbal?(svc: ServiceModel): string[];
}

/** A command node made by dump (no source, no spans). */
export function dumpNode<T extends ConfigCommand>(fields: Omit<T, 'span' | 'leadingComments'>): T {
  return { span: NO_SPAN, leadingComments: [], ...fields } as unknown as T;
}

/** `SET <svc>.<key> = <value>` made by dump (explicit service: setters and extra.* need it). */
export function setterNode(service: string, key: string, value: string): SetCommand {
  return dumpNode<SetCommand>({
    kind: 'set',
    target: service,
    key,
    value,
    keySpan: NO_SPAN,
    valueSpan: NO_SPAN,
  });
}
