/**
 * Safe writes to the model's string-keyed records: user text can name a key `__proto__`
 * (`\w+` allows it), which a plain assignment would swallow. Defining an own property keeps it
 * as data and survives structuredClone and JSON.
 */

export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

export function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

export function getOwn<T>(record: Record<string, T>, key: string): T | undefined {
  return hasOwn(record, key) ? record[key] : undefined;
}
