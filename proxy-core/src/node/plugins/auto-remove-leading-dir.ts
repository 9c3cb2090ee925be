/**
 * AutoRemoveLeadingDir (Perlbal::Plugin::AutoRemoveLeadingDir): on a web_server whose
 * docroot ends in `/T`, `/T/x` is served as `/x`. LiveJournal's stylesheets use absolute
 * `/stc/...` URLs that must work both on `stat.` (docroot `.../htdocs/stc`) and on `www.`.
 *
 * Perlbal strips the bare text `/T`, so `/stc-old.css` became `-old.css` and `/stc` became
 * an empty path, both refused as "Bogus URL". Here `/T` is removed only as a whole path
 * segment (followed by `/`, `?` or nothing), and `/T` alone is the docroot itself.
 */
import type { ClientHTTPBase, PerlbalPlugin, Service } from './plugin-api.js';

export const autoRemoveLeadingDirPlugin: PerlbalPlugin = {
  name: 'autoremoveleadingdir',
  register(svc: Service) {
    svc.hooks.handle(
      'autoremoveleadingdir',
      'start_serve_request',
      (client: ClientHTTPBase, uri: { value: string }) => {
        const tail = docrootTail(client.service);
        if (tail) uri.value = removeLeadingDir(uri.value, tail);
        return false;
      },
    );
  },
};

/** The docroot's last component when it is `[\w-]+` (Perlbal's `m!/([\w-]+)/?$!`). */
function docrootTail(svc: Service): string | null {
  const docroot = svc.path('docroot');
  return docroot ? (/\/([\w-]+)\/?$/.exec(docroot)?.[1] ?? null) : null;
}

/** `/stc/img/a.png` -> `/img/a.png`, `/stc?x` -> `/?x`, `/stc` -> `/`; others unchanged. */
export function removeLeadingDir(uri: string, tail: string): string {
  const prefix = `/${tail}`;
  if (!uri.startsWith(prefix)) return uri;
  const rest = uri.slice(prefix.length);
  if (rest === '') return '/';
  if (rest[0] === '/') return rest;
  if (rest[0] === '?') return `/${rest}`;
  return uri;
}
