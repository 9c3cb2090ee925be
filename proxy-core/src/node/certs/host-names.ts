/**
 * The names a server certificate can carry: DNS names (with an optional one-level `*.`
 * wildcard) and IP addresses, normalised the way browsers compare them (RFC 6125 §6.4),
 * plus the warnings mkcert gives about wildcards, and a few more of our own.
 */
import net from 'node:net';
import { domainToASCII } from 'node:url';
import { PerlbalError } from '../../common/errors.js';

export interface HostName {
  kind: 'dns' | 'ip';
  /** Lower-case ASCII (punycode) for DNS, canonical text for IPs (`::1`, not `[::1]`). */
  name: string;
}

/** Always on a server certificate: what `https://localhost` and the loopback IPs need. */
export const ALWAYS_COVERED: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function invalid(input: string, why: string): PerlbalError {
  return new PerlbalError(
    'PB_ERR_CERT_HOST_INVALID',
    `'${input}' can't be on a certificate: ${why}`,
    {
      host: input,
    },
  );
}

/** Parse one name given by the user or the config; throws PB_ERR_CERT_HOST_INVALID. */
export function parseHostName(input: string): HostName {
  const raw = input.trim();
  const bare = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (net.isIP(bare)) return { kind: 'ip', name: canonicalIp(bare) };
  const dotless = bare.replace(/\.$/, '');
  if (dotless === '') throw invalid(input, 'it is empty');
  const wild = dotless.startsWith('*.');
  const rest = wild ? dotless.slice(2) : dotless;
  if (rest.includes('*')) {
    throw invalid(input, 'a wildcard must be the whole first label, as in *.lj.localhost');
  }
  // domainToASCII turns IDNs into punycode and returns '' for names it can't represent.
  const ascii = domainToASCII(rest);
  if (ascii === '') throw invalid(input, 'it is not a valid host name');
  const labels = ascii.split('.');
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) {
    const why = bad.includes('_')
      ? `'${bad}' has an underscore, which browsers refuse in certificate names`
      : `'${bad}' is not a valid label (letters, digits and inner hyphens, at most 63)`;
    throw invalid(input, why);
  }
  if (ascii.length > 253) throw invalid(input, 'it is longer than 253 characters');
  return { kind: 'dns', name: wild ? `*.${ascii}` : ascii };
}

/** `::0001` and `0:0:0:0:0:0:0:1` both become `::1`; IPv4 stays as written. */
function canonicalIp(ip: string): string {
  if (net.isIPv4(ip)) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/**
 * True when a certificate name `san` covers `host` the way browsers match (RFC 6125 §6.4.3):
 * exactly, or by a wildcard standing for exactly one label. `*.lj.localhost` covers
 * `stat.lj.localhost`, not `lj.localhost` and not `a.b.lj.localhost`.
 */
export function covers(san: string, host: string): boolean {
  if (san === host) return true;
  if (!san.startsWith('*.') || host.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === san.slice(2);
}

/**
 * Wildcards browsers won't accept, or that don't do what a Perlbal user expects.
 * Chrome refuses a wildcard directly under a top-level or unknown registry (`*.localhost`,
 * `*.test`), so it needs at least two labels after `*.`.
 */
export function wildcardProblem(name: string): string | null {
  if (!name.startsWith('*.')) return null;
  const base = name.slice(2);
  if (!base.includes('.')) {
    return `browsers refuse a wildcard right under a top-level name such as ${name}; name the hosts (e.g. lj.${base}) or use *.lj.${base}`;
  }
  return null;
}

/** Parse, de-duplicate (first occurrence wins), and keep only wildcards browsers accept. */
export function normaliseHosts(inputs: readonly string[]): { hosts: HostName[]; notes: string[] } {
  const hosts: HostName[] = [];
  const notes: string[] = [];
  for (const input of inputs) {
    const h = parseHostName(input);
    const problem = wildcardProblem(h.name);
    if (problem) {
      notes.push(`Left out ${h.name}: ${problem}.`);
      continue;
    }
    if (!hosts.some((x) => x.name === h.name)) hosts.push(h);
  }
  return { hosts, notes };
}
