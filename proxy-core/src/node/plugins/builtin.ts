/**
 * The built-in runtime plugins (Caddy's modules/standard idea): the core reaches plugins
 * only through this list. A plugin the config language knows but that has no runtime part
 * here is accepted by LOAD and SET plugins, and the core logs that it has no effect.
 */
import type { PerlbalPlugin } from './plugin-api.js';
import { vhostsPlugin } from './vhosts.js';
import { vpathsPlugin } from './vpaths.js';
import { palimgPlugin } from './palimg.js';
import { maxContentLengthPlugin } from './max-content-length.js';
import { xffExtrasPlugin } from './xff-extras.js';
import { autoRemoveLeadingDirPlugin } from './auto-remove-leading-dir.js';
import { lazyCdnPlugin } from './lazy-cdn.js';
import { cgilikePlugin } from './cgilike/cgilike.js';
import { echoServicePlugin } from './echo-service.js';
import { flvStreamingPlugin } from './flv-streaming.js';
import { accessControlPlugin } from './access-control.js';
import { statsPlugin } from './stats.js';
import { queuesPlugin } from './queues.js';
import { highpriPlugin } from './highpri.js';
import { includePlugin } from './include.js';
import { redirectPlugin } from './redirect.js';
import { notModifiedPlugin } from './not-modified.js';
import { throttlePlugin } from './throttle/throttle.js';

export const BUILTIN_PLUGINS: ReadonlyMap<string, PerlbalPlugin> = new Map(
  [
    vhostsPlugin,
    vpathsPlugin,
    palimgPlugin,
    maxContentLengthPlugin,
    xffExtrasPlugin,
    autoRemoveLeadingDirPlugin,
    lazyCdnPlugin,
    cgilikePlugin,
    echoServicePlugin,
    flvStreamingPlugin,
    accessControlPlugin,
    statsPlugin,
    queuesPlugin,
    highpriPlugin,
    includePlugin,
    redirectPlugin,
    notModifiedPlugin,
    throttlePlugin,
  ].map((p) => [p.name, p]),
);
