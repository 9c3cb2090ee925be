/**
 * A structural check of a HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/):
 * every required field present with its type, and the value rules a reader relies on
 * (version "1.2", ISO start times, timings -1 or >= 0 with send/wait/receive >= 0).
 * Returns the problems found, each with the JSON path; [] when the document is valid.
 */
type Kind = 'string' | 'number' | 'object' | 'array' | 'boolean';

export function validateHar(doc: unknown): string[] {
  const errs: string[] = [];
  const kind = (v: unknown): string =>
    Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
  const need = (o: unknown, key: string, k: Kind, at: string): unknown => {
    const v = (o as Record<string, unknown> | null)?.[key];
    if (v === undefined) errs.push(`${at}.${key}: missing`);
    else if (kind(v) !== k) errs.push(`${at}.${key}: expected ${k}, got ${kind(v)}`);
    return v;
  };
  const optional = (o: unknown, key: string, k: Kind, at: string): void => {
    const v = (o as Record<string, unknown>)[key];
    if (v !== undefined && kind(v) !== k) errs.push(`${at}.${key}: expected ${k}, got ${kind(v)}`);
  };
  const nameValues = (list: unknown, at: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((x, i) => {
      need(x, 'name', 'string', `${at}[${i}]`);
      need(x, 'value', 'string', `${at}[${i}]`);
    });
  };

  const log = need(doc, 'log', 'object', '$');
  if (!log) return errs;
  if (need(log, 'version', 'string', '$.log') !== '1.2') errs.push('$.log.version: expected "1.2"');
  const creator = need(log, 'creator', 'object', '$.log');
  if (creator) {
    need(creator, 'name', 'string', '$.log.creator');
    need(creator, 'version', 'string', '$.log.creator');
  }
  optional(log, 'pages', 'array', '$.log');
  const entries = need(log, 'entries', 'array', '$.log');
  if (!Array.isArray(entries)) return errs;
  entries.forEach((e, i) => {
    const at = `$.log.entries[${i}]`;
    const start = need(e, 'startedDateTime', 'string', at);
    if (
      typeof start === 'string' &&
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(start)
    )
      errs.push(`${at}.startedDateTime: not ISO 8601`);
    const time = need(e, 'time', 'number', at);
    if (typeof time === 'number' && time < 0) errs.push(`${at}.time: negative`);
    const req = need(e, 'request', 'object', at);
    if (req) {
      const r = `${at}.request`;
      need(req, 'method', 'string', r);
      need(req, 'url', 'string', r);
      need(req, 'httpVersion', 'string', r);
      need(req, 'cookies', 'array', r);
      nameValues(need(req, 'headers', 'array', r), `${r}.headers`);
      nameValues(need(req, 'queryString', 'array', r), `${r}.queryString`);
      need(req, 'headersSize', 'number', r);
      need(req, 'bodySize', 'number', r);
      optional(req, 'postData', 'object', r);
    }
    const res = need(e, 'response', 'object', at);
    if (res) {
      const r = `${at}.response`;
      need(res, 'status', 'number', r);
      need(res, 'statusText', 'string', r);
      need(res, 'httpVersion', 'string', r);
      need(res, 'cookies', 'array', r);
      nameValues(need(res, 'headers', 'array', r), `${r}.headers`);
      const content = need(res, 'content', 'object', r);
      if (content) {
        need(content, 'size', 'number', `${r}.content`);
        need(content, 'mimeType', 'string', `${r}.content`);
        optional(content, 'text', 'string', `${r}.content`);
      }
      need(res, 'redirectURL', 'string', r);
      need(res, 'headersSize', 'number', r);
      need(res, 'bodySize', 'number', r);
    }
    need(e, 'cache', 'object', at);
    const t = need(e, 'timings', 'object', at);
    if (t) {
      for (const k of ['send', 'wait', 'receive']) {
        const v = need(t, k, 'number', `${at}.timings`);
        if (typeof v === 'number' && v < 0) errs.push(`${at}.timings.${k}: negative`);
      }
      for (const k of ['blocked', 'dns', 'connect', 'ssl']) {
        optional(t, k, 'number', `${at}.timings`);
        const v = (t as Record<string, unknown>)[k];
        if (typeof v === 'number' && v < 0 && v !== -1) errs.push(`${at}.timings.${k}: below -1`);
      }
    }
    optional(e, 'serverIPAddress', 'string', at);
    optional(e, 'connection', 'string', at);
    optional(e, 'comment', 'string', at);
    for (const k of Object.keys(e as object))
      if (
        !k.startsWith('_') &&
        ![
          'pageref',
          'startedDateTime',
          'time',
          'request',
          'response',
          'cache',
          'timings',
          'serverIPAddress',
          'connection',
          'comment',
        ].includes(k)
      )
        errs.push(`${at}.${k}: not a HAR field (custom fields start with _)`);
  });
  return errs;
}
