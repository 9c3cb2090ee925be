/**
 * Throttle's tunables as one plain object, read once per config (Perlbal caches log_events
 * and the two regexes until THROTTLE RELOAD CONFIG; here every config change, including that
 * command, takes effect). The white and black lists are files of CIDRs, read here too.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { ServiceModel } from '../../../common/config/model.js';
import { perlRegexToJs } from '../../../common/config/perl-regex.js';
import type { Service } from '../plugin-api.js';

/** Perlbal's log flags, by the log_events word that turns each on. */
export type ThrottleEvent =
  | 'ban'
  | 'unban'
  | 'whitelisted'
  | 'allowed'
  | 'banned'
  | 'blacklisted'
  | 'concurrent'
  | 'throttled';

export interface ThrottleSettings {
  defaultAction: 'allow' | 'throttle';
  blacklistAction: 'deny' | 'throttle';
  pathRegex: RegExp | null;
  methodRegex: RegExp | null;
  logEvents: ReadonlySet<ThrottleEvent>;
  logOnly: boolean;
  thresholdSeconds: number;
  initialDelay: number;
  maxDelay: number;
  maxConcurrent: number;
  banThreshold: number;
  banExpiration: number;
  instanceName: string;
  whitelist: net.BlockList | null;
  blacklist: net.BlockList | null;
  /** Problems met while reading the settings (a list file, a regex), to log once. */
  problems: string[];
}

const cache = new WeakMap<ServiceModel, ThrottleSettings>();

export function throttleSettings(svc: Service): ThrottleSettings {
  let s = cache.get(svc.model);
  if (!s) {
    s = readSettings(svc);
    cache.set(svc.model, s);
  }
  return s;
}

function readSettings(svc: Service): ThrottleSettings {
  const problems: string[] = [];
  const regex = (name: string): RegExp | null => {
    const src = svc.str(name);
    if (!src) return null;
    const re = perlRegexToJs(src);
    if (!re) problems.push(`${name} '${src}' can't be used as a regular expression; ignored`);
    return re ?? null;
  };
  const list = (name: string): net.BlockList | null => {
    if (svc.str(name) === 'none') return null;
    const file = svc.path(name);
    if (!file) return null;
    try {
      return loadCidrList(file);
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
      return null;
    }
  };
  return {
    defaultAction: svc.str('default_action') === 'allow' ? 'allow' : 'throttle',
    blacklistAction: svc.str('blacklist_action') === 'throttle' ? 'throttle' : 'deny',
    pathRegex: regex('path_regex'),
    methodRegex: regex('method_regex'),
    logEvents: parseLogEvents(svc.str('log_events') ?? 'all'),
    logOnly: svc.bool('log_only'),
    thresholdSeconds: svc.num('throttle_threshold_seconds', 60),
    initialDelay: svc.num('initial_delay', 3),
    maxDelay: svc.num('max_delay', 300),
    maxConcurrent: svc.num('max_concurrent', 2),
    banThreshold: svc.num('ban_threshold', 0),
    banExpiration: svc.num('ban_expiration', 60),
    instanceName: svc.str('instance_name') ?? 'Throttle',
    whitelist: list('whitelist_file'),
    blacklist: list('blacklist_file'),
    problems,
  };
}

const ALL: readonly ThrottleEvent[] = [
  'ban',
  'unban',
  'whitelisted',
  'allowed',
  'banned',
  'blacklisted',
  'concurrent',
  'throttled',
];

/** Perlbal's loader: words in order; `all` and `none` reset everything seen before them. */
export function parseLogEvents(text: string): Set<ThrottleEvent> {
  let on = new Set<ThrottleEvent>();
  for (const word of text.toLowerCase().split(/[, ]+/).filter(Boolean)) {
    if (word === 'all') on = new Set(ALL);
    else if (word === 'none') on = new Set();
    // Only `all` turns on the "allowed" messages: no word of its own exists.
    else if (word !== 'allowed' && (ALL as readonly string[]).includes(word))
      on.add(word as ThrottleEvent);
  }
  return on;
}

/**
 * Perlbal load_cidr_list: `#` starts a comment; the first run of digits, dots and slashes on
 * a line is an address (no slash) or a CIDR. A file with none is an error.
 */
export function loadCidrList(file: string): net.BlockList {
  const list = new net.BlockList();
  let empty = true;
  for (const raw of fs.readFileSync(file, 'latin1').split('\n')) {
    const m = /([0-9/.]+)/.exec(raw.replace(/#.*/, ''));
    if (!m) continue;
    const [base, bits] = m[1]!.split('/') as [string, string | undefined];
    if (!net.isIPv4(base) || (bits !== undefined && !/^\d+$/.test(bits)) || Number(bits) > 32) {
      throw new Error(`${file}: '${m[1]}' is not an IPv4 address or CIDR`);
    }
    if (bits === undefined) list.addAddress(base, 'ipv4');
    else list.addSubnet(base, Number(bits), 'ipv4');
    empty = false;
  }
  if (empty) throw new Error(`${file} contains no recognizable CIDRs`);
  return list;
}

/** Whether `ip` is in `list` (IPv4 only, as Net::CIDR::Lite here). */
export function inList(list: net.BlockList | null, ip: string): boolean {
  return list !== null && net.isIPv4(ip) && list.check(ip, 'ipv4');
}
