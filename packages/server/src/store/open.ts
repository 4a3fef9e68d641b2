/**
 * Opens the store the configuration names: PostgreSQL when `databaseUrl` is set, SQLite at
 * `sqlitePath` otherwise. The server (app.ts) and `devicelogin-admin` both open it here, so they
 * always agree on where the data is. The PostgreSQL module (and `pg`) load only when used.
 */
import type { Clock } from '@devicelogin/protocol';
import type { ServerConfig } from '../config/defaults.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** A store as opened from the configuration. */
export interface ConfiguredStore extends Store {
  /** Migration versions this open applied (empty when the database was up to date). */
  readonly migrationsApplied: readonly number[];
}

/** What {@link openConfiguredStore} takes besides the configuration. */
export interface OpenConfiguredStoreOptions {
  /** Time recorded for applied migrations. Default: the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
  /** Errors of idle PostgreSQL connections (see `PostgresStoreOptions.onIdleError`). */
  readonly onIdleError?: (error: Error) => void;
}

/**
 * Opens (creating and migrating as needed) the configured store.
 *
 * @throws {StoreUnavailableError} when PostgreSQL cannot be reached.
 * @throws Error when the database cannot be opened or holds a schema newer than this release.
 */
export async function openConfiguredStore(
  config: Pick<ServerConfig, 'sqlitePath' | 'databaseUrl' | 'databasePoolSize'>,
  options: OpenConfiguredStoreOptions = {},
): Promise<ConfiguredStore> {
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  if (config.databaseUrl === undefined) return openSqliteStore({ path: config.sqlitePath, ...clock });
  const { openPostgresStore } = await import('./postgres/postgres-store.js');
  return openPostgresStore({
    connectionString: config.databaseUrl,
    max: config.databasePoolSize,
    ...clock,
    ...(options.onIdleError === undefined ? {} : { onIdleError: options.onIdleError }),
  });
}
