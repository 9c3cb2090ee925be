/**
 * The 17 tunables Perlbal::Plugin::Throttle adds with add_tunable (all roles). Read from
 * Throttle.pm 1.20 as shipped with Perlbal 1.80.
 */
import type { TunableDef } from '../tunable-types.js';

const T = { roles: '*', plugin: 'throttle' } as const;

export const THROTTLE_TUNABLES: readonly TunableDef[] = [
  {
    ...T,
    name: 'whitelist_file',
    type: 'file_or_none',
    description: 'File of CIDRs that are never throttled (Perlbal needs Net::CIDR::Lite for it).',
  },
  {
    ...T,
    name: 'blacklist_file',
    type: 'file_or_none',
    description: 'File of CIDRs that are always denied (or throttled, see blacklist_action).',
  },
  {
    ...T,
    name: 'default_action',
    type: 'enum',
    values: ['allow', 'throttle'],
    default: 'throttle',
    description: 'Whether to throttle or allow new connections from clients on neither list.',
  },
  {
    ...T,
    name: 'blacklist_action',
    type: 'enum',
    values: ['deny', 'throttle'],
    default: 'deny',
    description: 'Whether to deny or throttle connections from blacklisted IPs.',
  },
  {
    ...T,
    name: 'path_regex',
    type: 'string',
    description: 'Perl regex the URI path must match for throttling to apply.',
  },
  {
    ...T,
    name: 'method_regex',
    type: 'string',
    description: 'Perl regex the HTTP method must match for throttling to apply.',
  },
  {
    ...T,
    name: 'log_events',
    type: 'regexp',
    pattern: '^(ban|unban|whitelisted|blacklisted|concurrent|throttled|banned|all|none| |,)+$',
    patternError: 'log_events is a comma-separated list of loggable events',
    rule: 'is a comma-separated list of ban, unban, whitelisted, blacklisted, concurrent, throttled, banned, all, none',
    default: 'all',
    description:
      'Comma-separated events to log: ban, unban, whitelisted, blacklisted, concurrent, throttled, banned; or all / none. Changing it after register needs THROTTLE RELOAD CONFIG.',
  },
  {
    ...T,
    name: 'log_only',
    type: 'bool',
    default: false,
    description: 'Do the whole throttling calculation but never delay or deny (log only).',
  },
  {
    ...T,
    name: 'throttle_threshold_seconds',
    type: 'int',
    default: 60,
    description:
      'Minimum time between requests; a client reconnecting sooner is delayed initial_delay seconds, doubling each time.',
  },
  {
    ...T,
    name: 'initial_delay',
    type: 'int',
    default: 3,
    description:
      'First delay in seconds for a client that reconnects within throttle_threshold_seconds.',
  },
  {
    ...T,
    name: 'max_delay',
    type: 'int',
    default: 300,
    description: 'Maximum delay in seconds after the exponential increase.',
  },
  {
    ...T,
    name: 'max_concurrent',
    type: 'int',
    default: 2,
    description: 'Maximum concurrent connections from one IP; more get 403.',
  },
  {
    ...T,
    name: 'ban_threshold',
    type: 'int',
    default: 0,
    description:
      'Violations after which the IP is banned for ban_expiration seconds; 0 never bans.',
  },
  {
    ...T,
    name: 'ban_expiration',
    type: 'int',
    default: 60,
    description: 'Seconds a banned IP stays banned.',
  },
  {
    ...T,
    name: 'memcached_servers',
    type: 'string',
    description:
      'Memcached servers to share throttle state between instances (Perlbal needs Cache::Memcached::Async).',
  },
  {
    ...T,
    name: 'memcached_async_clients',
    type: 'int',
    default: 10,
    description: 'Number of parallel memcached clients.',
  },
  {
    ...T,
    name: 'instance_name',
    type: 'string',
    default: 'Throttle',
    description:
      'Name of the throttler instance; instances with the same name share knowledge of IPs.',
  },
];
