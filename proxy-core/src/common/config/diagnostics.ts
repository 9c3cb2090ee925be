/**
 * Config diagnostics: the returned (never thrown) problems of parse and apply, with a code,
 * a span, a sentence for people and, in `perlbal`, the exact text Perlbal 1.80 prints after
 * `ERROR: ` (or `WARNING: `) for the same line. Messages live in one table with `%name%`
 * placeholders, like Svelte's messages.
 */
import type { Span } from './span.js';

export type Severity = 'error' | 'warning' | 'info';

interface MessageDef {
  readonly severity: Severity;
  readonly message: string;
}

/** Message templates. `%hint%` is an optional suffix such as "; did you mean 'x'?". */
const MESSAGES = {
  // --- line level (parse) ---
  invalid_command: {
    severity: 'error',
    message: 'A command must start with a word (letters, digits or _)',
  },
  unknown_command: { severity: 'error', message: "'%base%' is not a Perlbal command%hint%" },
  invalid_syntax: { severity: 'error', message: '%what%' },
  unknown_variable: {
    severity: 'error',
    message: "'${%name%}' can't be expanded: %reason%; Perlbal stops with an error here",
  },
  unknown_interface: {
    severity: 'error',
    message: "Interface '%iface%' has no known IPv4 address, so '${ip:%iface%}' can't be expanded",
  },
  unset_variable: {
    severity: 'warning',
    message: "Environment variable '%name%' is not set; '$%name%' expands to an empty string",
  },
  comment_in_value: {
    severity: 'warning',
    message: "Everything after '#' is a comment, even inside a value; the value ends before '#'",
  },
  line_ignored: {
    severity: 'warning',
    message:
      'After $VAR expansion this line is empty or starts with whitespace, so Perlbal ignores it',
  },
  manage_in_config: { severity: 'warning', message: "'%verb%' %why%" },
  // --- names and context ---
  no_context: {
    severity: 'error',
    message:
      'No service or pool is named and none is implied: use %form% or put this line after CREATE SERVICE <name> / USE <name>',
  },
  unknown_name: { severity: 'error', message: "There is no service or pool named '%name%'%hint%" },
  unknown_service: { severity: 'error', message: "There is no service named '%name%'%hint%" },
  unknown_pool: { severity: 'error', message: "There is no pool named '%name%'%hint%" },
  duplicate_name: {
    severity: 'error',
    message: "A %existing% named '%name%' already exists; services and pools share one namespace",
  },
  not_a_selector: { severity: 'error', message: "'%name%' is not a selector service%hint%" },
  // --- SET on services ---
  unknown_tunable: { severity: 'error', message: "'%key%' is not a tunable of %where%%hint%" },
  tunable_wrong_role: {
    severity: 'error',
    message: "'%key%' can only be set on a %required% service; %actual%",
  },
  invalid_role: {
    severity: 'error',
    message:
      "'%value%' is not a service role (reverse_proxy, web_server, management, selector, upload_tracker%extra%)%hint%",
  },
  invalid_bool: {
    severity: 'error',
    message: "'%key%' expects on or off (also 1/0, true/false, yes/no), not '%value%'%hint%",
  },
  invalid_int: {
    severity: 'error',
    message: "'%key%' expects a whole number of 0 or more, not '%value%'%hint%",
  },
  invalid_size: {
    severity: 'error',
    message:
      "'%key%' expects a size in bytes, or with a K or M suffix (e.g. 256k), not '%value%'%hint%",
  },
  invalid_enum: {
    severity: 'error',
    message: "'%key%' must be one of %values%, not '%value%'%hint%",
  },
  invalid_listen: {
    severity: 'error',
    message: "'listen' expects ip:port or port (e.g. 127.0.0.1:8080 or 8080), not '%value%'%hint%",
  },
  invalid_value: { severity: 'error', message: "'%key%' %rule%, not '%value%'%hint%" },
  invalid_netmask: {
    severity: 'error',
    message: "'%value%' is not a netmask such as 10.0.0.0/8 or 127.0.0.1",
  },
  unchecked_value: {
    severity: 'warning',
    message:
      "'%key%' should be a whole number; Perlbal accepts '%value%' unchecked and treats it as 0",
  },
  file_not_found: { severity: 'error', message: "File '%path%' does not exist (for '%key%')" },
  not_a_file: {
    severity: 'error',
    message: "'%path%' is a directory, not a file (for '%key%')",
  },
  directory_not_found: {
    severity: 'error',
    message: "Directory '%path%' does not exist (for '%key%')",
  },
  not_executable: {
    severity: 'error',
    message: "'%path%' is not an executable file (for 'server_process')",
  },
  role_reset: {
    severity: 'warning',
    message:
      "This value of '%key%' is reset to %value% by SET role on line %line%; set it after the role",
  },
  plugin_not_loaded: {
    severity: 'error',
    message:
      "%what% comes from the %module% plugin, which is not loaded; add 'LOAD %module%' before this line",
  },
  plugin_not_registered: {
    severity: 'error',
    message:
      "'%key%' is a setting of the %module% plugin, which is not in service '%service%''s plugins (SET plugins = %plugin%)",
  },
  setter_rejected: {
    severity: 'error',
    message:
      "The %module% plugin rejected '%value%' for '%key%' (Perlbal fails here without printing anything)",
  },
  extra_needs_service: {
    severity: 'error',
    message:
      "'%key%' needs the service name: SET <service>.%key% = ... (Perlbal reads '%first%' as the service name)",
  },
  // --- pools ---
  unknown_pool_parameter: {
    severity: 'error',
    message:
      "'%key%' is not a pool parameter; pools accept nodefile and balance_method%hint% (Perlbal fails here without printing anything)",
  },
  pool_setting_on_service: {
    severity: 'info',
    message:
      "'%key%' belongs to the pool: it is applied to pool '%pool%' (setting it on the pool is the current form)",
  },
  pool_vivified: {
    severity: 'warning',
    message:
      "'%key%' on service '%service%' auto-created pool '%pool%'; this form is obsolete, create the pool and SET it there",
  },
  pool_vivify_refused: {
    severity: 'error',
    message:
      "Service '%service%' has no pool and pools were already created, so '%key%' can't auto-create one; set it on a pool instead",
  },
  no_pool: {
    severity: 'error',
    message:
      "Service '%service%' has no pool for '%key%' (only a reverse_proxy service gets an auto-created pool)",
  },
  invalid_ip: {
    severity: 'warning',
    message:
      "'%ip%' is not a dotted IPv4 address; Perlbal's pattern accepts it because its dots are unescaped",
  },
  // --- plugins ---
  unknown_plugin: { severity: 'error', message: "There is no plugin named '%name%'%hint%" },
  plugin_wrong_role: { severity: 'error', message: '%what%' },
  plugin_register_failed: { severity: 'error', message: 'The %module% plugin %what%' },
  plugin_unknown_in_list: {
    severity: 'warning',
    message: "Plugin '%name%' is not loaded, so it is not registered on service '%service%'%hint%",
  },
  invalid_host_pattern: {
    severity: 'error',
    message: "'%pattern%' is not a host pattern (letters, digits, - _ . * ; : only)",
  },
  invalid_regex: {
    severity: 'error',
    message: "'%regex%' is not a valid regular expression: %reason%",
  },
  access_unknown_item: {
    severity: 'error',
    message: "ACCESS %action% expects 'ip' or 'netmask', not '%item%'",
  },
  access_bad_policy: { severity: 'error', message: 'ACCESS POLICY expects allow or deny' },
  access_loose_policy: {
    severity: 'warning',
    message: "Perlbal accepts policy '%value%' because its check is unanchored; it acts as 'allow'",
  },
  access_missing_value: {
    severity: 'warning',
    message: 'ACCESS %action% %item% has no value, so the rule never matches',
  },
  queue_low_not_proxy: {
    severity: 'warning',
    message:
      'ACCESS QUEUE_LOW only works on a reverse_proxy service; on a %role% service a matching request just goes on (Perlbal crashes at the first one)',
  },
  include_failed: { severity: 'error', message: "Can't read included file '%path%': %reason%" },
  include_unchecked: { severity: 'info', message: 'Included files are not checked here' },
  include_too_deep: {
    severity: 'error',
    message: 'INCLUDE is nested more than %depth% levels deep; Perlbal would recurse forever',
  },
  throttle_reload: { severity: 'error', message: '%what%' },
  unknown_target: {
    severity: 'warning',
    message: "%verb% target '%target%' is not a service, so matching requests will fail%hint%",
  },
  nothing_enabled: {
    severity: 'warning',
    message: 'No service is enabled (ENABLE <name>): Perlbal stops at startup with nothing to do',
  },
  // --- service state ---
  already_enabled: { severity: 'error', message: "Service '%name%' is already enabled" },
  already_disabled: { severity: 'error', message: "Service '%name%' is already disabled" },
  cannot_disable_management: {
    severity: 'error',
    message: "A management service can't be disabled",
  },
  sni_without_ssl: {
    severity: 'warning',
    message:
      "Service '%name%' sets ssl_sni_dir but not enable_ssl = on, so it listens without TLS and those certificates are not used",
  },
  missing_role: {
    severity: 'warning',
    message: "Service '%name%' has no role (SET role = ...), so it can't serve anything",
  },
  missing_header_name: { severity: 'error', message: 'HEADER needs a header name' },
  missing_header_value: {
    severity: 'error',
    message: 'HEADER INSERT needs a value: HEADER %service% INSERT %name%: <value>',
  },
  // --- globals ---
  unknown_server_option: { severity: 'error', message: "'%key%' is not a SERVER option%hint%" },
  invalid_server_value: { severity: 'error', message: "SERVER %key% %rule%, not '%value%'" },
  server_quirk: { severity: 'warning', message: '%what%' },
  pidfile_at_runtime: {
    severity: 'error',
    message: 'SERVER pidfile can only be set in the config file, before Perlbal starts running',
  },
  unknown_extension: { severity: 'error', message: "'%ext%' is not in the MIME table" },
  default_not_tunable: {
    severity: 'warning',
    message: "'%key%' is not a tunable, so DEFAULT never applies it%hint%",
  },
  default_role: {
    severity: 'error',
    message:
      'DEFAULT role would make Perlbal set the role recursively forever when any role is set',
  },
  invalid_default: {
    severity: 'error',
    message: 'DEFAULT %key% = %value% is invalid for a %role% service: %reason%',
  },
  reload_unsupported: { severity: 'error', message: '%what%' },
  manage_failed: { severity: 'error', message: '%what%' },
} as const satisfies Record<string, MessageDef>;

export type DiagnosticCode = keyof typeof MESSAGES;

export interface ConfigDiagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** A sentence a person understands, with a suggestion where one helps. */
  message: string;
  /** The exact text Perlbal prints after `ERROR: ` (or `WARNING: `); absent when it prints nothing. */
  perlbal?: string;
  span: Span;
  file?: string;
}

export type MessageParams = Readonly<Record<string, string | number>>;

/** Fills `%name%` placeholders; unknown placeholders become ''. */
export function formatMessage(template: string, params: MessageParams): string {
  return template.replace(/%(\w+)%/g, (_, name: string) => {
    const v = params[name];
    return v === undefined ? '' : String(v);
  });
}

export function createDiagnostic(
  code: DiagnosticCode,
  params: MessageParams,
  span: Span,
  perlbal?: string,
  severity?: Severity,
): ConfigDiagnostic {
  const def: MessageDef = MESSAGES[code];
  const d: ConfigDiagnostic = {
    code,
    severity: severity ?? def.severity,
    message: formatMessage(def.message, params),
    span,
  };
  if (perlbal !== undefined) d.perlbal = perlbal;
  return d;
}

/** The default severity of a code (for docs and tests). */
export function severityOf(code: DiagnosticCode): Severity {
  return MESSAGES[code].severity;
}

export const DIAGNOSTIC_CODES = Object.keys(MESSAGES) as DiagnosticCode[];

/** `FILE: line 12, column 7: <message>`; the position is left out for span-less diagnostics. */
export function formatDiagnostic(d: ConfigDiagnostic): string {
  const where = d.span.line > 0 ? `line ${d.span.line}, column ${d.span.column}: ` : '';
  return `${d.file ? `${d.file}: ` : ''}${where}${d.message}`;
}
