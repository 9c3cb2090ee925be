/**
 * The config text after "HTTPS in one click": the user's text with as few lines changed as
 * possible, so comments and layout survive and the editor shows a small, readable change.
 * An SSL service that exists gets its ssl_cert_file / ssl_key_file lines pointed at the
 * local certificates; otherwise one block is appended (LiveJournal's `ssl_proxy`).
 */
import type { ConfigCommand, ConfigModel, ServiceModel } from '../../common/config/index.js';
import { formatTunableValue } from '../../common/config/index.js';
import { PerlbalError } from '../../common/errors.js';
import { vhostRules } from '../plugins/plugin-config.js';

export interface HttpsPlanInput {
  text: string;
  commands: readonly ConfigCommand[];
  model: ConfigModel;
  certFile: string;
  keyFile: string;
  /** `ip:port` for a new service. */
  listen: string;
}

export interface HttpsPlan {
  text: string;
  action: 'added' | 'updated' | 'unchanged';
  serviceName: string;
  explanation: string;
}

/** The TLS service to reuse: enable_ssl on, not the management port. */
export function sslService(model: ConfigModel): ServiceModel | undefined {
  return model.services.find((s) => s.tunables['enable_ssl'] === true && s.role !== 'management');
}

/**
 * The service HTTPS should mirror: a selector routes every host (VHOST), else the first
 * reverse_proxy, else a web_server; enabled and listening ones first.
 */
export function mainService(model: ConfigModel): ServiceModel | undefined {
  const plain = model.services.filter(
    (s) => s.tunables['enable_ssl'] !== true && typeof s.tunables['listen'] === 'string',
  );
  const ranked = [...plain.filter((s) => s.enabled), ...plain.filter((s) => !s.enabled)];
  for (const role of ['selector', 'reverse_proxy', 'web_server']) {
    const found = ranked.find((s) => s.role === role);
    if (found) return found;
  }
  return undefined;
}

/** Each SET command with the service it applies to (a null target means the CREATE/USE context). */
function setsByService(
  commands: readonly ConfigCommand[],
): Array<{ cmd: Extract<ConfigCommand, { kind: 'set' }>; service: string | null }> {
  const out: Array<{ cmd: Extract<ConfigCommand, { kind: 'set' }>; service: string | null }> = [];
  let context: string | null = null;
  for (const cmd of commands) {
    if (cmd.kind === 'create') context = cmd.what === 'service' ? cmd.name : null;
    else if (cmd.kind === 'use') context = cmd.name;
    else if (cmd.kind === 'set') out.push({ cmd, service: cmd.target ?? context });
  }
  return out;
}

function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Point the SSL service's file settings at `certFile` / `keyFile`, line by line. */
function updateService(input: HttpsPlanInput, svc: ServiceModel): HttpsPlan {
  const eol = lineEnding(input.text);
  const lines = input.text.split(/\r?\n/);
  const sets = setsByService(input.commands).filter((s) => s.service === svc.name);
  const wanted: Array<[string, string]> = [
    ['ssl_cert_file', input.certFile],
    ['ssl_key_file', input.keyFile],
  ];
  const inserts: string[] = [];
  let changed = false;
  for (const [key, value] of wanted) {
    const mine = sets.filter((s) => s.cmd.key === key);
    if (mine.length === 0) {
      if (svc.tunables[key] !== value) inserts.push(`SET ${svc.name}.${key} = ${value}`);
      continue;
    }
    // The last SET wins in Perlbal, so that is the line to change.
    const { cmd } = mine[mine.length - 1]!;
    const at = cmd.span.line - 1;
    const old = lines[at]!;
    const indent = /^\s*/.exec(old)![0];
    const target = cmd.target === null ? '' : `${cmd.target}.`;
    const comment = cmd.trailingComment === undefined ? '' : ` #${cmd.trailingComment}`;
    const line = `${indent}SET ${target}${key} = ${value}${comment}`;
    if (line !== old && cmd.value !== value) {
      lines[at] = line;
      changed = true;
    }
  }
  if (!svc.enabled) inserts.push(`ENABLE ${svc.name}`);
  if (inserts.length) {
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.push('', '# HTTPS in one click: the local certificates', ...inserts, '');
    changed = true;
  }
  return {
    text: changed ? lines.join(eol) : input.text,
    action: changed ? 'updated' : 'unchanged',
    serviceName: svc.name,
    explanation: `The config already has an SSL service, ${svc.name}: it now uses the local certificates.`,
  };
}

function freeName(model: ConfigModel, base: string): string {
  const taken = (n: string) => model.services.some((s) => s.name === n);
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}_${i}`)) return `${base}_${i}`;
}

/** The role-specific lines that make the new service route what `main` routes. */
function mirrorLines(main: ServiceModel): { lines: string[]; why: string } {
  const t = main.tunables;
  if (main.role === 'selector') {
    const plugins = main.plugins.length ? [`  SET plugins = ${main.plugins.join(', ')}`] : [];
    const rules = vhostRules(main).map(([pattern, target]) => `  VHOST ${pattern} = ${target}`);
    return {
      lines: plugins.concat(rules),
      why: `a TLS selector with the same VHOST rules as ${main.name}, so every host goes to the same service as over http`,
    };
  }
  if (main.role === 'reverse_proxy') {
    return {
      lines: [`  SET pool = ${String(t['pool'] ?? '')}`],
      why: `a TLS reverse_proxy on ${main.name}'s pool (LiveJournal's ssl_proxy), so https reaches the same backends`,
    };
  }
  const docroot =
    t['docroot'] === undefined ? [] : [`  SET docroot = ${formatTunableValue(t['docroot'])}`];
  return {
    lines: docroot,
    why: `a TLS web_server on ${main.name}'s docroot, so https serves the same files`,
  };
}

/** Append a TLS service that mirrors the main plain one. */
function addService(input: HttpsPlanInput): HttpsPlan {
  const main = mainService(input.model);
  if (!main || main.role === null) {
    throw new PerlbalError(
      'PB_ERR_API_NOT_FOUND',
      'The config has no selector, reverse_proxy or web_server with a listen address to put HTTPS in front of',
    );
  }
  const name = freeName(input.model, 'ssl_proxy');
  const mirror = mirrorLines(main);
  const eol = lineEnding(input.text);
  const block = [
    '',
    `# HTTPS in one click: ${mirror.why}.`,
    `CREATE SERVICE ${name}`,
    `  SET role = ${main.role}`,
    `  SET listen = ${input.listen}`,
    '  SET enable_ssl = on',
    `  SET ssl_cert_file = ${input.certFile}`,
    `  SET ssl_key_file = ${input.keyFile}`,
    ...mirror.lines,
    `ENABLE ${name}`,
    '',
  ];
  const body = input.text.replace(/(\r?\n)+$/, '');
  return {
    text: body + eol + block.join(eol),
    action: 'added',
    serviceName: name,
    explanation: `Added ${name}: ${mirror.why}.`,
  };
}

export function planHttpsConfig(input: HttpsPlanInput): HttpsPlan {
  const existing = sslService(input.model);
  return existing ? updateService(input, existing) : addService(input);
}
