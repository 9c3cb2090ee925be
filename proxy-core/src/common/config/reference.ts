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
    description:
      "The open-files limit (RLIMIT_NOFILE, soft and hard) of the process, set each time the command runs. Past the hard limit it needs root; it then prints Perlbal's `ERROR: Need to be root to increase max connections.` (as root, past the kernel's maximum, `ERROR: Unable to set limit.`) and the config goes on. Set with util-linux's `prlimit` on Linux; elsewhere accepted and recorded only.",
  },
  {
    name: 'nice_level',
    grammar: 'SERVER nice_level = <n>',
    description:
      "Added to the process's niceness each time the command runs (POSIX `nice`; a negative value needs root, otherwise `ERROR: Unable to renice: ...` and the config goes on).",
  },
  {
    name: 'aio_mode',
    grammar: 'SERVER aio_mode = none|ioaio',
    description:
      "Accepted and recorded only: `none` or `ioaio` (`linux` is no longer supported, as in Perlbal 1.80). Perlbal chose synchronous or IO::AIO disk work with it; Perlbal Desktop always does its disk work asynchronously through Node, whatever the value.",
  },
  {
    name: 'aio_threads',
    grammar: 'SERVER aio_threads = <n>',
    description:
      "Accepted and recorded only (Perlbal's IO::AIO thread count). Node's disk threads are set with the `UV_THREADPOOL_SIZE` environment variable.",
  },
  {
    name: 'track_obj',
    grammar: 'SERVER track_obj = 1|0',
    description:
      'Accepted and recorded only (Perlbal tracked Perl object creation for `track`; there are no Perl objects here).',
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
    description:
      'Accepted and recorded only: a crash here always logs its whole stack (`crash log:` lines).',
  },
];

export const SERVER_KEY_NAMES: readonly string[] = SERVER_KEYS.map((k) => k.name);
