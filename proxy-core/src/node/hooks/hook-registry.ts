/**
 * Per-service hooks (Perlbal Service::register_hook / run_hook / run_hooks). Handler hooks
 * run in registration order until one returns true ("I took over the request"); observer
 * hooks all run and their results are ignored. Each hook is recorded with its owner so that
 * `unregisterOwner('palimg')` removes everything a plugin added, as Perlbal's
 * unregister_hooks does. Names are Perlbal's, so a Perlbal plugin ports line by line.
 */
import { PerlbalError } from '../../common/errors.js';

/** Handler hooks: first `true` wins. The argument list is the Perlbal call's. */
export const HANDLER_HOOKS = [
  'start_http_request',
  'start_proxy_request',
  'start_web_request',
  'proxy_read_request',
  'make_high_priority',
  'make_low_priority',
  'backend_client_assigned',
  'backend_write_verify',
  'backend_readable_verify',
  'backend_response_received',
  'modify_response_headers',
  'prepend_body',
  'reproxy_response_received',
  'start_file_reproxy',
  'start_serve_request',
  'static_get_poststat_file_missing',
  'static_get_poststat_pre_send',
  'concat_get_poststat_file_missing',
  'concat_get_poststat_pre_send',
  'start_send_file',
  'reproxy_fh_finished',
  'handle_put',
  'put_writeout',
  'return_to_base',
] as const;

/** Observer ("general") hooks: all run. */
export const OBSERVER_HOOKS = ['end_proxy_request'] as const;

export type HandlerHookName = (typeof HANDLER_HOOKS)[number];
export type ObserverHookName = (typeof OBSERVER_HOOKS)[number];
export type HookName = HandlerHookName | ObserverHookName;

// Hooks receive the same objects Perlbal passes (client, backend, a box for `\$uri`).
// They are typed loosely here; each call site documents its arguments.
export type HookFn = (...args: never[]) => unknown;

interface Registered {
  owner: string;
  fn: (...args: unknown[]) => unknown;
}

const KNOWN = new Set<string>([...HANDLER_HOOKS, ...OBSERVER_HOOKS]);

export class HookRegistry {
  readonly #hooks = new Map<string, Registered[]>();

  /** Register a handler hook (Perlbal register_hook used with run_hook). */
  handle(owner: string, name: HandlerHookName, fn: HookFn): void {
    this.#add(owner, name, fn);
  }

  /** Register an observer hook (Perlbal register_hook used with run_hooks). */
  observe(owner: string, name: ObserverHookName, fn: HookFn): void {
    this.#add(owner, name, fn);
  }

  #add(owner: string, name: string, fn: HookFn): void {
    if (!KNOWN.has(name)) {
      throw new PerlbalError('PB_ERR_HOOK_UNKNOWN', `unknown hook '${name}'`, { hook: name });
    }
    if (typeof fn !== 'function') {
      throw new PerlbalError('PB_ERR_HOOK_INVALID_HANDLER', `hook '${name}' needs a function`, { hook: name });
    }
    const list = this.#hooks.get(name) ?? [];
    list.push({ owner, fn: fn as (...args: unknown[]) => unknown });
    this.#hooks.set(name, list);
  }

  /** True when at least one hook of that name is registered (skip work on the hot path). */
  has(name: HookName): boolean {
    const list = this.#hooks.get(name);
    return list !== undefined && list.length > 0;
  }

  /** Perlbal run_hook: call until one returns true; returns whether one did. */
  run(name: HandlerHookName, ...args: unknown[]): boolean {
    const list = this.#hooks.get(name);
    if (!list) return false;
    for (const h of list) if (h.fn(...args)) return true;
    return false;
  }

  /** Perlbal run_hooks: call all, ignore results. */
  runAll(name: ObserverHookName, ...args: unknown[]): void {
    const list = this.#hooks.get(name);
    if (!list) return;
    for (const h of list) h.fn(...args);
  }

  /** Perlbal unregister_hooks(owner). */
  unregisterOwner(owner: string): void {
    for (const [name, list] of this.#hooks) {
      const kept = list.filter((h) => h.owner !== owner);
      if (kept.length) this.#hooks.set(name, kept);
      else this.#hooks.delete(name);
    }
  }
}
