/**
 * Runtime and API error codes (house style B6). Thrown errors carry a stable `code`; callers
 * match on the code, never on `instanceof`, because errors cross IPC and the WebSocket as
 * plain data. Config problems are not errors: they are returned as diagnostics.
 */

export const ERROR_CODES = {
  PB_ERR_CONFIG_INVALID: 'The configuration has errors',
  PB_ERR_LISTEN_IN_USE: 'The address is already in use',
  PB_ERR_LISTEN_FAILED: 'Could not listen on the address',
  PB_ERR_FILE_NOT_FOUND: 'A file the configuration names does not exist',
  PB_ERR_TLS_CONFIG: 'The TLS certificate or key could not be used',
  PB_ERR_CERT_EXISTS: 'A certificate or key is already there; --force replaces it',
  PB_ERR_CERT_HOST_INVALID: 'Not a host name or IP address a certificate can name',
  PB_ERR_CERT_UNUSABLE: 'A certificate or key file could not be read or used',
  PB_ERR_BACKEND_CONNECT: 'Could not connect to the backend',
  PB_ERR_BACKEND_TIMEOUT: 'The backend did not answer in time',
  PB_ERR_HOOK_UNKNOWN: 'Unknown hook name',
  PB_ERR_HOOK_INVALID_HANDLER: 'A hook handler must be a function',
  PB_ERR_PLUGIN_UNKNOWN: 'Unknown plugin',
  PB_ERR_IPC_UNKNOWN_METHOD: 'Unknown core method',
  PB_ERR_IPC_UNTRUSTED_SENDER: 'The IPC message came from a frame that is not the app',
  PB_ERR_NOT_RUNNING: 'The proxy core is not running',
  PB_ERR_API_INVALID_ARGUMENT: 'A UI request had a missing or malformed argument',
  PB_ERR_API_NOT_FOUND: 'No such service, pool or node',
  PB_ERR_COMMAND_FAILED: 'The command failed',
  PB_ERR_CONFIG_SAVE: 'The configuration could not be saved',
  PB_ERR_UI_NOT_BUILT: 'The desktop UI has not been built',
  PB_ERR_INTERNAL: 'Something went wrong inside Perlbal Desktop',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The shape an error takes on the wire (IPC, WebSocket). */
export interface SerializedError {
  name: 'PerlbalError';
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class PerlbalError extends Error {
  override readonly name = 'PerlbalError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code], options);
    this.code = code;
    this.details = details;
  }

  toJSON(): SerializedError {
    const out: SerializedError = { name: 'PerlbalError', code: this.code, message: this.message };
    if (this.details) out.details = this.details;
    return out;
  }

  /** Rebuild an error that crossed a boundary. */
  static fromJSON(e: SerializedError): PerlbalError {
    return new PerlbalError(e.code, e.message, e.details);
  }
}

/** True for a PerlbalError (or its serialised form) with that code. */
export function hasErrorCode(e: unknown, code: ErrorCode): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}
