/**
 * LazyCDN (Perlbal::Plugin::LazyCDN): a web_server that serves what it has and hands the rest
 * to `fallback_service` (typically a reverse_proxy to the real origin): files that are
 * missing, and files older than the version a URL asks for (`?v=<epoch>` newer than the
 * mtime). Each hand-off can be announced as a UDP datagram carrying the URI to
 * `fallback_udp_ping_addr`, so a fetcher can fill the local copy.
 *
 * After a handed-off response the connection returns to this web server (Perlbal left it
 * with the fallback service, so every later request on a kept-alive connection was proxied).
 */
import dgram from 'node:dgram';
import {
  adoptClient,
  type ClientHTTPBase,
  type PerlbalPlugin,
  type Service,
} from './plugin-api.js';

const HOOKS = [
  'static_get_poststat_file_missing',
  'concat_get_poststat_file_missing',
  'static_get_poststat_pre_send',
  'concat_get_poststat_pre_send',
] as const;

export const lazyCdnPlugin: PerlbalPlugin = {
  name: 'lazycdn',
  register(svc: Service) {
    let ping: dgram.Socket | null = null;
    const pingSocket = (): dgram.Socket => {
      if (!ping) {
        ping = dgram.createSocket('udp4');
        // A ping is best effort: an unreachable address must not disturb the request.
        ping.on('error', () => {});
        ping.unref();
      }
      return ping;
    };
    const hook = (client: ClientHTTPBase, mtime?: number): boolean =>
      fallBack(client, mtime, pingSocket);
    for (const name of HOOKS) svc.hooks.handle('lazycdn', name, hook);
    return () => ping?.close();
  },
};

/**
 * The hooks: `mtime` is given before a 200 (the file, or the newest of a `??` list) and absent
 * when a file is missing. True once the client belongs to the fallback service.
 */
function fallBack(
  client: ClientHTTPBase,
  mtime: number | undefined,
  pingSocket: () => dgram.Socket,
): boolean {
  const web = client.service;
  const name = web.str('fallback_service');
  const fallback = name ? client.core.service(name) : undefined;
  if (!fallback) return false;
  const uri = client.reqHeaders?.uri ?? '';
  if (mtime !== undefined) {
    const v = /\bv=(\d+)\b/.exec(uri)?.[1];
    // Perl truthiness: "0" asks for no version.
    if (!v || v === '0' || !(Number(v) > mtime)) return false;
  }
  const addr = web.str('fallback_udp_ping_addr');
  if (addr) sendPing(pingSocket(), addr, uri);
  client.selectorSvc ??= web;
  adoptClient(fallback, client);
  return true;
}

/** The address is checked by the config (`a.b.c.d:port`); read per request so SET applies. */
function sendPing(sock: dgram.Socket, addr: string, uri: string): void {
  const colon = addr.lastIndexOf(':');
  sock.send(Buffer.from(uri, 'latin1'), Number(addr.slice(colon + 1)), addr.slice(0, colon));
}
