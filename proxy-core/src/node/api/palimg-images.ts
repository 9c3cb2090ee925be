/**
 * The palimg preview's file access: list the images under each palimg-enabled web_server's
 * `DOCROOT/palimg/`, and read one of them. Reading uses the web_server's own path rules
 * (safe-path.ts), so the UI can read nothing the service itself would not serve: no `..`
 * segments, backslashes or NULs, only `/palimg/...{gif,png}`, and with `restrict_symlinks` on
 * the real path must stay inside the docroot.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PalimgImage, PalimgImageData } from '../../common/api/palimg.js';
import { PerlbalError } from '../../common/errors.js';
import type { ProxyCore } from '../core.js';
import { docrootOf } from '../roles/web-server/docroot.js';
import { perlbalBogusUrl, resolvesInside, unsafePath } from '../roles/web-server/safe-path.js';
import type { Service } from '../service/service.js';
import { checkName } from './core-commands.js';
import { serviceOrigin } from './palimg-origin.js';

/** Bounds on the walk, so a huge or looping docroot can't stall the core. */
const MAX_IMAGES = 1000;
const MAX_DEPTH = 8;
/** Palette images are small; anything bigger is not worth sending over the bridge. */
export const MAX_PREVIEW_BYTES = 4 * 1024 * 1024;

const IMAGE = /\.(gif|png)$/i;

/** Web_server services that run palimg, with their docroot. */
function palimgServices(core: ProxyCore): Array<{ svc: Service; docroot: string }> {
  const out: Array<{ svc: Service; docroot: string }> = [];
  for (const m of core.model.services) {
    if (m.role !== 'web_server' || !m.plugins.includes('palimg')) continue;
    const svc = core.service(m.name);
    const docroot = svc ? docrootOf(svc) : null;
    if (svc && docroot) out.push({ svc, docroot });
  }
  return out;
}

/** Every palimg image, sorted by service then path (symlinks are not followed). */
export async function listPalimgImages(core: ProxyCore): Promise<PalimgImage[]> {
  const out: PalimgImage[] = [];
  for (const { svc, docroot } of palimgServices(core)) {
    const origin = serviceOrigin(core, svc.name);
    const walk = async (dir: string, urlPath: string, depth: number): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return; // no palimg folder (yet), or unreadable: nothing to list
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const e of entries) {
        if (out.length >= MAX_IMAGES) return;
        const full = path.join(dir, e.name);
        const url = `${urlPath}/${e.name}`;
        if (e.isDirectory() && depth < MAX_DEPTH) await walk(full, url, depth + 1);
        else if (e.isFile() && IMAGE.test(e.name) && !unsafePath(url)) {
          const st = await fs.stat(full).catch(() => null);
          if (st) out.push({ service: svc.name, path: url, origin, size: st.size });
        }
      }
    };
    await walk(path.join(docroot, 'palimg'), '/palimg', 0);
  }
  return out;
}

const invalid = (message: string): PerlbalError =>
  new PerlbalError('PB_ERR_API_INVALID_ARGUMENT', message);

/** The bytes of `/palimg/...` on `service`, refused exactly where the web_server would refuse. */
export async function readPalimgImage(
  core: ProxyCore,
  service: unknown,
  urlPath: unknown,
): Promise<PalimgImageData> {
  const name = checkName('service', service);
  if (typeof urlPath !== 'string' || urlPath.length > 4096)
    throw invalid(`Not an image path: ${JSON.stringify(urlPath)}`);
  const found = palimgServices(core).find((x) => x.svc.name === name);
  if (!found)
    throw new PerlbalError(
      'PB_ERR_API_NOT_FOUND',
      `There is no web_server '${name}' with the palimg plugin`,
    );
  if (!urlPath.startsWith('/palimg/') || perlbalBogusUrl(urlPath) || unsafePath(urlPath))
    throw invalid(`Not a path under the docroot's palimg folder: ${JSON.stringify(urlPath)}`);
  if (!IMAGE.test(urlPath)) throw invalid('Palimg recolours only .png and .gif files');
  const file = found.docroot + urlPath;
  const st = await fs.stat(file).catch(() => null);
  if (!st || !st.isFile())
    throw new PerlbalError('PB_ERR_API_NOT_FOUND', `No image ${urlPath} on '${name}'`);
  if (found.svc.bool('restrict_symlinks') && !resolvesInside(found.docroot, file))
    throw invalid(`${urlPath} leads outside the docroot (restrict_symlinks is on)`);
  if (st.size > MAX_PREVIEW_BYTES)
    throw invalid(`${urlPath} is over ${MAX_PREVIEW_BYTES / 1024 / 1024} MiB: too big to preview`);
  const bytes = await fs.readFile(file);
  return { service: name, path: urlPath, base64: bytes.toString('base64') };
}
