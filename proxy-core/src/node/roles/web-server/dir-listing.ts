/**
 * The HTML of a directory listing (Perlbal try_index_files with dirindexing on): the same
 * shape, order and entries as Perlbal (`.` and `..` included, byte order), but with names
 * HTML-escaped and hrefs percent-encoded. Perlbal pasted raw names into the page, so a file
 * called `<script>...` ran in the browser and `a'b.txt` broke its own link.
 */

export interface ListingEntry {
  name: string;
  isDir: boolean;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Percent-encode one path segment; `'` too, since the hrefs are single-quoted. */
function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** Percent-encode a path, keeping its slashes. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeSegment).join('/');
}

/**
 * The listing page. `uri` is the decoded directory URI with exactly one trailing slash;
 * `entries` are already sorted. There is no newline after `</body></html>` (Perlbal).
 */
export function renderListing(uri: string, entries: readonly ListingEntry[]): string {
  const base = escapeHtml(encodePath(uri));
  let body = '<html><body>';
  for (const e of entries) {
    const href = base + escapeHtml(encodeSegment(e.name));
    const text = escapeHtml(e.name);
    body += e.isDir
      ? `<b><a href='${href}/'>${text}</a></b><br />\n`
      : `<a href='${href}'>${text}</a><br />\n`;
  }
  return body + '</body></html>';
}

/** Sort names as Perl's `sort` does on byte strings: by their UTF-8 bytes. */
export function sortNames(names: Buffer[]): Buffer[] {
  return names.sort(Buffer.compare);
}
