/**
 * A failed request in plain words: what happened, and what to look at next. The core's
 * error message says what failed; this adds the why a developer usually needs (is the
 * backend running? is the reproxy target reachable?) from the record's error, status and tags.
 */
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';

export interface Explanation {
  title: string;
  detail: string;
}

const SYSCALL: Record<string, string> = {
  ECONNREFUSED:
    'Nothing is listening on that address: the backend is not running, or the pool names the wrong port.',
  ECONNRESET:
    'The backend closed the connection in the middle of the exchange (it crashed or restarted, or its keep-alive timed out).',
  ETIMEDOUT:
    'The connection attempt timed out: the host is unreachable or a firewall drops the packets.',
  EHOSTUNREACH: 'The backend host cannot be reached from this machine.',
  ENOTFOUND: 'The host name does not resolve.',
  EPIPE: 'The backend stopped reading before the request was sent.',
};

const CODES: Record<string, string> = {
  PB_ERR_BACKEND_CONNECT: 'Perlbal could not get a connection to any node of the pool.',
  PB_ERR_BACKEND_TIMEOUT: 'The backend accepted the request but did not answer in time.',
  PB_ERR_REPROXY_EXHAUSTED:
    'The backend asked for a reproxy (X-REPROXY-URL), and every URL it offered failed. See the hops below.',
  PB_ERR_REPROXY_TARGET: 'A reproxy URL could not be used (malformed, or its server failed).',
  PB_ERR_REPROXY_FILE:
    'The backend asked to send a file (X-REPROXY-FILE) that could not be opened.',
  PB_ERR_BAD_REQUEST_BODY:
    'The client sent a request body Perlbal could not read (bad length or chunking).',
};

const STATUS: Record<number, string> = {
  400: 'Perlbal or the backend could not parse the request.',
  403: 'Refused: an access rule or the file permissions deny it.',
  404: 'Nothing at that path: the docroot has no such file, or the backend says so.',
  416: 'The Range asked for is outside the file.',
  500: 'The backend failed while answering.',
  501: 'The method is not supported by this service (a web_server without enable_put/enable_delete?).',
  502: 'No usable answer from a backend: it refused, reset the connection, or sent something that is not HTTP.',
  503: 'The service is overloaded or has no nodes: check the pool and its nodes on the Status view.',
  504: 'The backend took longer than the service allows.',
};

export function explain(r: RequestRecord): Explanation[] {
  const out: Explanation[] = [];
  if (r.error) {
    const sys = r.error.syscallCode ? SYSCALL[r.error.syscallCode] : undefined;
    out.push({
      title: `${r.error.code}${r.error.syscallCode ? ` (${r.error.syscallCode})` : ''}`,
      detail: [r.error.message, CODES[r.error.code], sys].filter(Boolean).join(' '),
    });
  } else if (r.status >= 400 && STATUS[r.status]) {
    out.push({ title: `${r.status}`, detail: STATUS[r.status]! });
  }
  if (r.status === 0)
    out.push({ title: 'No response', detail: 'The connection ended before a response was sent.' });
  if (r.tags.includes('client-closed'))
    out.push({
      title: 'Client hung up',
      detail: 'The client closed its connection before the response was complete.',
    });
  for (const hop of r.reproxy ?? [])
    if (hop.outcome === 'failed')
      out.push({
        title: `Reproxy hop fell through: ${hop.target}`,
        detail: `${hop.reason ?? 'failed'}${hop.status ? ` (status ${hop.status})` : ''}; Perlbal tried the next URL, if any.`,
      });
  for (const t of r.tags) {
    if (t.startsWith('throttle:'))
      out.push({
        title: 'Throttled',
        detail: `The Throttle plugin acted on this client (${t.slice(9)}).`,
      });
    if (t.startsWith('access-denied:'))
      out.push({
        title: 'Access denied',
        detail: `An AccessControl rule refused it (${t.slice(14)}).`,
      });
  }
  return out;
}
