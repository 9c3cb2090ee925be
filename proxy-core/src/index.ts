/**
 * Public entry of the proxy core for the Electron main process and other hosts. Everything
 * exported here is safe to use without knowing how the core is built inside.
 */
export { ProxyCore, ConfigError, type ProxyCoreOptions, type CoreEvents } from './node/core.js';
export { nodeEnv } from './node/node-env.js';
export * from './common/config/index.js';
export * from './common/errors.js';
export { createInProcessApi, InProcessCoreApi, type InProcessApiOptions } from './node/api/in-process-api.js';
export * from './common/api/index.js';
