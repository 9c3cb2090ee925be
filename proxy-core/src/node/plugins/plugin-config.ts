/**
 * Typed readers for the plugin slices the config language writes into
 * `ServiceModel.pluginConfig` (shapes owned by common/config/plugins/slices.ts).
 */
import type { ServiceModel } from '../../common/config/model.js';
import { getSlice } from '../../common/config/plugins/slices.js';

/** VHOST rules of a selector, in definition order: [pattern, target service]. */
export function vhostRules(model: ServiceModel): Array<[string, string]> {
  return (getSlice(model, 'vhosts')?.hosts ?? []).map((h) => [h.pattern, h.target]);
}
