/**
 * Perlbal's status text table (Perlbal::HTTPHeaders::http_code_english). Codes missing
 * from it get an empty reason, which is why Perlbal writes `HTTP/1.0 413 ` with a trailing
 * space and `<h1>413</h1>` bodies. The nonstandard texts (301, 400, 416) are kept on purpose.
 */
const PERLBAL_STATUS_TEXT: Readonly<Record<number, string>> = Object.freeze({
  200: 'OK',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Permanent Redirect',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not Found',
  416: 'Request range not satisfiable',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
});

/**
 * Codes Perlbal never produced but that Perlbal Desktop sends where it deliberately fixes a
 * silent close (see docs/compatibility.md). They get their RFC 9110 reason text.
 */
const ADDED_STATUS_TEXT: Readonly<Record<number, string>> = Object.freeze({
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
});

/** The reason Perlbal prints for `code`, or '' when its table has none. */
export function perlbalStatusText(code: number): string {
  return PERLBAL_STATUS_TEXT[code] ?? '';
}

/** Reason text for responses Perlbal Desktop adds (Perlbal's table first, then RFC 9110). */
export function statusText(code: number): string {
  return PERLBAL_STATUS_TEXT[code] ?? ADDED_STATUS_TEXT[code] ?? '';
}
