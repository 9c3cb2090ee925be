/**
 * Plugins that only add hooks, tunables or a role, with no commands of their own: Stats,
 * Queues, Palimg, XFFExtras, MaxContentLength, FlvStreaming, LazyCDN, EchoService and
 * AutoRemoveLeadingDir (Perlbal::Plugin::*). Their runtime behaviour lives in node/plugins.
 */
import type { PluginDef } from './types.js';

export const STATS_PLUGIN: PluginDef = {
  name: 'stats',
  module: 'Stats',
  summary:
    'Counts files sent, reproxied, web and proxy requests per service and keeps the last 100 proxied requests; adds the `stats` and `recent` queries.',
  hasRegister: true,
  hasUnregister: true,
  manageVerbs: ['stats', 'recent'],
};

export const QUEUES_PLUGIN: PluginDef = {
  name: 'queues',
  module: 'Queues',
  summary:
    'Adds X-Queue-Count, X-Queue-Age, X-HP-Queue-Count and X-HP-Queue-Age headers to backend requests of a reverse_proxy.',
  hasRegister: true,
  hasUnregister: true,
};

export const PALIMG_PLUGIN: PluginDef = {
  name: 'palimg',
  module: 'Palimg',
  summary:
    'Rewrites the palette of GIF and PNG files under /palimg/ on a web_server (/palimg/x.gif/p<spec>).',
  hasRegister: true,
  hasUnregister: true,
};

export const XFF_EXTRAS_PLUGIN: PluginDef = {
  name: 'xffextras',
  module: 'XFFExtras',
  summary:
    'Sends X-Forwarded-Port and X-Forwarded-Proto to backends. Has no unregister: a later SET plugins on the service fails.',
  hasRegister: true,
  hasUnregister: false,
  tunables: [
    {
      name: 'send_backend_port',
      roles: ['reverse_proxy'],
      type: 'bool',
      default: false,
      plugin: 'xffextras',
      description: 'Send an X-Forwarded-Port header with the local port the client connected to.',
    },
    {
      name: 'send_backend_proto',
      roles: ['reverse_proxy'],
      type: 'bool',
      default: false,
      plugin: 'xffextras',
      description: 'Send an X-Forwarded-Proto header (http or https).',
    },
  ],
};

export const MAX_CONTENT_LENGTH_PLUGIN: PluginDef = {
  name: 'maxcontentlength',
  module: 'MaxContentLength',
  summary:
    'Answers 413 "Content too long." when a request\'s Content-Length exceeds max_content_length.',
  hasRegister: true,
  hasUnregister: true,
  tunables: [
    {
      name: 'max_content_length',
      roles: '*',
      type: 'int',
      default: 0,
      plugin: 'maxcontentlength',
      description: 'Maximum Content-Length allowed, in bytes; 0 for no limit.',
    },
  ],
};

export const FLV_STREAMING_PLUGIN: PluginDef = {
  name: 'flvstreaming',
  module: 'FlvStreaming',
  summary:
    'Serves .flv?start=N from an offset by asking the backend for a range and prepending an FLV header. Reverse_proxy only; has no unregister.',
  roles: ['reverse_proxy'],
  roleError: "You can't load the flvstreaming plugin on a service not of role reverse_proxy.",
  hasRegister: true,
  hasUnregister: false,
};

export const LAZY_CDN_PLUGIN: PluginDef = {
  name: 'lazycdn',
  module: 'LazyCDN',
  summary:
    'On a web_server, hands requests for missing (or too old, ?v=N) files to a fallback service.',
  hasRegister: true,
  hasUnregister: true,
  tunables: [
    {
      name: 'fallback_service',
      roles: ['web_server'],
      type: 'string',
      plugin: 'lazycdn',
      description:
        'Service that gets requests for files that are missing or older than the requested version.',
    },
    {
      name: 'fallback_udp_ping_addr',
      roles: ['web_server'],
      type: 'regexp',
      pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+$',
      patternError: 'Expecting IP:port of form a.b.c.d:port.',
      rule: 'expects ip:port (a.b.c.d:port)',
      plugin: 'lazycdn',
      description: 'ip:port that receives the URI of each fallback request as a UDP datagram.',
    },
  ],
};

export const ECHO_SERVICE_PLUGIN: PluginDef = {
  name: 'echoservice',
  module: 'EchoService',
  summary:
    'Adds the `echo` role: a line echo server (no HTTP). It has no register: use SET role = echo, not SET plugins.',
  hasRegister: false,
  hasUnregister: false,
  addsRoles: ['echo'],
  tunables: [
    {
      name: 'echo_delay',
      roles: ['echo'],
      type: 'int',
      default: 0,
      plugin: 'echoservice',
      description: 'Seconds to wait before echoing each line back.',
    },
  ],
};

export const AUTO_REMOVE_LEADING_DIR_PLUGIN: PluginDef = {
  name: 'autoremoveleadingdir',
  module: 'AutoRemoveLeadingDir',
  summary: 'On a web_server whose docroot ends in /T, serves /T/x as /x.',
  hasRegister: true,
  hasUnregister: true,
};
