/**
 * The tunables table: the single source of truth for every `SET key = value` of a service
 * (Perlbal::Service `$tunables`, all 54 core rows, plus Perlbal Desktop's additions, marked). Drives validation, defaults, dump, editor
 * help and the generated reference. Plugins add rows (see plugins/), looked up by `tunableFor`.
 */
import type { TunableDef } from './tunable-types.js';
import { LIST_SEPARATOR, perlSplit } from './perl-text.js';

const RP = ['reverse_proxy'] as const;
const WS = ['web_server'] as const;
const SEL = ['selector'] as const;

/** The five core roles (plugins add more, e.g. EchoService's `echo`). */
export const CORE_ROLES = [
  'reverse_proxy',
  'web_server',
  'management',
  'selector',
  'upload_tracker',
] as const;

export const TUNABLES = [
  {
    name: 'role',
    roles: '*',
    type: 'role',
    description:
      "What type of service: 'reverse_proxy' load balances to a pool of backend web nodes, 'web_server' serves files, 'management' is a management interface (command line or HTTP, auto-detected), 'selector' maps requests onto other services, 'upload_tracker' collects upload progress. Setting it (re)applies the defaults of every tunable valid for the role.",
  },
  {
    name: 'listen',
    roles: '*',
    type: 'regexp',
    pattern: '^(\\d+\\.\\d+\\.\\d+\\.\\d+:)?\\d+$',
    patternError: 'Listen argument must be ip:port or port. e.g. 192.168.0.1:80 or 81',
    rule: 'must be ip:port or port',
    description:
      'The ip:port to listen on (a bare port listens on all interfaces). For a service to work it must either listen, or be the target of a selector.',
  },
  {
    name: 'pool',
    roles: RP,
    type: 'pool',
    description:
      'Name of a previously created pool containing the backend nodes this reverse proxy sends requests to. The name is case-sensitive.',
  },
  {
    name: 'persist_client',
    roles: '*',
    type: 'bool',
    default: false,
    description:
      "Whether to enable HTTP keep-alives to the end user. For requests routed through a selector the selector's value is used.",
  },
  {
    name: 'persist_client_idle_timeout',
    roles: '*',
    type: 'int',
    default: 30,
    description:
      'Timeout in seconds for HTTP keep-alives to the end user; also the timeout= in the Keep-Alive header (omitted when 0).',
  },
  {
    name: 'idle_timeout',
    roles: '*',
    type: 'int',
    default: 30,
    description:
      'Timeout in seconds for idle connections to the end user outside keep-alive waits; the client is closed without a response.',
  },
  {
    name: 'persist_client_timeout',
    roles: '*',
    type: 'int',
    neverDump: true,
    description: 'Deprecated: sets both persist_client_idle_timeout and idle_timeout.',
  },
  {
    name: 'persist_backend',
    roles: RP,
    type: 'bool',
    default: false,
    description:
      'Whether to enable HTTP keep-alives to the backend web nodes. Off by default, but highly recommended if Perlbal is the only client of your backends.',
  },
  {
    name: 'backend_persist_cache',
    roles: RP,
    type: 'int',
    default: 2,
    description:
      'The number of backend connections to keep alive on reserve while there are no clients.',
  },
  {
    name: 'connect_ahead',
    roles: RP,
    type: 'int',
    default: 0,
    description:
      'How many extra backend connections to keep open in addition to the current ones, in anticipation of new clients.',
  },
  {
    name: 'verify_backend',
    roles: RP,
    type: 'bool',
    default: false,
    description:
      'Send a quick OPTIONS request to each new backend connection before giving it a client, so a loaded backend whose kernel accepted the connection is not used before a server process is ready.',
  },
  {
    name: 'verify_backend_path',
    roles: RP,
    type: 'string',
    default: '*',
    description: "The path of the OPTIONS request sent by verify_backend. Default is '*'.",
  },
  {
    name: 'max_backend_uses',
    roles: RP,
    type: 'unchecked_int',
    default: 0,
    description:
      'The maximum number of requests on one persistent backend connection before it is released; 0 means no limit. (Perlbal 1.80 serves one request more than this.)',
  },
  {
    name: 'buffer_size',
    roles: RP,
    type: 'size',
    default: 262144,
    description:
      'How far ahead of a client Perlbal reads from a backend. If the client falls this far behind, reading from the backend pauses.',
  },
  {
    name: 'buffer_size_reproxy_url',
    roles: RP,
    type: 'size',
    default: 51200,
    description:
      'Like buffer_size, for reproxied URLs (lower by default: those are assumed to be event-based servers).',
  },
  {
    name: 'buffer_backend_connect',
    roles: RP,
    type: 'size',
    default: 102400,
    description:
      'How much request body (POST/PUT) to read from a client before asking for a backend; with buffer_uploads, also how much is read before deciding whether to spool the upload to disk. 0 asks for a backend immediately.',
  },
  {
    name: 'buffer_uploads',
    roles: RP,
    type: 'bool',
    default: false,
    description:
      'Enable spooling request bodies to disk (buffer_uploads_path). Also required for chunked request bodies.',
  },
  {
    name: 'buffer_uploads_path',
    roles: RP,
    type: 'directory',
    patternError: 'Directory (%value%) not found for service %service% (buffer_uploads_path)',
    description: 'Directory where buffered uploads are stored. Must exist.',
  },
  {
    name: 'buffer_upload_threshold_size',
    roles: RP,
    type: 'size',
    default: 256000,
    description:
      'Uploads at least this large (in bytes) are buffered to disk. 0 disables the size check.',
  },
  {
    name: 'buffer_upload_threshold_time',
    roles: RP,
    type: 'int',
    default: 5,
    description:
      'Uploads estimated to take longer than this many seconds are buffered to disk. 0 disables the time check.',
  },
  {
    name: 'buffer_upload_threshold_rate',
    roles: RP,
    type: 'int',
    default: 0,
    description:
      'Uploads arriving slower than this many bytes per second are buffered to disk. 0 disables the rate check.',
  },
  {
    name: 'max_chunked_request_size',
    roles: '*',
    type: 'size',
    default: 209715200,
    description:
      'The largest chunked request body accepted (buffered uploads must be on); larger ones are closed without a response. 0 means no limit.',
  },
  {
    name: 'enable_reproxy',
    roles: RP,
    type: 'bool',
    default: false,
    description:
      'Honour X-REPROXY-FILE / X-REPROXY-URL / X-REPROXY-SERVICE response headers (internal redirects invisible to the user). Only enable it if you trust the backends.',
  },
  {
    name: 'reproxy_cache_maxsize',
    roles: RP,
    type: 'int',
    default: 0,
    description:
      'The maximum number of cached reproxy results (X-REPROXY-CACHE-FOR); 0 disables the cache.',
  },
  {
    name: 'upload_status_listeners',
    roles: RP,
    type: 'udp_endpoints',
    default: '',
    patternError: 'Invalid UDP endpoint: "%value%".  Must be of form a.b.c.d:port',
    description:
      'Comma-separated a.b.c.d:port UDP receivers of upload progress packets, sent for uploads whose URL has ?client_up_sess=<5-50 word characters>. A non-empty value also enables /__upload_status.',
  },
  {
    name: 'enable_error_retries',
    roles: RP,
    type: 'bool',
    default: false,
    description:
      'Transparently retry GET/HEAD requests on another backend when a backend answers 500.',
  },
  {
    name: 'error_retry_schedule',
    roles: RP,
    type: 'string',
    default: '0,.25,.50,1,1,1,1,1',
    description:
      'Comma-separated delays in seconds (full or partial) between retries; the number of entries is the maximum number of retries.',
  },
  {
    name: 'queue_relief_size',
    roles: RP,
    type: 'int',
    default: 0,
    description:
      'Number of waiting standard-priority clients at which pressure relief starts (standard requests may then jump ahead of high-priority ones). 0 disables it.',
  },
  {
    name: 'queue_relief_chance',
    roles: RP,
    type: 'percent',
    default: 0,
    patternError: 'Expecting integer value between 0 and 100, inclusive.',
    description:
      'In pressure relief, the percentage chance (0-100) of taking a standard-priority request instead of a high-priority one.',
  },
  {
    name: 'high_priority_cookie',
    roles: RP,
    type: 'string',
    description: 'The cookie name that puts a client on the high-priority queue.',
  },
  {
    name: 'high_priority_cookie_contents',
    roles: RP,
    type: 'string',
    description: 'A string the high_priority_cookie must contain to go on the high-priority queue.',
  },
  {
    name: 'trusted_upstream_proxies',
    roles: '*',
    type: 'netmask_list',
    description:
      'Comma-separated netmasks (e.g. 10.0.0.0/24) of upstream proxies whose X-Forwarded-For and related headers are trusted.',
  },
  {
    name: 'always_trusted',
    roles: '*',
    type: 'bool',
    default: false,
    description:
      "Trust every client's X-Forwarded-For and related headers. Only for when all traffic comes from your own proxies.",
  },
  {
    name: 'blind_proxy',
    roles: RP,
    type: 'bool',
    default: false,
    description:
      'Do not modify X-Forwarded-For, X-Host or X-Forwarded-Host headers of trusted clients.',
  },
  {
    name: 'server_process',
    roles: RP,
    type: 'executable',
    patternError: 'Server process (%value%) not executable.',
    description:
      'Executable that is the HTTP server on stdin/stdout, used instead of a pool. (Alpha, experimental.)',
  },
  {
    name: 'client_sndbuf_size',
    roles: '*',
    type: 'size',
    default: 0,
    description: "The client socket's send buffer size (SO_SNDBUF); 0 keeps the system default.",
  },
  {
    name: 'docroot',
    roles: WS,
    type: 'directory',
    patternError: 'Directory not found for service %service%',
    description: 'Directory root of the web server. Must exist.',
  },
  {
    name: 'dirindexing',
    roles: WS,
    type: 'bool',
    default: false,
    description:
      'Show a directory listing when a request is for a directory without an index file. (Not asynchronous.)',
  },
  {
    name: 'index_files',
    roles: WS,
    type: 'list',
    default: ['index.html'],
    dumpAlways: true,
    normalize: (raw: string) => perlSplit(raw, LIST_SEPARATOR),
    description: 'Comma-separated file names to try, in order, when a request is for a directory.',
  },
  {
    name: 'enable_put',
    roles: WS,
    type: 'bool',
    default: false,
    description: 'Enable HTTP PUT requests.',
  },
  {
    name: 'enable_delete',
    roles: WS,
    type: 'bool',
    default: false,
    description: 'Enable HTTP DELETE requests.',
  },
  {
    name: 'enable_md5',
    roles: WS,
    type: 'bool',
    default: true,
    description: 'Verify the Content-MD5 header of HTTP PUT requests.',
  },
  {
    name: 'max_put_size',
    roles: WS,
    type: 'size',
    default: 0,
    description: 'The largest PUT request body accepted when enable_put is on; 0 means no limit.',
  },
  {
    name: 'min_put_directory',
    roles: WS,
    type: 'int',
    default: 0,
    description:
      'With PUT enabled, how many leading directory levels of the URI must already exist.',
  },
  {
    name: 'enable_concatenate_get',
    roles: WS,
    type: 'bool',
    default: false,
    description:
      'Enable the multiple-files-in-one-request mode: /dir/??a.css,b.css returns the files concatenated.',
  },
  {
    name: 'restrict_symlinks',
    roles: WS,
    type: 'bool',
    default: false,
    addition: true,
    description:
      'Perlbal Desktop addition. When on, a request whose path goes through a symlink leading outside the docroot is refused with 403. Off by default: symlinks are followed, as Perlbal and nginx do (development checkouts often link shared folders in).',
  },
  {
    name: 'default_service',
    roles: SEL,
    type: 'service',
    patternError: "Service '' not found",
    description:
      'Name of a previously created service that gets requests no selector plugin matched.',
  },
  {
    name: 'latency',
    roles: SEL,
    type: 'int',
    default: 0,
    description: 'Forced latency in milliseconds before the selector runs.',
  },
  {
    name: 'server_tokens',
    roles: '*',
    type: 'bool',
    default: true,
    description: 'Add a "Server: Perlbal" header to responses Perlbal generates itself.',
  },
  {
    name: 'enable_ssl',
    roles: '*',
    type: 'bool',
    default: false,
    description:
      'Speak TLS to clients on this listener (needs ssl_key_file and ssl_cert_file). Any role: a TLS selector, web_server, reverse_proxy or management port.',
  },
  {
    name: 'ssl_key_file',
    roles: '*',
    type: 'file_or_none',
    default: 'certs/server-key.pem',
    description:
      'Path to the private key PEM file for TLS (unencrypted). Relative to the config file; re-read when it changes.',
  },
  {
    name: 'ssl_cert_file',
    roles: '*',
    type: 'file_or_none',
    default: 'certs/server-cert.pem',
    description:
      'Path to the certificate PEM file for TLS: the leaf first, then any intermediates. Relative to the config file; re-read when it changes. An expired certificate or one that is not for this key is refused, naming the file.',
  },
  {
    name: 'ssl_cipher_list',
    roles: '*',
    type: 'string',
    default: 'ALL:!LOW:!EXP',
    description: 'OpenSSL-style cipher list.',
  },
  {
    name: 'ssl_ca_path',
    roles: '*',
    type: 'directory_or_none',
    default: null,
    description: 'Folder of CA certificates that client certificates are checked against (see ssl_verify_mode).',
  },
  {
    name: 'ssl_verify_mode',
    roles: '*',
    type: 'int',
    default: 0,
    description:
      'Client certificates (IO::Socket::SSL SSL_verify_mode): 0 none asked; 1 ask, and refuse a certificate the ssl_ca_path CAs did not sign; 3 also refuse clients that send none.',
  },
  {
    name: 'ssl_sni_dir',
    roles: '*',
    type: 'directory_or_none',
    default: null,
    addition: true,
    description:
      "Perlbal Desktop addition (the name of Perlbal's unmerged SNI patch). A folder of certificates for other host names on the same listener, chosen by the name the client asks for (TLS SNI): each file holds a key and its certificate, or a certificate file sits next to its key (x.crt + x.key, x.pem + x-key.pem, x-cert.pem + x-key.pem). A certificate serves the DNS names in its subjectAltName (wildcards match one label); other names, and clients that send none, get ssl_cert_file. Files are re-read when they change.",
  },
] as const satisfies readonly TunableDef[];

export type TunableName = (typeof TUNABLES)[number]['name'];

const CORE_BY_NAME: ReadonlyMap<string, TunableDef> = new Map(
  TUNABLES.map((t) => [t.name, t as TunableDef]),
);

export function coreTunable(name: string): TunableDef | undefined {
  return CORE_BY_NAME.get(name);
}
