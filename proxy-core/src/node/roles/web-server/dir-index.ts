/**
 * Directory requests (Perlbal ClientHTTPBase::try_index_files): the index_files are tried in
 * order and the first regular file is served as if requested; otherwise "Directory listing
 * disabled", or with dirindexing the listing page. There is no redirect to add a trailing
 * slash (Perlbal). Unlike Perlbal, the listing body is not sent for HEAD (RFC 9110 9.3.2).
 */
import fs from 'node:fs';
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import type { HttpHeaders } from '../../http/http-headers.js';
import { renderListing, sortNames, type ListingEntry } from './dir-listing.js';
import { resolvesInside } from './safe-path.js';
import { serveRequest, statOrNull } from './static-file.js';

/** The index_files tunable as a list (the model stores lists as arrays). */
function indexFiles(client: ClientHTTPBase): string[] {
  const v = client.service.tunable('index_files');
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * `res` is the 200 head already holding Date, Server and Last-Modified of the directory;
 * `path` is the decoded directory path without its query string.
 */
export function tryIndexFiles(
  client: ClientHTTPBase,
  res: HttpHeaders,
  docroot: string,
  path: string,
): void {
  const restrict = client.service.bool('restrict_symlinks');
  for (const name of indexFiles(client)) {
    const full = docroot + path + '/' + name;
    if (!statOrNull(full)?.isFile()) continue;
    // A symlinked index file that leads outside is skipped, as if it were not there.
    if (restrict && !resolvesInside(docroot, full)) continue;
    client.replacementUri = path + '/' + name;
    return serveRequest(client, client.replacementUri);
  }
  if (!client.service.bool('dirindexing'))
    return client.sendResponse(200, 'Directory listing disabled');
  sendListing(client, res, docroot, path);
}

function sendListing(
  client: ClientHTTPBase,
  res: HttpHeaders,
  docroot: string,
  path: string,
): void {
  // Exactly one trailing slash, for better URLs (Perlbal).
  const uri = path.replace(/\/*$/, '/');
  const body = renderListing(uri, readEntries(docroot + uri));
  res.setHeader('Content-Type', 'text/html');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  client.setupKeepalive(res);
  client.state = 'xfer_resp';
  const head = res.toString();
  client.write(client.reqHeaders!.method === 'HEAD' ? head : head + body);
  client.responseDone();
}

/**
 * `sort readdir` with `.` and `..`, and whether each entry is a directory (following
 * symlinks, as Perl's `-d`). An unreadable directory lists nothing, as in Perlbal.
 */
function readEntries(dir: string): ListingEntry[] {
  let names: Buffer[];
  try {
    names = fs.readdirSync(dir, { encoding: 'buffer' });
  } catch {
    return [];
  }
  names.push(Buffer.from('.'), Buffer.from('..'));
  const dirBytes = Buffer.from(dir);
  return sortNames(names).map((b) => {
    const full = Buffer.concat([dirBytes, b]);
    return { name: b.toString('utf8'), isDir: statOrNull(full)?.isDirectory() ?? false };
  });
}
