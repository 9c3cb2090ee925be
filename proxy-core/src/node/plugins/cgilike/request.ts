/**
 * The object a Cgilike handler receives (Perlbal::Plugin::Cgilike::Request), with the Perl
 * method names in camelCase: `uri`, `path`, `pathSegments`, `queryString`, `queryArgs`,
 * `method`, `requestHeader`, `responseHeader`, `responseStatusCode`, `print`, `printf`,
 * `sendResponseHeader`, `responseHeaderSent`, `endResponse`, and the return codes HANDLED,
 * DECLINED and POSTPONE_RESPONSE. As in Perlbal, the response head is `HTTP/1.0 200 OK` plus
 * `Content-type: text/html` unless set, written at the first `print`; there is no
 * Content-Length, so the connection closes after the response.
 */
import { format } from 'node:util';
import { HttpHeaders, type ClientHTTPBase } from '../plugin-api.js';

export const HANDLED = 0;
export const POSTPONE_RESPONSE = -1;
export const DECLINED = -2;

export class CgilikeRequest {
  readonly HANDLED = HANDLED;
  readonly POSTPONE_RESPONSE = POSTPONE_RESPONSE;
  readonly DECLINED = DECLINED;
  readonly #client: ClientHTTPBase;
  #response: HttpHeaders | null = null;
  #headerSent = false;
  #ended = false;

  constructor(client: ClientHTTPBase) {
    this.#client = client;
  }

  /** The request URI as sent (Perl: a URI object; its string form). */
  uri(): string {
    return this.#client.reqHeaders?.uri ?? '';
  }

  /** The path, still %-encoded, without the query (URI->path). */
  path(): string {
    return splitUri(this.uri()).path;
  }

  /** Decoded path segments without the leading empty one (URI->path_segments). */
  pathSegments(): string[] {
    return this.path().split('/').slice(1).map(unescape);
  }

  /** The raw query string, or undefined without a `?` (URI->query). */
  queryString(): string | undefined {
    return splitUri(this.uri()).query;
  }

  /** Decoded `[name, value]` pairs, `&` or `;` separated, `+` as space (URI->query_form). */
  queryArgs(): Array<[string, string]> {
    return queryPairs(this.queryString());
  }

  method(): string {
    return this.#client.reqHeaders?.method ?? '';
  }

  /** A request header's value; without a name, every header as `[name, value]` pairs. */
  requestHeader(): Array<[string, string]>;
  requestHeader(name: string): string | undefined;
  requestHeader(name?: string): string | undefined | Array<[string, string]> {
    const req = this.#client.reqHeaders;
    if (name === undefined) return req?.entries() ?? [];
    return req?.header(name);
  }

  /** Read or (with a value) set a response header (Perl response_header). */
  responseHeader(name: string, value?: string | number): string | undefined {
    const res = this.#head();
    if (value === undefined) return res.header(name);
    res.setHeader(name, value);
    return String(value);
  }

  /** Read or set the status code. */
  responseStatusCode(code?: number): number {
    const res = this.#head();
    if (code !== undefined) res.setCode(code);
    return res.code;
  }

  /** Write the head now (Content-type: text/html unless one was set). */
  sendResponseHeader(): void {
    if (this.#headerSent || this.#ended) return;
    if (this.responseHeader('Content-type') === undefined)
      this.responseHeader('Content-type', 'text/html');
    this.#headerSent = true;
    this.#client.state = 'xfer_resp';
    this.#client.write(this.#head().toString());
  }

  responseHeaderSent(): boolean {
    return this.#headerSent;
  }

  /** Write body text (strings are UTF-8, Buffers as they are); sends the head first. */
  print(...parts: Array<string | Buffer | number>): void {
    if (this.#ended) return;
    this.sendResponseHeader();
    for (const p of parts) this.#client.write(typeof p === 'number' ? String(p) : p);
  }

  printf(fmt: string, ...args: unknown[]): void {
    this.print(format(fmt, ...args));
  }

  /**
   * The response is complete: the connection closes once it is written. Perlbal sent nothing
   * at all when no head had been written; the (empty) 200 head is sent instead.
   */
  endResponse(): void {
    if (this.#ended) return;
    this.sendResponseHeader();
    this.#ended = true;
    this.#client.responseDone();
  }

  get ended(): boolean {
    return this.#ended;
  }

  #head(): HttpHeaders {
    return (this.#response ??= HttpHeaders.newResponse(200));
  }
}

function splitUri(uri: string): { path: string; query: string | undefined } {
  // An absolute request URI (`http://host/x`) has its path after the authority.
  const rel = uri.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const noFragment = rel.split('#', 1)[0]!;
  const q = noFragment.indexOf('?');
  return q === -1
    ? { path: noFragment, query: undefined }
    : { path: noFragment.slice(0, q), query: noFragment.slice(q + 1) };
}

/** Lenient %-decoding: a malformed escape stays as it is (URI::Escape does the same). */
function unescape(s: string): string {
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return Buffer.from(m.replace(/%/g, ''), 'hex').toString('latin1');
    }
  });
}

export function queryPairs(query: string | undefined): Array<[string, string]> {
  if (!query) return [];
  return query
    .split(/[&;]/)
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const [k, v] = eq === -1 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
      return [unescape(k.replace(/\+/g, ' ')), unescape(v.replace(/\+/g, ' '))];
    });
}
