/**
 * Redirect (Perlbal::Plugin::Redirect): on start_http_request, the lower-cased Host (port
 * removed) is looked up in the service's REDIRECT HOST table as Vhosts does: the exact host,
 * `*.host`, wildcards peeled one label at a time, then `*` (a request with no Host only tries
 * `*`). A match answers 301 to http://<target><original path and query>; otherwise the
 * service carries on.
 */
import type { ServiceModel } from '../../common/config/model.js';
import { getSlice } from '../../common/config/plugins/slices.js';
import type { ClientHTTPBase, PerlbalPlugin, Service } from './plugin-api.js';

/** Targets by match pattern, built once per config (the model is frozen, so a safe key). */
const tables = new WeakMap<ServiceModel, Map<string, string>>();

function tableOf(model: ServiceModel): Map<string, string> {
  let t = tables.get(model);
  if (!t) {
    t = new Map((getSlice(model, 'redirect')?.hosts ?? []).map((h) => [h.match, h.target]));
    tables.set(model, t);
  }
  return t;
}

export const redirectPlugin: PerlbalPlugin = {
  name: 'redirect',
  register(svc: Service) {
    svc.hooks.handle('redirect', 'start_http_request', (client: ClientHTTPBase) =>
      redirect(svc, client),
    );
  },
};

function redirect(svc: Service, client: ClientHTTPBase): boolean {
  const req = client.reqHeaders;
  if (!req) return false;
  const table = tableOf(svc.model);
  if (table.size === 0) return false;
  const target = lookup(table, (req.header('Host') ?? '').toLowerCase());
  if (target === undefined) return false;
  client.tagRecord('redirect');
  client.sendFullResponse(
    301,
    [
      ['Location', `http://${target}${req.uri ?? ''}`],
      ['Content-Length', '0'],
    ],
    '',
  );
  return true;
}

/** Perlbal's order of candidates; unlike our Vhosts, no trailing-dot handling (as in Perlbal). */
function lookup(table: Map<string, string>, host: string): string | undefined {
  if (!host) return table.get('*');
  host = host.replace(/:\d+$/, '');
  const exact = table.get(host);
  if (exact) return exact;
  let wild = `*.${host}`;
  for (;;) {
    const hit = table.get(wild);
    if (hit) return hit;
    const next = wild.replace(/^\*\.[\w-]+/, '*');
    if (next === wild) break;
    wild = next;
  }
  return table.get('*');
}
