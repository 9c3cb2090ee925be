/**
 * Cgilike (Perlbal::Plugin::Cgilike): every request of the service goes to a handler
 * function first, CGI-style. The handler is a JavaScript function named the Perl way
 * (`PERLHANDLER = My::App::handler`, see handler-module.ts). What it returns decides, as in
 * Perlbal: HANDLED (0, or nothing) ends the response; DECLINED (-2) lets the service handle
 * the request as usual; POSTPONE_RESPONSE (-1) keeps the connection until the handler calls
 * `endResponse()`; any other number N is answered with Perlbal's `N` page. A handler may also
 * return a promise, which counts as postponed and is settled like a plain return.
 */
import type { ClientHTTPBase, PerlbalPlugin, Service } from '../plugin-api.js';
import { getSlice } from '../../../common/config/plugins/slices.js';
import type { CgilikeGlobals } from '../../../common/config/plugins/slices.js';
import { requireModule, resolveHandler, searchPath, type HandlerFn } from './handler-module.js';
import { CgilikeRequest, DECLINED, HANDLED, POSTPONE_RESPONSE } from './request.js';

export const cgilikePlugin: PerlbalPlugin = {
  name: 'cgilike',
  register(svc: Service, core) {
    const dirs = searchPath(svc.baseDir);
    // PERLREQUIRE modules are loaded for their side effects, as Perl's require does.
    const globals = core.model.pluginGlobals?.['cgilike'] as CgilikeGlobals | undefined;
    for (const name of globals?.requires ?? []) {
      const loaded = requireModule(name, dirs);
      if (loaded instanceof Error)
        core.log('error', `cgilike: PERLREQUIRE = ${name}: ${loaded.message}`);
    }
    const spec = getSlice(svc.model, 'cgilike')?.handler ?? null;
    const handler = spec === null ? null : resolveHandler(spec, dirs);
    if (handler instanceof Error)
      core.log('error', `cgilike: service '${svc.name}': ${handler.message}`);
    svc.hooks.handle('cgilike', 'start_http_request', (client: ClientHTTPBase) =>
      handleRequest(client, handler),
    );
  },
};

/** The start_http_request hook (Perlbal handle_request); true when Cgilike answers. */
function handleRequest(client: ClientHTTPBase, handler: HandlerFn | Error | null): boolean {
  if (!client.reqHeaders) return false;
  if (handler === null) {
    client.sendResponse(500, 'No perlhandler is configured for this service');
    return true;
  }
  if (handler instanceof Error) {
    client.sendResponse(500, `Error in handler: ${handler.message}`);
    return true;
  }
  const req = new CgilikeRequest(client);
  let ret: unknown;
  try {
    ret = handler(req);
  } catch (e) {
    return failed(client, req, e);
  }
  if (isThenable(ret)) {
    ret.then(
      (value) => settle(client, req, value, true),
      (e: unknown) => failed(client, req, e),
    );
    return true;
  }
  return settle(client, req, ret, false);
}

/** Act on a handler's return value; false only for DECLINED from a synchronous handler. */
function settle(
  client: ClientHTTPBase,
  req: CgilikeRequest,
  ret: unknown,
  async: boolean,
): boolean {
  if (client.closed || req.ended) return true;
  // Perl's `$ret == 0`: undef and non-numbers are 0, i.e. HANDLED.
  const code = typeof ret === 'number' ? Math.trunc(ret) : Number(ret) || HANDLED;
  if (code === HANDLED) {
    req.endResponse();
    return true;
  }
  if (code === POSTPONE_RESPONSE) return true;
  if (code === DECLINED) {
    if (!async) return false;
    // The default handling has been skipped by then: there is nothing to decline to.
    return failed(client, req, new Error('an asynchronous handler returned DECLINED'));
  }
  if (req.responseHeaderSent()) {
    client.core.log('error', `cgilike: handler returned ${code} after sending output; closing`);
    client.close('cgilike_bad_return');
    return true;
  }
  client.sendResponse(code, String(code));
  return true;
}

/**
 * A handler that throws gets Perlbal's 500 "Error in handler: ..." (and the stack in the
 * log). Once output has started a 500 can't be sent (Perlbal appended one to the body), so
 * the connection closes instead.
 */
function failed(client: ClientHTTPBase, req: CgilikeRequest, e: unknown): true {
  const message = e instanceof Error ? e.message : String(e);
  client.core.log(
    'error',
    `cgilike: handler failed: ${e instanceof Error ? (e.stack ?? message) : message}`,
  );
  if (client.closed || req.ended) return true;
  if (req.responseHeaderSent()) client.close('cgilike_handler_error');
  else client.sendResponse(500, `Error in handler: ${message}`);
  return true;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | null)?.then === 'function';
}
