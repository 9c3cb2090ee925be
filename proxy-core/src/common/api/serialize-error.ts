/**
 * Errors on the wire. A PerlbalError crosses as its JSON (code, message, details); anything
 * else is a bug, and crosses as PB_ERR_INTERNAL with its message, never its stack, so no
 * transport leaks file paths of the machine to a page.
 */
import { ERROR_CODES, PerlbalError, type SerializedError } from '../errors.js';

export function serializeError(e: unknown): SerializedError {
  if (e instanceof PerlbalError) return e.toJSON();
  if (isSerializedError(e))
    return {
      name: 'PerlbalError',
      code: e.code,
      message: e.message,
      ...(e.details ? { details: e.details } : {}),
    };
  const message = e instanceof Error ? e.message : String(e);
  return {
    name: 'PerlbalError',
    code: 'PB_ERR_INTERNAL',
    message: message || ERROR_CODES.PB_ERR_INTERNAL,
  };
}

/** True for something shaped like a SerializedError with a known code. */
export function isSerializedError(e: unknown): e is SerializedError {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  return (
    typeof code === 'string' && Object.hasOwn(ERROR_CODES, code) && typeof message === 'string'
  );
}

/** The PerlbalError an answer carried; an unknown shape becomes PB_ERR_INTERNAL. */
export function rehydrateError(e: unknown): PerlbalError {
  return PerlbalError.fromJSON(serializeError(e));
}
