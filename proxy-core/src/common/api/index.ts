/**
 * The UI contract: CoreApi methods, CoreEventMap events, status shapes and the WebSocket
 * frames. Environment-free, so the renderer imports it as it is.
 */
export * from './core-api.js';
export type * from './status.js';
export type * from './palimg.js';
export * from './settings.js';
export * from './wire.js';
export { diffModels } from './config-diff.js';
export { isSerializedError, rehydrateError, serializeError } from './serialize-error.js';
