/**
 * Queues (Perlbal::Plugin::Queues): tells the backend how busy the proxy is. When a backend
 * gets a client (backend_client_assigned), its request carries X-Queue-Count and X-Queue-Age
 * (length of the normal queue and age in seconds of its oldest client) and X-HP-Queue-Count /
 * X-HP-Queue-Age for the high-priority queue. As in Perlbal, closed clients not yet skipped
 * still count, and the headers go in before the service's HEADER rules apply.
 */
import type { BackendHTTP, PerlbalPlugin, Service } from './plugin-api.js';

export const queuesPlugin: PerlbalPlugin = {
  name: 'queues',
  register(svc: Service) {
    svc.hooks.handle('queues', 'backend_client_assigned', (be: BackendHTTP) => {
      addQueueHeaders(svc, be);
      return false;
    });
  },
};

function addQueueHeaders(svc: Service, be: BackendHTTP): void {
  const hds = be.reqHeaders;
  const queues = svc.backends?.queues;
  if (!hds || !queues) return;
  // Perl's `time`: whole seconds, as the clients' last_request_time.
  const now = Math.floor(Date.now() / 1000);
  const age = (q: ReadonlyArray<{ lastRequestTime: number }>): number =>
    q[0] ? now - q[0].lastRequestTime : 0;
  hds.setHeader('X-Queue-Count', String(queues.normal.length));
  hds.setHeader('X-Queue-Age', String(age(queues.normal)));
  hds.setHeader('X-HP-Queue-Count', String(queues.highpri.length));
  hds.setHeader('X-HP-Queue-Age', String(age(queues.highpri)));
}
