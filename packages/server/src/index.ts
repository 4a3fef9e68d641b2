export { buildApp, type BuildOptions, type BuiltApp } from './app.js';
export { resolveServerConfig, DEFAULTS, ServerConfigError } from './config/defaults.js';
export type { ServerConfig, ClientConfig, UserConfig } from './config/defaults.js';
export { loadServerConfig, type LoadServerConfigOptions, type ReadTextFile } from './config/load.js';
export { renderConfigurationDoc } from './config/doc.js';
export type { ServerContext } from './context.js';
export type * from './store/store.js';
export { openSqliteStore } from './store/sqlite/sqlite-store.js';
// PostgreSQL (`pg`) loads only when a store is opened on it: through `databaseUrl`, or here.
export { openConfiguredStore, type ConfiguredStore, type OpenConfiguredStoreOptions } from './store/open.js';
export type { PostgresStore, PostgresStoreOptions } from './store/postgres/postgres-store.js';
export { StoreUnavailableError } from './store/errors.js';
// Long-poll channel; the PostgreSQL one (`pg`) is at events/postgres-events.ts, loaded on use.
export type { DeviceCodeEvents, WaitOptions, WaitOutcome } from './events/device-code-events.js';
export { InProcessDeviceCodeEvents } from './events/in-process-events.js';
export { openConfiguredEvents } from './events/open-events.js';
export { tenantId } from './tokens/tenant-id.js';
export { OAuthError } from './errors.js';
export { ensureLocalCertificates, type LocalCertificates, type LocalCertificatesOptions } from './tls/local-ca.js';
