/**
 * Highpri (Perlbal::Plugin::Highpri): on a reverse_proxy, make_high_priority puts a request
 * on the high-priority backend queue when its URI matches `highpri.uri_pattern` (by default
 * LiveJournal's protocol and login URLs) or its Host matches `highpri.host_pattern`. The
 * `patterns` command prints the patterns of every service using it.
 */
import type { ServiceModel } from '../../common/config/model.js';
import { perlRegexToJs } from '../../common/config/perl-regex.js';
import { getSlice } from '../../common/config/plugins/slices.js';
import type { ClientHTTPBase, PerlbalPlugin, Service } from './plugin-api.js';

const DISABLED = new Set(['undef', 'none', 'null']);

interface Checks {
  uri: RegExp | null;
  host: RegExp | null;
}

/** Compiled once per config (the model is frozen, so it is a safe key). */
const compiled = new WeakMap<ServiceModel, Checks>();

function checksOf(model: ServiceModel): Checks | null {
  const slice = getSlice(model, 'highpri');
  if (!slice) return null;
  let checks = compiled.get(model);
  if (!checks) {
    const re = (src: string): RegExp | null =>
      DISABLED.has(src) ? null : (perlRegexToJs(src) ?? null);
    checks = { uri: re(slice.uriPattern), host: re(slice.hostPattern) };
    compiled.set(model, checks);
  }
  return checks;
}

export const highpriPlugin: PerlbalPlugin = {
  name: 'highpri',
  register(svc: Service) {
    svc.hooks.handle('highpri', 'make_high_priority', (client: ClientHTTPBase) =>
      isHighPriority(svc, client),
    );
  },
  manageCommands: {
    patterns(_line, core) {
      const out = ['High priority pattern buffer:'];
      for (const s of core.model.services) {
        const slice = getSlice(s, 'highpri');
        if (!slice || !s.plugins.includes('highpri')) continue;
        out.push(`SET ${s.name}.highpri.uri_pattern = ${slice.uriPattern}`);
        out.push(`SET ${s.name}.highpri.host_pattern = ${slice.hostPattern}`);
      }
      out.push('.');
      return out;
    },
  },
};

function isHighPriority(svc: Service, client: ClientHTTPBase): boolean {
  const checks = checksOf(svc.model);
  const req = client.reqHeaders;
  if (!checks || !req) return false;
  if (checks.uri && checks.uri.test(req.uri ?? '')) return true;
  const host = req.header('Host');
  return !!(checks.host && host && checks.host.test(host));
}
