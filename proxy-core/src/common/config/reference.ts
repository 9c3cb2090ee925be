/**
 * Reference data for the parts of the language that are not tunables: the core commands with
 * their grammar, pool parameters and SERVER keys. Used by the editor (completion, hover) and
 * the generated docs/config-reference.md. Behaviour lives in the apply modules.
 */

export interface CommandDoc {
  readonly verb: string;
  readonly grammar: string;
  readonly description: string;
}

export const CORE_COMMANDS: readonly CommandDoc[] = [
  {
    verb: 'CREATE',
    grammar: 'CREATE {SERVICE|POOL} <name>',
    description:
      'Creates a service or a pool and makes it the context for following SET lines. Services and pools share one namespace; names are lower-cased.',
  },
  {
    verb: 'USE',
    grammar: 'USE <name>',
    description: 'Makes an existing service or pool the context.',
  },
  {
    verb: 'SET',
    grammar: 'SET [<name>[.| ]]<param> = <value>',
    description:
      'Sets a service tunable, a pool parameter, `plugins`, `<svc>.extra.<key>` or a plugin setter `<svc>.<plugin>.<key>`. Without a name the context is used. Everything before `=` is lower-cased; the value keeps its case.',
  },
  {
    verb: 'DEFAULT',
    grammar: 'DEFAULT <param> = <value>',
    description:
      'A default applied to every service whose role is set later (for tunables valid for that role).',
  },
  {
    verb: 'ENABLE',
    grammar: 'ENABLE <service>',
    description: 'Starts the service (binds its listener).',
  },
  {
    verb: 'DISABLE',
    grammar: 'DISABLE <service>',
    description: 'Stops the service. A management service cannot be disabled.',
  },
  {
    verb: 'POOL',
    grammar: 'POOL <pool> {ADD|REMOVE} <ip>[:<port>]',
    description:
      'Adds (de-duplicated, appended) or removes a backend node; the port defaults to 80. The pool name and the verb may be swapped; the pool name is required.',
  },
  {
    verb: 'HEADER',
    grammar: 'HEADER <service> {INSERT|REMOVE} <header>[: <value>]',
    description:
      'Removes or sets a request header before the request leaves the service (to a backend, or to the service a selector picks). Lower-cased unless the line has an `=` before it.',
  },
  {
    verb: 'LOAD',
    grammar: 'LOAD <Plugin>',
    description:
      'Loads a plugin by its module name. Tries the name as typed, lower-cased, then capitalised: CamelCase modules (AccessControl, XFFExtras, ...) need their exact case.',
  },
  { verb: 'UNLOAD', grammar: 'UNLOAD <plugin>', description: 'Unloads a plugin. Always succeeds.' },
  {
    verb: 'SERVER',
    grammar: 'SERVER <key> = <value>',
    description: 'Sets a global option (see SERVER keys).',
  },
  {
    verb: 'MIME',
    grammar: 'MIME [LIST] | MIME SET <ext> <type> | MIME REMOVE <ext>',
    description: 'Lists or changes the web server MIME table. Arguments are lower-cased.',
  },
  {
    verb: 'VERBOSE',
    grammar: 'VERBOSE {ON|OFF}',
    description: 'Turns the OK replies of the current context on or off.',
  },
  {
    verb: 'SHUTDOWN',
    grammar: 'SHUTDOWN [GRACEFUL] [<seconds>]',
    description: 'Exits at once, or after the open connections finish (GRACEFUL).',
  },
  {
    verb: 'RELOAD',
    grammar: 'RELOAD <plugin>',
    description: 'Reloads a plugin; no bundled plugin supports it.',
  },
];

export interface ParameterDoc {
  readonly name: string;
  readonly grammar: string;
  readonly description: string;
}

export const POOL_PARAMETERS: readonly ParameterDoc[] = [
  {
    name: 'nodefile',
    grammar: 'SET <pool>.nodefile = <path>|none',
    description:
      'A file of backend nodes (`ip[:port]` per line, `#` comments), re-read when it changes (checked at most every 3 seconds). The file must exist. `none`, `undef`, `null`, `""` or `\'\'` stop watching it and keep the current nodes.',
  },
  {
    name: 'balance_method',
    grammar: 'SET <pool>.balance_method = random',
    description:
      'How a node is picked for each new backend connection. Only `random` exists (the default).',
  },
];

export const SERVER_KEYS: readonly ParameterDoc[] = [
  {
    name: 'max_reproxy_connections',
    grammar: 'SERVER max_reproxy_connections = <n>',
    description:
      'Cap on connections per reproxy target (X-REPROXY-URL host:port); 0 means unlimited. `max_reproxy_connections(<ip:port>) = <n>` sets the cap for one target, `max_reproxy_connections(<ip>) = <n>` for each target on that host (Perlbal 1.80 set the global cap instead: a fixed bug).',
  },
  {
    name: 'max_connections',
    grammar: 'SERVER max_connections = <n>',
    description: 'The open-files limit (RLIMIT_NOFILE) to set.',
  },
  {
    name: 'nice_level',
    grammar: 'SERVER nice_level = <n>',
    description: 'Process niceness to add.',
  },
  {
    name: 'aio_mode',
    grammar: 'SERVER aio_mode = none|ioaio',
    description:
      'How disk work is done: `ioaio` (asynchronous, the default here) or `none` (synchronous). `linux` is no longer supported.',
  },
  {
    name: 'aio_threads',
    grammar: 'SERVER aio_threads = <n>',
    description: 'Number of asynchronous disk I/O threads.',
  },
  {
    name: 'track_obj',
    grammar: 'SERVER track_obj = 1|0',
    description: 'Track object creation (debugging; needs PERLBAL_DEBUG_OBJ).',
  },
  {
    name: 'pidfile',
    grammar: 'SERVER pidfile = <path>',
    description:
      'File to write the process id to. Only in the config file, not on a running server.',
  },
  {
    name: 'crash_backtrace',
    grammar: 'SERVER crash_backtrace = 1|0',
    description: 'Print full backtraces when Perlbal dies.',
  },
];

export const SERVER_KEY_NAMES: readonly string[] = SERVER_KEYS.map((k) => k.name);
