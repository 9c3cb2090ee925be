/**
 * The service and pool commands of `run_manage_command`: MANAGE_create, MANAGE_use, MANAGE_set,
 * MANAGE_enable/disable (with Service::enable's SSL file checks) and MANAGE_header
 * (Service::header_management).
 */
import { fail, note, ok, tokenSpan, type Op } from './apply-op.js';
import type {
  CreateCommand,
  DisableCommand,
  EnableCommand,
  HeaderCommand,
  SetCommand,
  UseCommand,
} from './commands.js';
import { findPool, findService, type ServiceModel } from './model.js';
import { perlTruthy } from './perl-text.js';
import { pluginByName } from './plugins/registry.js';
import { newPool, setOnPool } from './pool-set.js';
import { setOnService } from './service-set.js';
import { didYouMean } from './suggest.js';

export function newService(name: string): ServiceModel {
  return {
    name,
    role: null,
    enabled: false,
    tunables: {},
    extra: {},
    plugins: [],
    headers: { insert: [], remove: [] },
    pluginConfig: {},
  };
}

function allNames(op: Op): string[] {
  return [...op.model.services.map((s) => s.name), ...op.model.pools.map((p) => p.name)];
}

export function applyCreate(op: Op, cmd: CreateCommand): boolean {
  const { name } = cmd;
  const span = tokenSpan(cmd, 'name');
  const svc = findService(op.model, name);
  const pool = findPool(op.model, name);
  // Perlbal checks its own kind first: the order decides which message you see.
  const clash =
    cmd.what === 'service'
      ? svc
        ? 'service'
        : pool
          ? 'pool'
          : null
      : pool
        ? 'pool'
        : svc
          ? 'service'
          : null;
  if (clash)
    return fail(
      op,
      'duplicate_name',
      { existing: clash, name },
      span,
      `${clash} '${name}' already exists`,
    );
  if (cmd.what === 'service') op.model.services.push(newService(name));
  else {
    op.model.pools.push(newPool(name));
    op.model.poolsDeclared = true;
  }
  op.ctx.lastCreated = name;
  return ok(op);
}

export function applyUse(op: Op, cmd: UseCommand): boolean {
  if (!findService(op.model, cmd.name) && !findPool(op.model, cmd.name)) {
    const hint = didYouMean(cmd.name, allNames(op));
    return fail(
      op,
      'unknown_name',
      { name: cmd.name, hint },
      tokenSpan(cmd, 'name'),
      `Non-existent pool or service '${cmd.name}'`,
    );
  }
  op.ctx.lastCreated = cmd.name;
  return ok(op);
}

/** Why a `name.` prefix probably meant something else (extra.x, plugin.key without service). */
function targetHint(op: Op, name: string, key: string): string {
  if (name === 'extra' || pluginByName(name))
    return ` (Perlbal reads '${name}' as the service name: write SET <service>.${name}.${key} = ...)`;
  return didYouMean(name, allNames(op));
}

export function applySet(op: Op, cmd: SetCommand): boolean {
  const name = cmd.target ?? op.ctx.lastCreated;
  if (!name)
    return fail(
      op,
      'no_context',
      { form: 'SET <service>.<param> = <value>' },
      cmd.span,
      'omitted service/pool name not implied from context',
    );
  const spans = { key: cmd.keySpan, value: cmd.valueSpan };
  const svc = findService(op.model, name);
  if (svc) return setOnService(op, svc, cmd.key, cmd.value, spans);
  const pool = findPool(op.model, name);
  if (pool) return setOnPool(op, pool, cmd.key, cmd.value, spans);
  const span = cmd.targetSpan ?? cmd.span;
  return fail(
    op,
    'unknown_name',
    { name, hint: targetHint(op, name, cmd.key) },
    span,
    `service/pool '${name}' does not exist`,
  );
}

function serviceOrFail(op: Op, name: string, span: EnableCommand['span']): ServiceModel | false {
  const svc = findService(op.model, name);
  if (svc) return svc;
  const hint = findPool(op.model, name)
    ? ` ('${name}' is a pool)`
    : didYouMean(
        name,
        op.model.services.map((s) => s.name),
      );
  return fail(op, 'unknown_service', { name, hint }, span, `service '${name}' does not exist`);
}

/** ENABLE: SSL files are checked here, as in Service::enable (IO::Socket::SSL is assumed). */
export function applyEnable(op: Op, cmd: EnableCommand): boolean {
  const svc = serviceOrFail(op, cmd.name, tokenSpan(cmd, 'name'));
  if (!svc) return false;
  if (svc.enabled)
    return fail(
      op,
      'already_enabled',
      { name: svc.name },
      cmd.span,
      `service ${svc.name} is already enabled`,
    );
  if (svc.role === null) note(op, 'missing_role', { name: svc.name }, cmd.span);
  const t = svc.tunables;
  if (
    svc.role !== 'upload_tracker' &&
    perlTruthy(t['listen'] as string | undefined) &&
    t['enable_ssl'] === true
  ) {
    for (const [key, label] of [
      ['ssl_key_file', 'key'],
      ['ssl_cert_file', 'cert'],
    ] as const) {
      const path = String(t[key] ?? '');
      if (!op.env.fileExists(path)) {
        return fail(
          op,
          op.env.dirExists(path) ? 'not_a_file' : 'file_not_found',
          { path, key },
          cmd.span,
          `SSL ${label} file (${path}) doesn't exist`,
        );
      }
    }
  }
  // ssl_sni_dir is ours: a forgotten enable_ssl would otherwise serve plain HTTP silently.
  if (t['enable_ssl'] !== true && typeof t['ssl_sni_dir'] === 'string')
    note(op, 'sni_without_ssl', { name: svc.name }, cmd.span);
  svc.enabled = true;
  return ok(op);
}

export function applyDisable(op: Op, cmd: DisableCommand): boolean {
  const svc = serviceOrFail(op, cmd.name, tokenSpan(cmd, 'name'));
  if (!svc) return false;
  if (!svc.enabled)
    return fail(
      op,
      'already_disabled',
      { name: svc.name },
      cmd.span,
      `service ${svc.name} is already disabled`,
    );
  if (svc.role === 'management')
    return fail(op, 'cannot_disable_management', {}, cmd.span, "can't disable management service");
  svc.enabled = false;
  return ok(op);
}

/** HEADER: rules are kept in command order; inserts are applied after removals at runtime. */
export function applyHeader(op: Op, cmd: HeaderCommand): boolean {
  const svc = findService(op.model, cmd.service);
  if (!svc) {
    const hint = didYouMean(
      cmd.service,
      op.model.services.map((s) => s.name),
    );
    return fail(
      op,
      'unknown_service',
      { name: cmd.service, hint },
      tokenSpan(cmd, 'service'),
      `service '${cmd.service}' does not exist`,
    );
  }
  // Perl truthiness: a header named "0" counts as missing.
  if (cmd.name === '' || cmd.name === '0')
    return fail(op, 'missing_header_name', {}, cmd.span, 'no header provided');
  if (cmd.action === 'insert') {
    if (cmd.value === null || cmd.value === '') {
      return fail(
        op,
        'missing_header_value',
        { service: cmd.service, name: cmd.name },
        cmd.span,
        'no value provided',
      );
    }
    svc.headers.insert.push([cmd.name, cmd.value]);
  } else {
    svc.headers.remove.push(cmd.name);
  }
  return ok(op);
}
