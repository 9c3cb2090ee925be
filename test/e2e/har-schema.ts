/**
 * Validates a HAR document against the HAR 1.2 JSON schema (the `har-schema` package, the
 * schema `har-validator` uses), with ajv. The schema is draft-06 and writes `min` for a
 * number's lower bound (timings are -1 or more); ajv is given both. Formats it names are
 * checked too: date-time (startedDateTime, expires), ipv4/ipv6 (serverIPAddress), uri.
 * Returns the problems, each with its JSON pointer; [] when the document is valid.
 */
import { createRequire } from 'node:module';
import { Ajv, type AnySchemaObject } from 'ajv';

const require = createRequire(import.meta.url);
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject;
const schemas = require('har-schema') as Record<string, AnySchemaObject>;

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema(draft06);
  ajv.addFormat('date-time', DATE_TIME);
  ajv.addFormat('ipv4', IPV4);
  ajv.addFormat('ipv6', (s: string) => s.includes(':') && /^[\da-f:.]+$/i.test(s));
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  // har-schema's lower bound on numbers.
  ajv.addKeyword({
    keyword: 'min',
    type: 'number',
    schemaType: 'number',
    validate: (min: number, data: number) => data >= min,
  });
  for (const schema of Object.values(schemas)) ajv.addSchema(schema);
  return ajv.getSchema('har.json#')!;
}

let compiled: ReturnType<typeof validator> | null = null;

export function validateHarSchema(doc: unknown): string[] {
  compiled ??= validator();
  const ok = compiled(doc);
  const problems = ok
    ? []
    : (compiled.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  // The one value the schema leaves open: this is HAR 1.2.
  const version = (doc as { log?: { version?: unknown } } | null)?.log?.version;
  if (version !== '1.2') problems.push(`/log/version must be "1.2"`);
  return problems;
}
