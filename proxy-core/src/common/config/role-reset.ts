/**
 * Finds SET lines whose value a later `SET role` silently resets (Perlbal's init re-applies
 * every default of the role): the QUIRK of spec 17.3, reported as a warning on the earlier line.
 */
import type { SetCommand } from './commands.js';
import { createDiagnostic, type ConfigDiagnostic } from './diagnostics.js';
import { findService, type ConfigModel, type TunableValue } from './model.js';
import { hasOwn } from './own-keys.js';
import type { Span } from './span.js';
import { formatTunableValue } from './tunable-check.js';
import { tunableFor } from './tunable-lookup.js';

interface PendingSet {
  key: string;
  value: TunableValue | undefined;
  span: Span;
}

function sameValue(a: TunableValue | undefined, b: TunableValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class RoleResetTracker {
  #pending = new Map<string, PendingSet[]>();

  /** Call after a successful SET on `target`; returns warnings when it was `SET role`. */
  afterSet(model: ConfigModel, target: string, cmd: SetCommand): ConfigDiagnostic[] {
    const svc = findService(model, target);
    if (!svc) return [];
    if (cmd.key === 'role') {
      const pending = this.#pending.get(target) ?? [];
      this.#pending.delete(target);
      return pending
        .filter((p) => hasOwn(svc.tunables, p.key) && !sameValue(svc.tunables[p.key], p.value))
        .map((p) =>
          createDiagnostic(
            'role_reset',
            { key: p.key, value: formatTunableValue(svc.tunables[p.key]!), line: cmd.span.line },
            p.span,
          ),
        );
    }
    const def = tunableFor(cmd.key, model.plugins);
    if (!def) return [];
    const keys =
      def.name === 'persist_client_timeout'
        ? ['persist_client_idle_timeout', 'idle_timeout']
        : [def.name];
    const list = this.#pending.get(target) ?? [];
    for (const key of keys) list.push({ key, value: svc.tunables[key], span: cmd.keySpan });
    this.#pending.set(target, list);
    return [];
  }
}
