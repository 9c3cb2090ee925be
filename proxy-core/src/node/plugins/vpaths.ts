/**
 * Vpaths (Perlbal::Plugin::Vpaths): a selector that sends a request to the service of the
 * first VPATH rule whose regex matches the request URI (query string included). With no
 * match it declines, so the selector's default_service applies.
 */
import type { ServiceModel } from '../../common/config/model.js';
import { perlRegexToJs } from '../../common/config/perl-regex.js';
import { getSlice } from '../../common/config/plugins/slices.js';
import { adoptClient, type ClientHTTPBase, type PerlbalPlugin, type Service } from './plugin-api.js';

const compiled = new WeakMap<ServiceModel, Array<{ re: RegExp; target: string; source: string }>>();

function rulesOf(model: ServiceModel): Array<{ re: RegExp; target: string; source: string }> {
  let rules = compiled.get(model);
  if (!rules) {
    rules = [];
    for (const p of getSlice(model, 'vpaths')?.paths ?? []) {
      const re = perlRegexToJs(p.regex);
      if (re) rules.push({ re, target: p.target, source: p.regex });
    }
    compiled.set(model, rules);
  }
  return rules;
}

export const vpathsPlugin: PerlbalPlugin = {
  name: 'vpaths',
  register(svc: Service) {
    svc.selector = (client) => selectVpath(svc, client);
    return () => {
      svc.selector = null;
    };
  },
};

function selectVpath(svc: Service, client: ClientHTTPBase): boolean {
  const req = client.reqHeaders;
  if (!req) {
    client.sendResponse(404, 'Not Found (no reqheaders)');
    return true;
  }
  const uri = req.uri ?? '';
  for (const rule of rulesOf(svc.model)) {
    if (!rule.re.test(uri)) continue;
    client.traceRoute({ kind: 'vpath', name: rule.source, detail: rule.target });
    const target = client.core.service(rule.target);
    if (!target) {
      client.sendResponse(404, `Not Found (${rule.target} not a defined service)`);
      return true;
    }
    adoptClient(target, client);
    return true;
  }
  return false;
}
