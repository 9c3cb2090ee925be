/**
 * The one place the editor reaches into the core's config language. The renderer may import
 * proxy-core/src/common/** (house style B2): it is pure TypeScript, so vite bundles it straight
 * from source and the editor checks text with the very parser the proxy runs.
 */
export {
  CORE_COMMANDS,
  CORE_ROLES,
  MANAGE_VERBS,
  PLUGINS,
  POOL_PARAMETERS,
  SERVER_KEYS,
  allTunables,
  checkConfig,
  findPool,
  findService,
  formatDiagnostic,
  formatTunableValue,
  parseConfig,
  permissiveEnv,
  print,
  tunableFor,
  tunablesForRole,
} from '../../../proxy-core/src/common/config/index.js';
export type {
  ApplyEnv,
  ConfigCommand,
  ConfigDiagnostic,
  ConfigModel,
  PluginDef,
  ServiceModel,
  Severity,
  TunableDef,
} from '../../../proxy-core/src/common/config/index.js';
