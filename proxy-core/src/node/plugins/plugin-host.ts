/**
 * Keeps the running plugins in step with the config: LOAD / UNLOAD globally, and per service
 * the `SET plugins` list (Perlbal unregisters every plugin of a service, then registers the
 * new list in order; so do we, whenever the list or the service's role changes).
 */
import type { ConfigModel, ServiceModel } from '../../common/config/model.js';
import { BUILTIN_PLUGINS } from './builtin.js';
import type { Cleanup, CoreContext, RoleAcceptor } from './plugin-api.js';

interface Registration {
  role: string | null;
  plugins: string[];
  cleanups: Cleanup[];
}

export class PluginHost {
  readonly #core: CoreContext;
  readonly #loaded = new Map<string, Cleanup | undefined>();
  readonly #registered = new Map<string, Registration>();
  readonly #warned = new Set<string>();

  constructor(core: CoreContext) {
    this.#core = core;
  }

  /** Bring plugins from the `prev` config's state to `next`'s. */
  sync(_prev: ConfigModel, next: ConfigModel): void {
    for (const name of next.plugins) {
      if (this.#loaded.has(name)) continue;
      const runtime = BUILTIN_PLUGINS.get(name);
      if (!runtime && !this.#warned.has(name)) {
        this.#warned.add(name);
        this.#core.log('info', `plugin '${name}' is loaded but has no runtime effect in this version`);
      }
      this.#loaded.set(name, runtime?.load?.(this.#core) ?? undefined);
    }
    for (const [name, cleanup] of [...this.#loaded]) {
      if (next.plugins.includes(name)) continue;
      cleanup?.();
      this.#loaded.delete(name);
    }
    for (const svc of next.services) this.#syncService(svc);
    for (const name of [...this.#registered.keys()]) {
      if (!next.services.some((s) => s.name === name)) this.#unregister(name);
    }
  }

  #syncService(m: ServiceModel): void {
    const reg = this.#registered.get(m.name);
    if (reg && reg.role === m.role && sameList(reg.plugins, m.plugins)) return;
    this.#unregister(m.name);
    const svc = this.#core.service(m.name);
    if (!svc) return;
    const cleanups: Cleanup[] = [];
    for (const name of m.plugins) {
      const runtime = BUILTIN_PLUGINS.get(name);
      const cleanup = runtime?.register?.(svc, this.#core);
      cleanups.push(() => {
        svc.hooks.unregisterOwner(name);
        if (cleanup) cleanup();
      });
    }
    this.#registered.set(m.name, { role: m.role, plugins: [...m.plugins], cleanups });
  }

  #unregister(serviceName: string): void {
    const reg = this.#registered.get(serviceName);
    if (!reg) return;
    this.#registered.delete(serviceName);
    for (const c of reg.cleanups) c();
  }

  /** A management command answered by a loaded plugin, or null if none knows `verb`. */
  command(verb: string, line: string): string[] | null {
    for (const name of this.#loaded.keys()) {
      const fn = BUILTIN_PLUGINS.get(name)?.manageCommands?.[verb];
      if (fn) return fn(line, this.#core);
    }
    return null;
  }

  /** The connection handler of a role a loaded plugin adds (EchoService's `echo`), or null. */
  roleAcceptor(role: string | null): RoleAcceptor | null {
    if (role === null) return null;
    for (const name of this.#loaded.keys()) {
      const accept = BUILTIN_PLUGINS.get(name)?.roles?.[role];
      if (accept) return accept;
    }
    return null;
  }

  unloadAll(): void {
    for (const name of [...this.#registered.keys()]) this.#unregister(name);
    for (const cleanup of this.#loaded.values()) cleanup?.();
    this.#loaded.clear();
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
