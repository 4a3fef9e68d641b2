export { buildApp, type BuildOptions, type BuiltApp } from './app.js';
export { resolveServerConfig, DEFAULTS, ServerConfigError } from './config/defaults.js';
export type { ServerConfig, ClientConfig, UserConfig } from './config/defaults.js';
export type { ServerContext } from './context.js';
export type * from './store/store.js';
export { openSqliteStore } from './store/sqlite/sqlite-store.js';
export { tenantId } from './tokens/tenant-id.js';
export { OAuthError } from './errors.js';
