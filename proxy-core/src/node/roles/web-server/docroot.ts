/**
 * The service's docroot as an absolute path (relative docroots are relative to the config
 * file's folder: Service.path), looked up once per config change rather than per request.
 */
import type { ServiceModel } from '../../../common/config/model.js';
import type { Service } from '../../service/service.js';

const cache = new WeakMap<ServiceModel, string | null>();

/** Null when no docroot is configured (Perlbal's "Docroot unconfigured"). */
export function docrootOf(svc: Service): string | null {
  const model = svc.model;
  let root = cache.get(model);
  if (root === undefined) {
    root = svc.path('docroot');
    cache.set(model, root);
  }
  return root;
}
