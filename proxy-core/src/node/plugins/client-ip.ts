/**
 * The client IP that AccessControl (with use_observed_ip) and Throttle judge: the observed IP
 * (first X-Forwarded-For entry sent by a trusted upstream, Perlbal observed_ip_string) or the
 * peer IP. Trust is the service that read the headers: the selector for a handed-off client.
 */
import { isTrusted, observedIp, type ClientHTTPBase } from './plugin-api.js';

/** Perlbal check_req_headers: the observed IP of the current request, or null. */
export function observedIpOf(client: ClientHTTPBase): string | null {
  const reader = client.selectorSvc ?? client.service;
  if (!isTrusted(reader, client.peerIp)) return null;
  return observedIp(client.reqHeaders?.header('X-Forwarded-For'));
}

/** `$cp->observed_ip_string || $cp->peer_ip_string` (Throttle; AccessControl when asked). */
export function effectiveIp(client: ClientHTTPBase, useObserved: boolean): string {
  return (useObserved ? observedIpOf(client) : null) || client.peerIp;
}
