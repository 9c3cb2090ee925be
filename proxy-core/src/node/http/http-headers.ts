/**
 * An HTTP request or response head (Perlbal::HTTPHeaders): first line plus headers in
 * first-occurrence order, looked up case-insensitively, serialised exactly as Perlbal does.
 * Setting a header to undefined deletes it but keeps its slot, so setting it again puts it
 * back in the same position (Perlbal relies on that for Connection and Keep-Alive).
 */
import { perlbalStatusText } from '../../common/http/status-text.js';

export class HttpHeaders {
  /** `GET`, ... for requests; null for responses. */
  method: string | null = null;
  /** Request URI as sent (not decoded); null for responses. */
  uri: string | null = null;
  /** major * 1000 + minor, as Perlbal's vernum (1.1 -> 1001). */
  versionNumber = 1000;
  /** Response code; 0 for requests. */
  code = 0;
  /** Response reason text (may be empty). */
  reason = '';
  #firstLine: string;
  /** Lower-case names in slot order. */
  readonly #keys: string[] = [];
  /** Name as first written, per slot. */
  readonly #names: string[] = [];
  /** Value per slot; undefined = deleted (slot kept). Set-Cookie holds several values. */
  readonly #values: Array<string | string[] | undefined> = [];

  private constructor(firstLine: string) {
    this.#firstLine = firstLine;
  }

  /** A request head from llhttp's flat [name, value, ...] list (duplicates merged as Perlbal does). */
  static request(method: string, uri: string, major: number, minor: number, raw: string[]): HttpHeaders {
    const h = new HttpHeaders(`${method} ${uri} HTTP/${major}.${minor}`);
    h.method = method;
    h.uri = uri;
    h.versionNumber = major * 1000 + minor;
    h.#addRaw(raw);
    return h;
  }

  /** A response head from a backend (keeps its reason text, which may be empty). */
  static response(code: number, reason: string, major: number, minor: number, raw: string[]): HttpHeaders {
    const h = new HttpHeaders(`HTTP/${major}.${minor} ${code} ${reason}`);
    h.code = code;
    h.reason = reason;
    h.versionNumber = major * 1000 + minor;
    h.#addRaw(raw);
    return h;
  }

  /** A response Perlbal itself generates: always HTTP/1.0 with Perlbal's reason table. */
  static newResponse(code: number, reason = perlbalStatusText(code)): HttpHeaders {
    const h = new HttpHeaders(`HTTP/1.0 ${code} ${reason}`);
    h.code = code;
    h.reason = reason;
    return h;
  }

  get firstLine(): string {
    return this.#firstLine;
  }

  /** `1.0`-style version string. */
  get version(): string {
    return `${Math.floor(this.versionNumber / 1000)}.${this.versionNumber % 1000}`;
  }

  #addRaw(raw: string[]): void {
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      const value = raw[i + 1] ?? '';
      const key = name.toLowerCase();
      const slot = this.#keys.indexOf(key);
      if (slot === -1) {
        this.#keys.push(key);
        this.#names.push(name);
        this.#values.push(key === 'set-cookie' ? [value] : value);
        continue;
      }
      const prev = this.#values[slot];
      // Perlbal merges repeats as "v1, v2" except Set-Cookie, which it keeps as separate lines.
      if (Array.isArray(prev)) prev.push(value);
      else this.#values[slot] = prev === undefined ? value : `${prev}, ${value}`;
    }
  }

  /** Value of a header (case-insensitive); Set-Cookie values joined by ', '. */
  header(name: string): string | undefined {
    const slot = this.#keys.indexOf(name.toLowerCase());
    if (slot === -1) return undefined;
    const v = this.#values[slot];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  /** Set (or with undefined, delete) a header, keeping an existing slot's position. */
  setHeader(name: string, value: string | number | undefined): void {
    const key = name.toLowerCase();
    const slot = this.#keys.indexOf(key);
    const v = value === undefined ? undefined : String(value);
    if (slot !== -1) {
      this.#values[slot] = v;
      return;
    }
    if (v === undefined) return;
    this.#keys.push(key);
    this.#names.push(name);
    this.#values.push(v);
  }

  /** Live headers as [name, value] pairs in order (Set-Cookie expanded). */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 0; i < this.#keys.length; i++) {
      const v = this.#values[i];
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const one of v) out.push([this.#names[i]!, one]);
      else out.push([this.#names[i]!, v]);
    }
    return out;
  }

  /** Rewrite the request URI (Perlbal set_request_uri), keeping method and version. */
  setRequestUri(uri: string): void {
    if (this.method === null || uri === '') return;
    this.uri = uri;
    this.#firstLine = `${this.method} ${uri} HTTP/${this.version}`;
  }

  /** Force the version on the first line (Perlbal set_version; responses to clients are 1.0). */
  setVersion(version: '1.0' | '1.1'): void {
    const [maj, min] = version.split('.').map(Number) as [number, number];
    this.versionNumber = maj * 1000 + min;
    if (this.method !== null) this.#firstLine = `${this.method} ${this.uri} HTTP/${version}`;
    // Perlbal _codetext: an empty reason from a backend is replaced by Perlbal's own text.
    else this.#firstLine = `HTTP/${version} ${this.code} ${this.reason || perlbalStatusText(this.code)}`;
  }

  /** Change the response code; the reason follows Perlbal's table unless given. */
  setCode(code: number, reason = perlbalStatusText(code)): void {
    this.code = code;
    this.reason = reason;
    this.#firstLine = `HTTP/${this.version} ${code} ${reason}`;
  }

  clone(): HttpHeaders {
    const h = new HttpHeaders(this.#firstLine);
    h.method = this.method;
    h.uri = this.uri;
    h.versionNumber = this.versionNumber;
    h.code = this.code;
    h.reason = this.reason;
    h.#keys.push(...this.#keys);
    h.#names.push(...this.#names);
    for (const v of this.#values) h.#values.push(Array.isArray(v) ? [...v] : v);
    return h;
  }

  /** The head as Perlbal writes it: first line, `Name: value` lines, blank line. */
  toString(): string {
    let s = this.#firstLine + '\r\n';
    for (let i = 0; i < this.#keys.length; i++) {
      const v = this.#values[i];
      if (v === undefined) continue;
      const name = this.#names[i]!;
      if (Array.isArray(v)) for (const one of v) s += `${name}: ${one}\r\n`;
      else s += `${name}: ${v}\r\n`;
    }
    return s + '\r\n';
  }

  /**
   * Perlbal req_keep_alive: does this request want keep-alive, and is `res` delimitable
   * (Content-Length, 304, 204, or a HEAD request)?
   */
  reqKeepAlive(res: HttpHeaders): boolean {
    const conn = (this.header('Connection') ?? '').toLowerCase();
    if (this.versionNumber < 1001 && !/\bkeep-alive\b/.test(conn)) return false;
    if (/\bclose\b/.test(conn)) return false;
    return (
      res.header('Content-Length') !== undefined ||
      res.code === 304 ||
      res.code === 204 ||
      this.method === 'HEAD'
    );
  }

  /** Perlbal res_keep_alive: may the connection stay open after this response? */
  resKeepAlive(req: HttpHeaders | null, isOptions = false): boolean {
    const conn = (this.header('Connection') ?? '').toLowerCase();
    if (/\bclose\b/.test(conn)) return false;
    if (this.versionNumber >= 1001) return true;
    if (!/\bkeep-alive\b/.test(conn)) return false;
    return (
      isOptions ||
      this.header('Content-Length') !== undefined ||
      req?.method === 'HEAD' ||
      this.code === 304 ||
      this.code === 204
    );
  }
}
