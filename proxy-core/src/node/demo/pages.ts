/**
 * The demo journal's pages: the front page (recent entries, what the backend received, and
 * palimg's recoloured images from the stat host), a journal, the "post an entry" form with an
 * upload progress bar fed by Perlbal's upload tracker (`/__upload_status`, LiveJournal's
 * protocol), and the not-found page.
 */
import { esc, page, statHost, type PageContext } from './layout.js';
import { USERS, type Entry, type User } from './journal-store.js';

function photoSrc(e: Entry): string | null {
  if (!e.photo) return null;
  return e.photo.kind === 'demo' ? `/photo/${encodeURIComponent(e.photo.name)}` : `/photo/upload/${encodeURIComponent(e.photo.name)}`;
}

function entryCard(e: Entry): string {
  const src = photoSrc(e);
  const when = e.time.toISOString().replace('T', ' ').slice(0, 16);
  return `<article class="card entry">
<a href="/~${esc(e.user)}/"><img class="pic" src="/userpic/${esc(e.user)}" width="100" height="100" alt="${esc(e.user)}'s userpic"></a>
<div>
<h2>${esc(e.subject || '(no subject)')}</h2>
<div class="meta"><a href="/~${esc(e.user)}/">${esc(e.user)}</a> &middot; ${esc(when)} UTC</div>
<div>${esc(e.body).replace(/\n/g, '<br>')}</div>
${src ? `<img class="photo" src="${src}" alt="photo">` : ''}
</div>
</article>`;
}

/**
 * Palimg on the stat host (web_stat has `SET plugins = palimg`): `/palimg/<file>/p<spec>`
 * serves a palette image with its palette rewritten. [caption, path] pairs.
 */
export const PALIMG_EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['as it is', '/palimg/frank.png'],
  ['tinted blue: t3c6ea5', '/palimg/frank.png/pt3c6ea5'],
  ['tinted red, green shadows: tc0392b1e4d2b', '/palimg/frank.png/ptc0392b1e4d2b'],
  ['entries 1 and 2 replaced: 1c0392b27b241c', '/palimg/cog.gif/p1c0392b27b241c'],
  ['as it is', '/palimg/bands.png'],
  ['gradient over entries 0 to 7: g00fde3a007453a63', '/palimg/bands.png/pg00fde3a007453a63'],
];

function palimgCard(stat: string): string {
  const figures = PALIMG_EXAMPLES.map(([caption, p]) => {
    const url = `http://${esc(stat)}${esc(p)}`;
    return `<figure><a href="${url}"><img src="${url}" alt="${esc(p)}"></a><figcaption><code>${esc(p)}</code><br>${esc(caption)}</figcaption></figure>`;
  }).join('\n');
  return `<section class="card how">
<strong>Recoloured images (palimg).</strong> The <code>web_stat</code> service on
<a href="http://${esc(stat)}/palimg/">${esc(stat)}</a> has the <code>palimg</code> plugin: a URL
<code>/palimg/&lt;file&gt;/p&lt;spec&gt;</code> gets that palette image (GIF or PNG) with its palette
changed, so one file serves every colour scheme. <code>t</code> tints every colour, hex digit and colour
pairs replace palette entries, <code>g</code> paints a gradient over a range of entries.
<div class="palimg">
${figures}
</div>
</section>`;
}

/** The request line and headers this backend received, in order: what Perlbal sent. */
export interface Received {
  line: string;
  headers: Array<[string, string]>;
}

export function homePage(ctx: PageContext, entries: Entry[], received: Received): string {
  const raw = [received.line, ...received.headers.map(([k, v]) => `${k}: ${v}`)].join('\n');
  const body = `<h1>Recent entries</h1>
<section class="card how">
<strong>How this page got here.</strong> Your browser asked Perlbal for <code>${esc(ctx.host)}</code>;
the selector matched a <code>VHOST</code> rule and handed the request to a <code>reverse_proxy</code>
service, which sent it to this backend on <code>${esc(ctx.backend)}</code>. Userpics come back as
<code>X-REPROXY-FILE</code> (Perlbal sends the file from disk), photos as <code>X-REPROXY-URL</code>
(Perlbal fetches them from the static server). Static files live on
<a href="http://${esc(statHost(ctx.host))}/">${esc(statHost(ctx.host))}</a>. This is the request as the backend received it:
<pre>${esc(raw)}</pre>
</section>
${palimgCard(statHost(ctx.host))}
${entries.map(entryCard).join('\n')}`;
  return page(ctx, 'Recent entries', body);
}

export function journalPage(ctx: PageContext, user: User, entries: Entry[]): string {
  const list = entries.length ? entries.map(entryCard).join('\n') : '<p class="card">No entries yet.</p>';
  return page(ctx, user.title, `<h1>${esc(user.title)}</h1>\n${list}`);
}

/** Polls Perlbal's upload tracker while the form uploads; its answer is not JSON (bare keys). */
const UPLOAD_SCRIPT = `
const form = document.getElementById('post');
form.addEventListener('submit', () => {
  const sess = Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => (b % 36).toString(36)).join('');
  form.action = '/update.bml?client_up_sess=' + sess;
  const bar = document.getElementById('progress');
  const note = document.getElementById('progress-note');
  bar.classList.remove('hidden');
  note.classList.remove('hidden');
  const poll = async () => {
    try {
      const text = await (await fetch('/__upload_status?client_up_sess=' + sess, { cache: 'no-store' })).text();
      const done = /done:(\\d+)/.exec(text);
      const total = /total:(\\d+)/.exec(text);
      if (done && total) {
        bar.max = Number(total[1]);
        bar.value = Number(done[1]);
        note.textContent = 'Uploaded ' + Math.round(done[1] / 1024) + ' of ' + Math.round(total[1] / 1024) + ' KiB (from /__upload_status: ' + text + ')';
      }
    } catch {}
    setTimeout(poll, 500);
  };
  poll();
});
`;

export function updatePage(ctx: PageContext, error = ''): string {
  const options = USERS.map((u) => `<option value="${esc(u.name)}">${esc(u.name)}</option>`).join('');
  const body = `<h1>Post an entry</h1>
${error ? `<p class="card"><strong>${esc(error)}</strong></p>` : ''}
<form id="post" class="card" method="post" action="/update.bml" enctype="multipart/form-data">
<label for="user">Journal</label><select id="user" name="user">${options}</select>
<label for="subject">Subject</label><input id="subject" name="subject" type="text" maxlength="200">
<label for="event">Entry</label><textarea id="event" name="event"></textarea>
<label for="photo">Photo (PNG, GIF or JPEG, up to 10 MiB)</label><input id="photo" name="photo" type="file" accept="image/png,image/gif,image/jpeg">
<button type="submit">Post to journal</button>
<progress id="progress" class="hidden" value="0" max="1"></progress>
<div id="progress-note" class="meta hidden">Starting the upload...</div>
</form>
<p class="how">While the upload runs, the page asks <code>/__upload_status?client_up_sess=...</code>. Perlbal answers
that itself from the progress its <code>upload_tracker</code> service collects, when the reverse proxy has
<code>upload_status_listeners</code> set (the default config does).</p>
<script>${UPLOAD_SCRIPT}</script>`;
  return page(ctx, 'Post an entry', body);
}

export function notFoundPage(ctx: PageContext, path: string): string {
  return page(ctx, 'Not found', `<h1>Not found</h1><p class="card">Nothing at <code>${esc(path)}</code> on this demo journal. Try the <a href="/">front page</a>.</p>`);
}
