/**
 * The host names a Perlbal config answers to, for a certificate that covers them without
 * typing them: every selector's VHOST patterns (Perlbal::Plugin::Vhosts) and every service's
 * listen address.
 */
import path from 'node:path';
import { checkConfig, type ConfigModel } from '../../common/config/index.js';
import { vhostRules } from '../plugins/plugin-config.js';
import { nodeEnv } from '../node-env.js';

export interface ConfigHosts {
  /** Names as written for a certificate, in config order, de-duplicated. */
  hosts: string[];
  /** Where the names came from (`VHOST *.lj.localhost`, `listen 127.0.0.1:8080`). */
  sources: string[];
  /** The first of those for each name in `hosts`. */
  sourceOf: Map<string, string>;
  /** Things a user should know: catch-alls, deeper names a wildcard won't cover. */
  notes: string[];
  /** Config errors, as `line N: message`; names were still read from what parsed. */
  problems: string[];
}

/** Perlbal routes `*.x` for `x` itself too (Vhosts tries `*.$host` first), so both go on. */
function fromVhost(pattern: string, out: ConfigHosts, target: string): void {
  // `host;using:alt` is vhost twiddling: the host part is what a browser sends.
  const host = pattern.split(';')[0]!;
  if (host === '*') {
    out.notes.push(
      `VHOST * sends every other host to ${target}; a certificate can't name every host, so add the ones you use with --hosts.`,
    );
    return;
  }
  if (host.includes('_')) {
    out.notes.push(`Left out ${host}: browsers refuse underscores in certificate names.`);
    return;
  }
  add(out, host, `VHOST ${pattern}`);
  if (host.startsWith('*.')) {
    const base = host.slice(2);
    add(out, base, `VHOST ${pattern}`);
    out.notes.push(
      `Perlbal also sends deeper names such as a.b.${base} to ${target} (VHOST ${host}), but a certificate wildcard covers one level only: add deeper names with --hosts.`,
    );
  }
}

function add(out: ConfigHosts, host: string, source: string): void {
  if (!out.hosts.includes(host)) {
    out.hosts.push(host);
    out.sourceOf.set(host, source);
  }
  if (!out.sources.includes(source)) out.sources.push(source);
}

/** `ip:port` listens on that IP; a bare port (or 0.0.0.0) on every interface. */
function fromListen(listen: string, out: ConfigHosts): void {
  const m = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(listen);
  if (!m || m[1] === '0.0.0.0') return;
  add(out, m[1]!, `listen ${listen}`);
}

export function hostsFromModel(model: ConfigModel): ConfigHosts {
  const out: ConfigHosts = { hosts: [], sources: [], sourceOf: new Map(), notes: [], problems: [] };
  for (const svc of model.services) {
    for (const [pattern, target] of vhostRules(svc)) fromVhost(pattern, out, target);
  }
  for (const svc of model.services) {
    const listen = svc.tunables['listen'];
    if (typeof listen === 'string' && listen) fromListen(listen, out);
  }
  return out;
}

/** Read the names from config text; `file` anchors relative paths and INCLUDEs. */
export function hostsFromConfig(text: string, file: string): ConfigHosts {
  const checked = checkConfig(text, nodeEnv(process.env, path.dirname(file)), file);
  const out = hostsFromModel(checked.model);
  out.problems = checked.diagnostics
    .filter((d) => d.severity === 'error' && d.code !== 'nothing_enabled')
    .map((d) => `line ${d.span.line}: ${d.message}`);
  return out;
}
