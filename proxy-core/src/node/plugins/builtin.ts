/**
 * The built-in runtime plugins (Caddy's modules/standard idea): the core reaches plugins
 * only through this list. A plugin the config language knows but that has no runtime part
 * here is accepted by LOAD and SET plugins, and the core logs that it has no effect.
 */
import type { PerlbalPlugin } from './plugin-api.js';
import { vhostsPlugin } from './vhosts.js';
import { vpathsPlugin } from './vpaths.js';

export const BUILTIN_PLUGINS: ReadonlyMap<string, PerlbalPlugin> = new Map(
  [vhostsPlugin, vpathsPlugin].map((p) => [p.name, p]),
);
