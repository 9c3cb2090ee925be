/**
 * The UI's live changes (enable, disable, pool add/remove) as the management commands Perlbal
 * would run for them, through the core's serialised command queue, so they interleave safely
 * with management-port sessions and config applies. Arguments are checked first: a name with
 * a space or a newline could otherwise smuggle a second command into the line.
 */
import { PerlbalError } from '../../common/errors.js';
import type { ProxyCore } from '../core.js';

const NAME = /^\w[\w.-]{0,199}$/;
const NODE = /^[\w.:[\]-]{1,200}:\d{1,5}$/;

export function checkName(what: 'service' | 'pool', value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new PerlbalError(
      'PB_ERR_API_INVALID_ARGUMENT',
      `Not a ${what} name: ${JSON.stringify(value)}`,
    );
  }
  return value.toLowerCase();
}

export function checkNode(value: unknown): string {
  if (typeof value !== 'string' || !NODE.test(value)) {
    throw new PerlbalError(
      'PB_ERR_API_INVALID_ARGUMENT',
      `Not an ip:port node: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function checkText(value: unknown): string {
  if (typeof value !== 'string')
    throw new PerlbalError('PB_ERR_API_INVALID_ARGUMENT', 'The config text must be a string');
  return value;
}

export function requireService(core: ProxyCore, name: string): void {
  if (!core.model.services.some((s) => s.name === name)) {
    throw new PerlbalError('PB_ERR_API_NOT_FOUND', `There is no service '${name}'`);
  }
}

export function requirePool(core: ProxyCore, name: string): void {
  if (!core.model.pools.some((p) => p.name === name))
    throw new PerlbalError('PB_ERR_API_NOT_FOUND', `There is no pool '${name}'`);
}

/** Run one management command; Perlbal's `ERROR: ...` answer becomes a PB_ERR_COMMAND_FAILED. */
export async function runCommand(core: ProxyCore, line: string): Promise<void> {
  const out = await core.runCommand(line, { lastCreated: null, verbose: false, phase: 'running' });
  const error = out.find((l) => l.startsWith('ERROR:'));
  if (error)
    throw new PerlbalError(
      'PB_ERR_COMMAND_FAILED',
      `${line}: ${error.slice('ERROR:'.length).trim()}`,
    );
}
