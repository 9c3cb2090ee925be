/**
 * Deep-freeze a plain-JSON value. The running config is frozen so that nothing can change
 * it except a reload, which swaps it whole (house style B4, after fastify's initialConfig).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const v of Object.values(value as object)) deepFreeze(v);
  return Object.freeze(value);
}
