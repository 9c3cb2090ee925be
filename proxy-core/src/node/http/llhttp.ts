/**
 * Access to llhttp, the HTTP/1.x parser inside Node (the one `node:http` uses), without the
 * `node:http` server objects on top of it. Isolated here because `node:_http_common` is a
 * documentation-only deprecated module (DEP0199): if a future Node removes it, this is the
 * one file to change (undici ships the same parser as WebAssembly).
 */
import { createRequire } from 'node:module';

/** The subset of Node's HTTPParser binding we use. */
export interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | LlhttpError;
  finish(): number | LlhttpError | undefined;
  close(): void;
  free(): void;
  remove(): void;
  [key: number]: unknown;
}

export interface LlhttpError extends Error {
  code: string;
  reason: string;
  bytesParsed: number;
}

interface LlhttpClass {
  new (): LlhttpParser;
  REQUEST: number;
  RESPONSE: number;
  kOnMessageBegin: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
  kLenientOptionalCRBeforeLF: number;
}

const require = createRequire(import.meta.url);
const common = require('_http_common') as { HTTPParser: LlhttpClass; methods: string[] };

export const HTTPParser: LlhttpClass = common.HTTPParser;
/** llhttp's method table: the index llhttp reports maps to the method name. */
export const METHODS: readonly string[] = common.methods;

export function isLlhttpError(v: unknown): v is LlhttpError {
  return v instanceof Error && typeof (v as LlhttpError).code === 'string';
}
