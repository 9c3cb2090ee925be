import { describe, expect, it } from 'vitest';
import {
  encodePath,
  escapeHtml,
  renderListing,
  sortNames,
} from '../../../../proxy-core/src/node/roles/web-server/dir-listing.js';

describe('directory listing page', () => {
  it("matches Perlbal's page for plain names", () => {
    const names = sortNames(['zdir', 'one.txt', '..', 'UPPER.PNG', '.'].map((s) => Buffer.from(s)));
    const entries = names.map((b) => ({
      name: b.toString(),
      isDir: ['.', '..', 'zdir'].includes(b.toString()),
    }));
    expect(renderListing('/list/', entries)).toBe(
      "<html><body><b><a href='/list/./'>.</a></b><br />\n" +
        "<b><a href='/list/../'>..</a></b><br />\n" +
        "<a href='/list/UPPER.PNG'>UPPER.PNG</a><br />\n" +
        "<a href='/list/one.txt'>one.txt</a><br />\n" +
        "<b><a href='/list/zdir/'>zdir</a></b><br />\n" +
        '</body></html>',
    );
  });
  it('escapes names in text and percent-encodes them in hrefs', () => {
    const page = renderListing('/a b/', [
      { name: "<img src=x onerror=alert(1)>'.html", isDir: false },
      { name: 'two words.html', isDir: false },
      { name: 'q&a', isDir: true },
    ]);
    expect(page).not.toContain('<img');
    expect(page).toContain(
      "<a href='/a%20b/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%27.html'>&lt;img src=x onerror=alert(1)&gt;&#39;.html</a>",
    );
    expect(page).toContain("<a href='/a%20b/two%20words.html'>two words.html</a>");
    expect(page).toContain("<b><a href='/a%20b/q%26a/'>q&amp;a</a></b>");
  });
  it('sorts by bytes as Perl does', () => {
    const sorted = sortNames(
      ['b', 'B', 'a', '\u00e9', '\uffff', '\u{1F600}', '_'].map((s) => Buffer.from(s)),
    );
    expect(sorted.map((b) => b.toString())).toEqual([
      'B',
      '_',
      'a',
      'b',
      '\u00e9',
      '\uffff',
      '\u{1F600}',
    ]);
  });
  it('helpers', () => {
    expect(escapeHtml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
    expect(encodePath('/a b/c#d/')).toBe('/a%20b/c%23d/');
  });
});
