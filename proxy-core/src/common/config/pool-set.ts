/**
 * Pools: `Perlbal::Pool::set` (nodefile, balance_method), the POOL ADD/REMOVE command
 * (`MANAGE_pool`, `Pool::add`/`remove`), and the obsolete forwarding of nodefile /
 * balance_method set on a service, including pool auto-vivification (`Service::set`).
 */
import { fail, note, ok, tokenSpan, type Op } from './apply-op.js';
import type { PoolCommand } from './commands.js';
import { findPool, findService, type PoolModel, type ServiceModel } from './model.js';
import type { Span } from './span.js';
import { didYouMean } from './suggest.js';
import { quoteHint } from './tunable-check.js';

const POOL_KEYS = ['nodefile', 'balance_method'];

export function newPool(name: string): PoolModel {
  return { name, nodes: [], nodefile: null, balance_method: 'random' };
}

/** `Pool::set`. An unknown key makes Perlbal fail without printing anything. */
export function setOnPool(
  op: Op,
  pool: PoolModel,
  key: string,
  value: string,
  spans: { key: Span; value: Span },
): boolean {
  if (key === 'nodefile') {
    if (/^(?:none|undef|null|""|'')$/.test(value)) {
      pool.nodefile = null;
      return ok(op);
    }
    // Perl `-e`: a directory passes too.
    if (!op.env.fileExists(value) && !op.env.dirExists(value)) {
      return fail(
        op,
        'file_not_found',
        { path: value, key: 'nodefile' },
        spans.value,
        'File not found',
      );
    }
    pool.nodefile = value;
    return ok(op);
  }
  if (key === 'balance_method') {
    if (value !== 'random') {
      return fail(
        op,
        'invalid_enum',
        { key, value, values: 'random', hint: quoteHint(value) },
        spans.value,
        'Unknown balance method',
      );
    }
    return ok(op);
  }
  return fail(op, 'unknown_pool_parameter', { key, hint: didYouMean(key, POOL_KEYS) }, spans.key);
}

const VIVIFY_WARNING = (key: string, svc: string): string =>
  `'${key}' set on service ${svc} on auto-vivified pool.\n` +
  '         This behavior is obsolete.  This value should be set on a\n' +
  '         pool object and not on a service.';

/**
 * Auto-creates `<svc>_pool` as Perlbal does: `CREATE POOL` (printing its errors), then a silent
 * `SET <svc>.pool`, which only works on a reverse_proxy. Both effects survive a later failure.
 */
function vivifyPool(op: Op, svc: ServiceModel): void {
  const name = `${svc.name}_pool`;
  op.keepOnFailure = true;
  if (findPool(op.model, name)) op.output.push(`ERROR: pool '${name}' already exists`);
  else if (findService(op.model, name)) op.output.push(`ERROR: service '${name}' already exists`);
  else op.model.pools.push(newPool(name));
  if (svc.role === 'reverse_proxy' && findPool(op.model, name)) svc.tunables['pool'] = name;
}

/** `nodefile` / `balance_method` on a service go to its pool (obsolete form). */
export function forwardToPool(
  op: Op,
  svc: ServiceModel,
  key: string,
  value: string,
  spans: { key: Span; value: Span },
): boolean {
  if (!svc.tunables['pool']) {
    if (op.model.poolsDeclared) {
      const perlbal =
        `ERROR: Attempt to vivify pool ${svc.name}_pool but one or more pools\n` +
        `       have already been created manually.  Please set ${key} on a\n` +
        '       previously created pool.';
      return fail(op, 'pool_vivify_refused', { service: svc.name, key }, spans.key, perlbal);
    }
    vivifyPool(op, svc);
  }
  const poolName = svc.tunables['pool'] as string | undefined;
  // Perlbal warns (stderr) whenever auto-vivification is still possible, i.e. no CREATE POOL ran.
  if (!op.model.poolsDeclared) {
    note(
      op,
      'pool_vivified',
      { key, service: svc.name, pool: poolName ?? `${svc.name}_pool` },
      spans.key,
      VIVIFY_WARNING(key, svc.name),
    );
  } else if (poolName && key !== 'balance_method') {
    // Perlbal prints nothing here; we say where the value went (info, so configs stay clean).
    // Not for balance_method: `random` is its only value and the default, so the line is a
    // no-op wherever it is written (LiveJournal's own config has it on services).
    note(op, 'pool_setting_on_service', { key, pool: poolName }, spans.key);
  }
  const pool = poolName ? findPool(op.model, poolName) : undefined;
  if (!pool)
    return fail(
      op,
      'no_pool',
      { service: svc.name, key },
      spans.key,
      'No pool defined for service',
    );
  return setOnPool(op, pool, key, value, spans);
}

/** `POOL name ADD|REMOVE ip[:port]` after parsing (verb order and validity handled there). */
export function applyPoolCommand(op: Op, cmd: PoolCommand): boolean {
  const pool = findPool(op.model, cmd.pool);
  if (!pool) {
    const hint = didYouMean(
      cmd.pool,
      op.model.pools.map((p) => p.name),
    );
    return fail(
      op,
      'unknown_pool',
      { name: cmd.pool, hint },
      tokenSpan(cmd, 'pool'),
      `Pool '${cmd.pool}' not found`,
    );
  }
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(cmd.ip))
    note(op, 'invalid_ip', { ip: cmd.ip }, tokenSpan(cmd, 'ip'));
  const node = `${cmd.ip}:${cmd.port}`;
  pool.nodes = pool.nodes.filter((n) => n !== node);
  if (cmd.action === 'add') pool.nodes.push(node);
  return ok(op);
}
