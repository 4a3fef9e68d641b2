import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The maintenance database test databases are created from (trust auth on this machine). */
export const POSTGRES_MAINTENANCE_URL =
  process.env['DEVICELOGIN_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of its own for one test file. */
export interface TestDatabase {
  /** Its name: `devicelogin_test_<random>`. */
  readonly name: string;
  /** Connection string of the new database. */
  readonly url: string;
  /** Drops it, terminating connections left open. Harmless twice. */
  drop(): Promise<void>;
}

async function withMaintenance<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_MAINTENANCE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(POSTGRES_MAINTENANCE_URL).host;
    throw new Error(
      `PostgreSQL is not reachable at ${where} (${(error as { code?: string }).code ?? (error as Error).message}). ` +
        'The store tests need it: start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` ' +
        '(.ci/run does), or set DEVICELOGIN_TEST_POSTGRES_URL.',
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh, empty database `devicelogin_test_<random>` through the maintenance database
 * (`DEVICELOGIN_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`).
 * Rejects — never skips — when PostgreSQL is unreachable: the tests that need it must fail.
 * @example
 * const db = await freshPostgresDatabase();
 * afterAll(() => db.drop());
 */
export async function freshPostgresDatabase(): Promise<TestDatabase> {
  const name = `devicelogin_test_${randomBytes(6).toString('hex')}`;
  // Identifiers cannot be bound as parameters; the name is generated from [a-z0-9_] only.
  await withMaintenance((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_MAINTENANCE_URL);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: url.toString(),
    drop: () =>
      (dropped ??= withMaintenance(async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      })),
  };
}
