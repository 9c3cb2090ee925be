/**
 * Throttle (Perlbal::Plugin::Throttle): slows down, refuses or bans clients of a
 * reverse_proxy that come back too fast. On start_proxy_request the client's IP (observed or
 * peer) is judged in Perlbal's order: whitelist, ban, blacklist, concurrency, path and method
 * filters, default_action. A throttled IP seen within throttle_threshold_seconds is delayed
 * initial_delay * 2^violations seconds (at most max_delay) before its request goes on; at
 * ban_threshold violations it is banned for ban_expiration seconds and its connection closed.
 */
import { effectiveIp } from '../client-ip.js';
import type { ClientHTTPBase, CoreContext, PerlbalPlugin, Service } from '../plugin-api.js';
import { ThrottleCounters } from './throttle-counters.js';
import {
  inList,
  throttleSettings,
  type ThrottleEvent,
  type ThrottleSettings,
} from './throttle-settings.js';
import { ThrottleStore } from './throttle-store.js';

type Decision = 'allow' | 'throttle' | 'deny';

/** The per-service state Perlbal keeps in register's closure. */
class Throttler {
  readonly #svc: Service;
  readonly #core: CoreContext;
  readonly #store = new ThrottleStore();
  readonly #counters = new ThrottleCounters();
  /** IP -> its unban timer. */
  readonly #banned = new Map<string, NodeJS.Timeout>();
  /** Clients waiting out their delay -> the timer that resumes them. */
  readonly #delayed = new Map<ClientHTTPBase, NodeJS.Timeout>();
  /** Clients being resumed after their delay (Perlbal's `local $DELAYED`). */
  readonly #resuming = new WeakSet<ClientHTTPBase>();
  #reported: ThrottleSettings | null = null;

  constructor(svc: Service, core: CoreContext) {
    this.#svc = svc;
    this.#core = core;
  }

  /** start_proxy_request: true when the request was answered, closed or put on hold. */
  onStart(client: ClientHTTPBase): boolean {
    if (this.#resuming.has(client)) {
      this.#resuming.delete(client);
      return false;
    }
    const req = client.reqHeaders;
    if (!req) return false;
    const cfg = this.#settings();
    const ip = effectiveIp(client, true);
    const concurrent = this.#counters.begin(client, ip);
    const decision = this.#decide(cfg, ip, concurrent, req.uri ?? '', req.method ?? '');
    if (decision === 'allow') return false;
    if (decision === 'deny' && !cfg.logOnly) {
      this.#counters.finish(client);
      client.tagRecord('throttle:denied');
      client.sendResponse(403, 'Forbidden.\n');
      return true;
    }
    // A denial in log_only mode goes on to the throttle path, as in Perlbal.
    return this.#throttle(cfg, client, ip, req.uri ?? '');
  }

  /** end_proxy_request: the request no longer counts towards max_concurrent. */
  onEnd(client: ClientHTTPBase): void {
    this.#counters.finish(client);
  }

  #decide(
    cfg: ThrottleSettings,
    ip: string,
    concurrent: number,
    uri: string,
    method: string,
  ): Decision {
    if (inList(cfg.whitelist, ip)) {
      this.#log(cfg, 'whitelisted', `Letting whitelisted ip ${ip} through`);
      return 'allow';
    }
    if (this.#banned.has(ip)) {
      this.#log(cfg, 'banned', `Denying banned IP ${ip}`);
      return 'deny';
    }
    if (inList(cfg.blacklist, ip)) {
      if (cfg.blacklistAction === 'deny') {
        this.#log(cfg, 'blacklisted', `Denying blacklisted IP ${ip}`);
        return 'deny';
      }
      this.#log(cfg, 'blacklisted', `Throttling blacklisted IP ${ip}`);
      return 'throttle';
    }
    if (concurrent > cfg.maxConcurrent) {
      this.#log(cfg, 'concurrent', `Too many concurrent connections from ${ip}`);
      return 'deny';
    }
    if (cfg.pathRegex && !cfg.pathRegex.test(uri)) return 'allow';
    if (cfg.methodRegex && !cfg.methodRegex.test(method)) return 'allow';
    return cfg.defaultAction === 'allow' ? 'allow' : 'throttle';
  }

  /** Perlbal's store callback: how long this IP waits, or a ban. */
  #throttle(cfg: ThrottleSettings, client: ClientHTTPBase, ip: string, uri: string): boolean {
    const now = Date.now() / 1000;
    const key = cfg.instanceName + ip;
    const last = this.#store.get(key, now);
    let violations = last?.violations ?? 0;
    this.#store.set(key, now, violations, cfg.thresholdSeconds);
    if (!last) {
      this.#log(cfg, 'allowed', `Allowed unseen ${ip}`);
      return false;
    }
    if (now - last.start >= cfg.thresholdSeconds) {
      this.#log(cfg, 'allowed', `Allowed reformed ${ip}`);
      return false;
    }
    const delay = Math.min(cfg.initialDelay * 2 ** violations, cfg.maxDelay);
    violations++;
    if (cfg.banThreshold && violations >= cfg.banThreshold) return this.#ban(cfg, client, ip, uri);
    this.#store.set(key, now, violations, delay);
    this.#log(cfg, 'throttled', `Throttling ${ip} for ${delay}: ${uri}`);
    if (cfg.logOnly || delay <= 0) return false;
    this.#hold(client, delay);
    return true;
  }

  #ban(cfg: ThrottleSettings, client: ClientHTTPBase, ip: string, uri: string): boolean {
    this.#log(cfg, 'ban', `Banning ${ip} for ${cfg.banExpiration}s: ${uri}`);
    // Perlbal closes the connection even in log_only mode; log_only here never blocks.
    if (cfg.logOnly) return false;
    clearTimeout(this.#banned.get(ip));
    const t = setTimeout(() => {
      this.#banned.delete(ip);
      this.#log(this.#settings(), 'unban', `Unbanning ${ip}`);
    }, cfg.banExpiration * 1000);
    t.unref();
    this.#banned.set(ip, t);
    this.#counters.finish(client);
    client.tagRecord('throttle:banned');
    client.close('throttle_banned');
    return true;
  }

  /** Perlbal handle_after: park the request, then let the service take it up again. */
  #hold(client: ClientHTTPBase, delay: number): void {
    client.tagRecord(`throttle:delayed:${delay}`);
    const t = setTimeout(() => {
      this.#delayed.delete(client);
      if (client.closed) return;
      this.#resuming.add(client);
      client.adoptBy(this.#svc);
    }, delay * 1000);
    t.unref();
    this.#delayed.set(client, t);
    client.socket.once('close', () => {
      clearTimeout(t);
      this.#delayed.delete(client);
    });
  }

  #settings(): ThrottleSettings {
    const cfg = throttleSettings(this.#svc);
    if (cfg !== this.#reported) {
      this.#reported = cfg;
      for (const p of cfg.problems)
        this.#core.log('warning', `Throttle on service ${this.#svc.name}: ${p}`);
    }
    return cfg;
  }

  #log(cfg: ThrottleSettings, event: ThrottleEvent, message: string): void {
    if (cfg.logEvents.has(event)) this.#core.log('info', message);
  }

  /** Unregister: bans and delays end; delayed clients go on at once rather than hang. */
  dispose(): void {
    for (const t of this.#banned.values()) clearTimeout(t);
    this.#banned.clear();
    for (const [client, t] of this.#delayed) {
      clearTimeout(t);
      if (!client.closed) client.close('throttle_unregistered');
    }
    this.#delayed.clear();
  }
}

export const throttlePlugin: PerlbalPlugin = {
  name: 'throttle',
  register(svc: Service, core: CoreContext) {
    if (svc.str('memcached_servers')) {
      core.log(
        'warning',
        `Throttle on service ${svc.name}: memcached_servers is not supported; state is kept in memory`,
      );
    }
    const t = new Throttler(svc, core);
    svc.hooks.handle('throttle', 'start_proxy_request', (client: ClientHTTPBase) =>
      t.onStart(client),
    );
    svc.hooks.observe('throttle', 'end_proxy_request', (client: ClientHTTPBase) => t.onEnd(client));
    return () => t.dispose();
  },
};
