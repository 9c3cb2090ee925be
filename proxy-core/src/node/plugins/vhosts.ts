/**
 * Vhosts (Perlbal::Plugin::Vhosts): a selector that maps the Host header to a service via
 * VHOST rules: the exact host, then `*.host`, then wildcards peeled one label at a time, then
 * `*`. Two Perlbal bugs are fixed (docs/compatibility.md): a matched request is no longer
 * re-adopted by `default_service`, and hosts match case-insensitively with the trailing dot
 * removed after the port, as browsers and RFC 9110 treat host names.
 */
import { adoptClient, type ClientHTTPBase, type PerlbalPlugin, type Service } from './plugin-api.js';
import { vhostRules } from './plugin-config.js';

const USING_PATH = /^\/__using\/([\w.]+)(?:\/\w+)(?:\?.*)?$/;

/** Rules by pattern, built once per config (the model is frozen, so it is a safe key). */
const rulesByModel = new WeakMap<Service['model'], Map<string, string>>();

function rulesOf(svc: Service): Map<string, string> {
  let rules = rulesByModel.get(svc.model);
  if (!rules) {
    rules = new Map(vhostRules(svc.model));
    rulesByModel.set(svc.model, rules);
  }
  return rules;
}

export const vhostsPlugin: PerlbalPlugin = {
  name: 'vhosts',
  register(svc: Service) {
    svc.selector = (client) => selectVhost(svc, client);
    return () => {
      svc.selector = null;
    };
  },
};

/** Perlbal vhost_selector. Returns true once the client has been answered or handed off. */
function selectVhost(svc: Service, client: ClientHTTPBase): boolean {
  const req = client.reqHeaders;
  if (!req) {
    client.sendResponse(404, 'Not Found (no reqheaders)');
    return true;
  }
  const rules = rulesOf(svc);
  const core = client.core;
  let host = req.header('Host');
  const uri = req.uri ?? '/';
  const using = host ? USING_PATH.exec(uri) : null;
  if (host && using) {
    const alt = using[1]!;
    const target = lookup(core, rules, `${normaliseHost(host)};using:${alt}`);
    if (!target) {
      client.sendResponse(404, 'Vhost twiddling not configured for requested pair.');
      return true;
    }
    req.setHeader('Host', alt);
    adoptClient(target, client);
    return true;
  }
  if (host) {
    host = normaliseHost(host);
    for (const candidate of candidates(host)) {
      const target = lookup(core, rules, candidate);
      if (target) {
        client.traceRoute({ kind: 'vhost', name: candidate, detail: target.name });
        adoptClient(target, client);
        return true;
      }
    }
  }
  const star = lookup(core, rules, '*');
  if (!star) client.sendResponse(404, 'Not Found (no configured vhost)');
  else {
    client.traceRoute({ kind: 'vhost', name: '*', detail: star.name });
    adoptClient(star, client);
  }
  return true;
}

/** Lower-case, drop the port, then a single trailing dot (`Foo.Example.com.:80` -> `foo.example.com`). */
function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
}

/** `a.b.c` -> `a.b.c`, `*.a.b.c`, `*.b.c`, `*.c` (then `*` is the caller's forced fallback). */
function candidates(host: string): string[] {
  const out = [host];
  let wild = `*.${host}`;
  out.push(wild);
  for (;;) {
    const next = wild.replace(/^\*\.[\w-]+/, '*');
    if (next === wild || next === '*') break;
    out.push(next);
    wild = next;
  }
  return out;
}

function lookup(core: ClientHTTPBase['core'], rules: Map<string, string>, key: string): Service | undefined {
  const name = rules.get(key);
  return name ? core.service(name) : undefined;
}
