/**
 * `SET role = x`: the role's check_type and setter, then `Perlbal::Service::init`, which
 * (re)applies the default of every tunable valid for the role, DEFAULT overrides first.
 * Tunables set before the role are therefore reset (the QUIRK the warnings point at).
 */
import { fail, ok, type Op } from './apply-op.js';
import { createDiagnostic } from './diagnostics.js';
import type { ServiceModel, TunableValue } from './model.js';
import { setOwn } from './own-keys.js';
import { perlTruthy } from './perl-text.js';
import { PLUGINS, pluginRoles } from './plugins/registry.js';
import type { Span } from './span.js';
import { didYouMean } from './suggest.js';
import { checkTunableValue } from './tunable-check.js';
import { allTunables, tunableFor } from './tunable-lookup.js';
import { roleMatches, type TunableDef } from './tunable-types.js';
import { CORE_ROLES } from './tunables.js';

/** Stores a checked value; persist_client_timeout only sets the two timeouts it stands for. */
export function storeTunable(svc: ServiceModel, def: TunableDef, value: TunableValue): void {
  if (def.name === 'persist_client_timeout') {
    svc.tunables['persist_client_idle_timeout'] = value;
    svc.tunables['idle_timeout'] = value;
    return;
  }
  setOwn(svc.tunables, def.name, value);
}

function cloneValue(value: TunableValue): TunableValue {
  return Array.isArray(value) ? [...value] : value;
}

/** The roles a service may take now: the core five plus roles of loaded plugins. */
export function validRoles(loadedPlugins: readonly string[]): string[] {
  return [...CORE_ROLES, ...pluginRoles(loadedPlugins)];
}

export function setRole(
  op: Op,
  svc: ServiceModel,
  raw: string,
  spans: { key: Span; value: Span },
): boolean {
  const roles = validRoles(op.model.plugins);
  const extra = pluginRoles(op.model.plugins)
    .map((r) => `, ${r}`)
    .join('');
  if (!perlTruthy(raw)) {
    // Perlbal's check returns 0 without an error text: it prints a bare "ERROR: ".
    return fail(op, 'invalid_role', { value: raw, extra, hint: '' }, spans.value, '');
  }
  if (!roles.includes(raw)) {
    return fail(
      op,
      'invalid_role',
      { value: raw, extra, hint: didYouMean(raw, roles) },
      spans.value,
      `Role not valid for service ${svc.name}`,
    );
  }
  svc.role = raw;
  if (!initRole(op, svc, spans.key)) return false;
  for (const plugin of PLUGINS) plugin.onRoleSet?.(op, svc, spans.key);
  return ok(op);
}

/**
 * `init`: keeps values the role does not reset, applies table defaults, then DEFAULT values.
 * Perlbal walks its hash in random order, so a DEFAULT of persist_client_timeout could lose to
 * idle_timeout's own default; we apply DEFAULTs last, in their order, which is what users mean.
 */
function initRole(op: Op, svc: ServiceModel, span: Span): boolean {
  const role = svc.role!;
  const loaded = op.model.plugins;
  const kept: Record<string, TunableValue> = {};
  for (const [key, value] of Object.entries(svc.tunables)) {
    const def = tunableFor(key, loaded);
    if (def && roleMatches(def, role)) setOwn(kept, key, value);
  }
  for (const def of allTunables(loaded)) {
    if (def.default !== undefined && roleMatches(def, role))
      setOwn(kept, def.name, cloneValue(def.default));
  }
  svc.tunables = kept;
  return applyDefaults(op, svc, span);
}

function applyDefaults(op: Op, svc: ServiceModel, span: Span): boolean {
  let allOk = true;
  for (const [key, raw] of Object.entries(op.model.defaults)) {
    const def = tunableFor(key, op.model.plugins);
    if (!def || def.type === 'role' || !roleMatches(def, svc.role)) continue;
    const r = checkTunableValue(def, raw, { env: op.env, model: op.model, serviceName: svc.name });
    if (r.ok) {
      storeTunable(svc, def, r.value);
      continue;
    }
    // Perlbal's init uses a "loud crasher" ManageCommand: the bad DEFAULT dies inside SET role.
    allOk = false;
    op.keepOnFailure = true;
    const perlbal = `MC:err: ${r.perlbal}`;
    op.diagnostics.push(
      createDiagnostic(
        'invalid_default',
        { key, value: raw, role: svc.role ?? '', reason: r.perlbal },
        span,
        perlbal,
      ),
    );
    op.output.push(`ERROR: ${perlbal}`);
  }
  return allOk;
}
