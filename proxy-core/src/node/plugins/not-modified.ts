/**
 * NotModified (Perlbal::Plugin::NotModified): once `SET <svc>.notmodified.host_pattern` is
 * given, any request whose Host matches the pattern and that carries an If-Modified-Since
 * (whatever its date) is answered `304 Not Modified` at start_http_request, without reaching
 * the service. Meant for a selector in front of static content that never changes.
 */
import type { ServiceModel } from '../../common/config/model.js';
import { perlRegexToJs } from '../../common/config/perl-regex.js';
import { getSlice } from '../../common/config/plugins/slices.js';
import type { ClientHTTPBase, PerlbalPlugin, Service } from './plugin-api.js';

/** The compiled pattern per config (null: not set, or not expressible in JavaScript). */
const compiled = new WeakMap<ServiceModel, RegExp | null>();

function patternOf(model: ServiceModel): RegExp | null {
  let re = compiled.get(model);
  if (re === undefined) {
    const src = getSlice(model, 'notmodified')?.hostPattern;
    re = src ? (perlRegexToJs(src) ?? null) : null;
    compiled.set(model, re);
  }
  return re;
}

export const notModifiedPlugin: PerlbalPlugin = {
  name: 'notmodified',
  register(svc: Service) {
    svc.hooks.handle('notmodified', 'start_http_request', (client: ClientHTTPBase) =>
      answerNotModified(svc, client),
    );
  },
};

function answerNotModified(svc: Service, client: ClientHTTPBase): boolean {
  const re = patternOf(svc.model);
  const req = client.reqHeaders;
  if (!re || !req || !req.uri) return false;
  const host = req.header('Host');
  if (!host || !re.test(host)) return false;
  if (!req.header('If-Modified-Since')) return false;
  client.tagRecord('not-modified');
  client.sendResponse(304, 'Not Modified');
  return true;
}
