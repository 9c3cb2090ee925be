/**
 * The only module runtime plugins import (house style B5). A plugin has two scopes, as in
 * Perlbal: `load` once when the config LOADs it, and `register` per service listed in
 * `SET plugins`. Both may return a cleanup function, run on UNLOAD / unregister. Plugins
 * attach behaviour through the service's hooks, whose names are Perlbal's.
 * The config side of a plugin (its commands, tunables, setters) lives in common/config.
 */
export type { ClientHTTPBase, BodySink } from '../client/client-http-base.js';
export type { Service, SelectorFn } from '../service/service.js';
export type { HookRegistry, HandlerHookName, ObserverHookName } from '../hooks/hook-registry.js';
export type { CoreContext, LogLevel } from '../core-context.js';
export { HttpHeaders } from '../http/http-headers.js';
export { adoptClient } from '../roles/selector.js';
export { sendFiles, type FileSegment, type FileTransfer } from '../files/send-file.js';
export { baseAsString, socketFd, type TrackedSocket } from '../socket-registry.js';
export { nowSeconds } from '../util/clock.js';
export type { BackendHTTP } from '../proxy/backend-http.js';
export { ProxyRequest } from '../roles/reverse-proxy/proxy-request.js';
export { isTrusted, observedIp } from '../proxy/trust.js';
// What a plugin serving files from a web_server's docroot needs (Palimg): the web_server's
// own URI decoding, docroot, MIME table lookup, file cache and If-Modified-Since rule, so a
// plugin answers exactly as the web_server would.
export { httpNow, time2str } from '../http/http-date.js';
export { decodeUri } from '../roles/web-server/safe-path.js';
export { docrootOf } from '../roles/web-server/docroot.js';
export { mimeForExtension } from '../roles/web-server/mime.js';
export { cacheable, cachedBody, remember } from '../roles/web-server/file-cache.js';
export { isNotModified } from '../roles/web-server/not-modified.js';

import type { Socket } from 'node:net';
import type { Service } from '../service/service.js';
import type { CoreContext } from '../core-context.js';

export type Cleanup = () => void;

/**
 * Takes over a connection accepted for a role the plugin adds (Perlbal Service::add_role, as
 * EchoService's `echo`): the plugin's own socket class, no HTTP.
 */
export type RoleAcceptor = (svc: Service, socket: Socket, core: CoreContext) => void;

export interface PerlbalPlugin {
  /** Canonical lower-case name, as in `LOAD vhosts` / `SET plugins = vhosts`. */
  readonly name: string;
  /** LOAD: global set-up (Perlbal Plugin->load). */
  load?(core: CoreContext): Cleanup | void;
  /** SET plugins: per-service set-up (Perlbal Plugin->register). Owner name for hooks = `name`. */
  register?(svc: Service, core: CoreContext): Cleanup | void;
  /** Roles this plugin adds while LOADed, with the handler for their connections. */
  readonly roles?: Readonly<Record<string, RoleAcceptor>>;
  /**
   * Management commands that report plugin state (Perlbal manage_command.<verb> hooks that
   * print, like Stats' `stats`): verb -> output lines including the final `.`.
   */
  readonly manageCommands?: Readonly<Record<string, (line: string, core: CoreContext) => string[]>>;
}
