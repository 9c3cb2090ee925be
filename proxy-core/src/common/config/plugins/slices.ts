/**
 * The plain-JSON shapes plugins keep under `service.pluginConfig[<plugin>]` (and, for
 * Cgilike's PERLREQUIRE, `model.pluginGlobals.cgilike`). Exported for the runtime.
 */
import type { ServiceModel } from '../model.js';

/** `VHOST <pattern> = <target>`, in definition order; redefining a pattern replaces it in place. */
export interface VhostsSlice {
  hosts: Array<{ pattern: string; target: string }>;
}

/** `VPATH <regex> = <target>`, first match wins (regex text as Perl sees it, lower-cased). */
export interface VpathsSlice {
  paths: Array<{ regex: string; target: string }>;
}

export interface AccessRule {
  action: 'allow' | 'deny' | 'queue_low';
  type: 'ip' | 'netmask';
  /** The IP string compared exactly, or `base/bits`; null when the line gave no value. */
  value: string | null;
}

/** ACCESS rules in order (first match decides), the policy, and the use_observed_ip setter. */
export interface AccessControlSlice {
  policy: 'allow' | 'deny';
  rules: AccessRule[];
  useObservedIp: boolean;
}

/** `REDIRECT HOST <match> <target>`, both lower-cased; redefining replaces in place. */
export interface RedirectSlice {
  hosts: Array<{ match: string; target: string }>;
}

/** Highpri's two patterns as Perlbal stores them ('undef', 'none', 'null' disable). */
export interface HighpriSlice {
  uriPattern: string;
  hostPattern: string;
}

/** NotModified's host pattern (null until the setter runs). */
export interface NotModifiedSlice {
  hostPattern: string | null;
}

/** Cgilike's per-service handler (`PERLHANDLER = Pkg::sub`). */
export interface CgilikeSlice {
  handler: string;
}

/** Cgilike's global `PERLREQUIRE = Module` list, in order. */
export interface CgilikeGlobals {
  requires: string[];
}

export interface PluginSlices {
  vhosts: VhostsSlice;
  vpaths: VpathsSlice;
  accesscontrol: AccessControlSlice;
  redirect: RedirectSlice;
  highpri: HighpriSlice;
  notmodified: NotModifiedSlice;
  cgilike: CgilikeSlice;
}

/** The slice of `plugin` on `svc`, or undefined. */
export function getSlice<K extends keyof PluginSlices>(
  svc: ServiceModel,
  plugin: K,
): PluginSlices[K] | undefined {
  return svc.pluginConfig[plugin] as PluginSlices[K] | undefined;
}

/** The slice of `plugin` on `svc`, created with `init` when absent (Perl `||= {}`). */
export function ensureSlice<K extends keyof PluginSlices>(
  svc: ServiceModel,
  plugin: K,
  init: () => PluginSlices[K],
): PluginSlices[K] {
  const existing = getSlice(svc, plugin);
  if (existing !== undefined) return existing;
  const created = init();
  svc.pluginConfig[plugin] = created;
  return created;
}
