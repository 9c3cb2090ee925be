/**
 * The request a backend receives (Perlbal BackendHTTP::assign_client plus
 * Service::munge_headers): the client's head, cloned, as HTTP/1.0, with Connection set by
 * persist_backend, X-Proxy-Capabilities when reproxying is on, X-Forwarded-For replaced (or,
 * for a trusted upstream, extended) and X-Host / X-Forwarded-Host removed for untrusted
 * clients. HEADER rules are applied last by the caller, after the backend_client_assigned hook.
 */
import type { HttpHeaders } from '../http/http-headers.js';
import type { Service } from '../service/service.js';
import { isTrusted } from './trust.js';

export function rewriteForBackend(svc: Service, req: HttpHeaders, clientIp: string): HttpHeaders {
  const hds = req.clone();
  hds.setVersion('1.0');
  hds.setHeader('Connection', svc.bool('persist_backend') ? 'keep-alive' : 'close');
  if (svc.bool('enable_reproxy')) hds.setHeader('X-Proxy-Capabilities', 'reproxy-file');
  if (isTrusted(svc, clientIp)) {
    if (!svc.bool('blind_proxy')) {
      // Perl's split drops empty trailing fields; an absent header gives an empty list.
      const ips = (hds.header('X-Forwarded-For') ?? '').split(/,\s*/);
      while (ips.length && ips[ips.length - 1] === '') ips.pop();
      hds.setHeader('X-Forwarded-For', [...ips, clientIp].join(', '));
    }
  } else {
    hds.setHeader('X-Forwarded-For', clientIp);
    hds.setHeader('X-Host', undefined);
    hds.setHeader('X-Forwarded-Host', undefined);
  }
  return hds;
}

/** Perlbal munge_headers: the service's HEADER rules, removals first, then inserts. */
export function applyHeaderRules(svc: Service, hds: HttpHeaders): void {
  const rules = svc.model.headers;
  for (const name of rules.remove) hds.setHeader(name, undefined);
  for (const [name, value] of rules.insert) hds.setHeader(name, wireText(value));
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Config text as head text. Heads hold one char per byte (latin1) and are written as such;
 * Perlbal sends a HEADER value's bytes as the config file has them, so a non-ASCII value
 * goes out as its UTF-8 bytes.
 */
export function wireText(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}
