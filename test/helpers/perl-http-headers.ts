/**
 * The parts of Perl's HTTP::Headers (libwww) that Perlbal's test backend relies on: parsing a
 * request head as HTTP::Request->parse does, case-insensitive `header()` lookup, and
 * `as_string`, whose ordering and capitalisation `reflect_request_headers` bodies show.
 */

/** HTTP::Headers' "good practice" order: general, request, response, then entity headers. */
const HEADER_ORDER = [
  'Cache-Control', 'Connection', 'Date', 'Pragma', 'Trailer', 'Transfer-Encoding', 'Upgrade',
  'Via', 'Warning',
  'Accept', 'Accept-Charset', 'Accept-Encoding', 'Accept-Language', 'Authorization', 'Expect',
  'From', 'Host', 'If-Match', 'If-Modified-Since', 'If-None-Match', 'If-Range',
  'If-Unmodified-Since', 'Max-Forwards', 'Proxy-Authorization', 'Range', 'Referer', 'TE',
  'User-Agent',
  'Accept-Ranges', 'Age', 'ETag', 'Location', 'Proxy-Authenticate', 'Retry-After', 'Server',
  'Vary', 'WWW-Authenticate',
  'Allow', 'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Location',
  'Content-MD5', 'Content-Range', 'Content-Type', 'Expires', 'Last-Modified',
];
const ORDER = new Map(HEADER_ORDER.map((h, i) => [h.toLowerCase(), i + 1]));
const STANDARD_CASE = new Map(HEADER_ORDER.map((h) => [h.toLowerCase(), h]));

export class PerlHeaders {
  /** lower-cased name -> values in arrival order (HTTP::Headers PUSH semantics). */
  readonly #fields = new Map<string, string[]>();
  /** Capitalisation made from the first spelling of an unknown name (`::std_case`). */
  readonly #stdCase = new Map<string, string>();

  /** HTTP::Request->parse: drop the request line, then HTTP::Message's header loop. */
  static parseRequest(head: string): PerlHeaders {
    const nl = head.indexOf('\n');
    let rest = nl === -1 ? '' : head.slice(nl + 1);
    const out = new PerlHeaders();
    let last: [string, number] | null = null;
    // Perl's `.` matches \r and JavaScript's does not, hence [^\n] below.
    for (;;) {
      const field = /^([^\s:]+)[ \t]*: ?([^\n]*)\n?/.exec(rest);
      if (field) {
        rest = rest.slice(field[0].length);
        last = out.#push(field[1]!, field[2]!.replace(/\r$/, ''));
        continue;
      }
      const cont = last ? /^([ \t][^\n]*)\n?/.exec(rest) : null;
      if (!cont || !last) break;
      rest = rest.slice(cont[0].length);
      const values = out.#fields.get(last[0])!;
      values[last[1]] = `${values[last[1]]!}\n${cont[1]!}`.replace(/\r$/, '');
    }
    return out;
  }

  #push(name: string, value: string): [string, number] {
    const lc = name.toLowerCase();
    if (!STANDARD_CASE.has(lc) && !this.#stdCase.has(lc)) {
      this.#stdCase.set(lc, name.replace(/\b(\w)/g, (c) => c.toUpperCase()));
    }
    const values = this.#fields.get(lc) ?? [];
    values.push(value);
    this.#fields.set(lc, values);
    return [lc, values.length - 1];
  }

  /** `$h->header($name)` in scalar context: the values joined with ", ", or undefined. */
  get(name: string): string | undefined {
    const values = this.#fields.get(name.toLowerCase());
    return values ? values.join(', ') : undefined;
  }

  /** `$h->as_string`: sorted by the good-practice order, then by lower-cased name; "\n" ends. */
  asString(): string {
    const keys = [...this.#fields.keys()].sort(
      (a, b) => (ORDER.get(a) ?? 999) - (ORDER.get(b) ?? 999) || (a < b ? -1 : a > b ? 1 : 0),
    );
    const lines: string[] = [];
    for (const key of keys) {
      const name = STANDARD_CASE.get(key) ?? this.#stdCase.get(key) ?? key;
      for (const v of this.#fields.get(key)!) lines.push(`${name}: ${foldNewlines(v)}`);
    }
    return lines.map((l) => `${l}\n`).join('');
  }
}

/** HTTP::Headers::_process_newline, for values that arrived with continuation lines. */
function foldNewlines(value: string): string {
  if (!value.includes('\n')) return value;
  return value
    .replace(/\s+$/, '')
    .replace(/\n(\r?\n)+/g, '\n')
    .replace(/\n([^ \t])/g, '\n $1');
}
