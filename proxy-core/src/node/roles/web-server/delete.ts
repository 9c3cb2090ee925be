/**
 * DELETE (Perlbal ClientHTTP::handle_delete): unlink `docroot/uri` for a conservative raw
 * URI. 204 when done, 404 when missing, else 400 with the errno text ("Is a directory").
 */
import fs from 'node:fs';
import { docrootOf } from './docroot.js';
import type { ClientHTTPBase } from '../../client/client-http-base.js';
import { errnoText } from './errno-text.js';
import { validDeleteUri } from './put-target.js';
import { createsInside } from './safe-path.js';
import { SYMLINK_OUTSIDE } from './static-file.js';

export function handleDelete(client: ClientHTTPBase): void {
  const svc = client.service;
  if (!svc.bool('enable_delete')) return client.sendResponse(403);
  const uri = client.reqHeaders!.uri!;
  if (!validDeleteUri(uri)) return client.sendResponse(400, 'Invalid filename');
  // Perlbal would unlink below `/` with no docroot.
  const docroot = docrootOf(svc);
  if (!docroot) return client.sendResponse(500, 'Docroot unconfigured');
  const target = docroot + '/' + uri;
  // Removing a symlink only removes the link; what matters is the directory it sits in.
  const parent = target.slice(0, target.lastIndexOf('/'));
  if (svc.bool('restrict_symlinks') && !createsInside(docroot, parent)) {
    return client.sendResponse(403, SYMLINK_OUTSIDE);
  }
  try {
    fs.unlinkSync(target);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return client.sendResponse(404);
    return client.sendResponse(400, errnoText(err));
  }
  client.sendResponse(204);
}
