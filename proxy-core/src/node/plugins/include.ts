/**
 * Include (Perlbal::Plugin::Include): `INCLUDE = <glob...>` is handled entirely by the config
 * language (common/config/plugins/command-plugins.ts and apply.ts: each matching file is
 * applied with a fresh, non-verbose context; node-env.ts does the globbing), in a config file
 * and on the management port alike. This runtime entry only marks the plugin as having its
 * effect, so LOAD include is not reported as doing nothing.
 */
import type { PerlbalPlugin } from './plugin-api.js';

export const includePlugin: PerlbalPlugin = { name: 'include' };
