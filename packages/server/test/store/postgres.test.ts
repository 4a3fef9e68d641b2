/**
 * The PostgreSQL store: the whole store contract (two instances on one database included), then
 * what is PostgreSQL's own: migrations under the advisory lock, and outages surfacing as
 * StoreUnavailableError with the pool recovering by itself.
 */
import { freePort, startTcpRelay } from '@devicelogin/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { PgDatabase } from '../../src/store/postgres/database.js';
import { migrate, PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { runStoreContract } from './contract.js';
import { newDeviceCode, T0 } from './contract-fixtures.js';
import { sql, usePostgres } from './postgres-fixture.js';

const postgres = usePostgres();
const VERSIONS = PG_MIGRATIONS.map((m) => m.version);

runStoreContract('PostgreSQL', async () => {
  const url = await postgres.emptied();
  const opened: PostgresStore[] = [await openPostgresStore({ connectionString: url, max: 5 })];
  return {
    store: opened[0]!,
    reopen: async () => {
      const another = await openPostgresStore({ connectionString: url, max: 5 });
      opened.push(another);
      return another;
    },
    async cleanup() {
      for (const store of opened) await store.close();
    },
  };
});

describe('PostgreSQL store: schema and outages', () => {
  const toDispose: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const dispose of toDispose.splice(0).reverse()) await dispose();
  });

  async function open(url: string, now = T0, extra: { applicationName?: string } = {}): Promise<PostgresStore> {
    const store = await openPostgresStore({ connectionString: url, max: 3, clock: { now: () => now }, ...extra });
    toDispose.push(() => store.close());
    return store;
  }

  it('applies the migrations once, recording them; reopening applies none and keeps the data', async () => {
    const url = await postgres.fresh();
    const first = await open(url, T0);
    expect(first.migrationsApplied).toStrictEqual(VERSIONS);
    const code = newDeviceCode();
    await first.createDeviceCode(code);
    const second = await open(url, T0 + 60_000);
    expect(second.migrationsApplied).toStrictEqual([]);
    expect(await second.findDeviceCodeByHash(code.deviceCodeHash)).toMatchObject({ id: code.id });
    const rows = await sql(url, 'SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
    expect(rows).toStrictEqual(
      PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: String(T0) })),
    );
  });

  it('four instances opening an empty database at once all succeed; each migration is applied once', async () => {
    const url = await postgres.fresh();
    const stores = await Promise.all([0, 1, 2, 3].map(() => open(url)));
    const applied = stores.map((store) => store.migrationsApplied);
    expect(applied.filter((versions) => versions.length > 0)).toStrictEqual([VERSIONS]);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM schema_migrations')).toStrictEqual([{ n: VERSIONS.length }]);
    expect(await stores[3]!.hit('k', 60_000, T0)).toBe(1);
    expect(await stores[0]!.hit('k', 60_000, T0)).toBe(2);
  });

  it('a failing migration is rolled back whole; the ones before it stay applied', async () => {
    const url = await postgres.fresh();
    await open(url);
    const db = new PgDatabase({
      connectionString: url,
      max: 1,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 1000,
      applicationName: 'devicelogin-test',
      onIdleError: () => undefined,
    });
    toDispose.push(() => db.end());
    const later = [
      ...PG_MIGRATIONS,
      { version: 100, name: 'fine', sql: 'CREATE TABLE extra (a text)' },
      { version: 101, name: 'broken', sql: 'CREATE TABLE half (a text); ALTER TABLE missing ADD COLUMN b text' },
    ];
    await expect(migrate(db, T0, later)).rejects.toThrow(/missing/);
    const tables = await sql<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_name IN ('extra', 'half') AND table_schema = current_schema()",
    );
    expect(tables.map((t) => t.table_name)).toStrictEqual(['extra']);
    expect(await sql(url, 'SELECT max(version) AS v FROM schema_migrations')).toStrictEqual([{ v: 100 }]);
    expect(await migrate(db, T0, later.slice(0, -1))).toStrictEqual([]);
  });

  it('refuses a database written by a newer release', async () => {
    const url = await postgres.fresh();
    await open(url);
    await sql(url, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
    await expect(openPostgresStore({ connectionString: url })).rejects.toThrow(/newer than this release/);
  });

  it('an unreachable database: open rejects with StoreUnavailableError, without the password', async () => {
    const port = await freePort();
    const attempt = openPostgresStore({ connectionString: `postgres://devicelogin:s3cret-pw@127.0.0.1:${port}/x` });
    const error: unknown = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).code).toBe('store_unavailable');
    expect(String(error)).toContain('ECONNREFUSED');
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('s3cret-pw');
  });

  it('during an outage every call rejects with StoreUnavailableError; the same store recovers after', async () => {
    const url = new URL(await postgres.fresh());
    const relay = await startTcpRelay(Number(url.port || 5432), url.hostname);
    toDispose.push(() => relay.close());
    url.port = String(relay.port);
    const store = await open(url.toString());
    expect(await store.hit('k', 60_000, T0)).toBe(1);

    await relay.cut();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.hit('k', 60_000, T0)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.createDeviceCode(newDeviceCode())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.rotateRefreshToken('x', () => ({}) as never, T0)).rejects.toBeInstanceOf(StoreUnavailableError);

    await relay.restore();
    await store.ping();
    expect(await store.hit('k', 60_000, T0)).toBe(2);
  });

  /** Ends, with pg_terminate_backend, every backend of `applicationName` that `where` selects; how many. */
  async function terminate(url: string, applicationName: string, where = 'true'): Promise<number> {
    const ended = await sql<{ ended: boolean }>(
      url,
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1 AND ${where}`,
      [applicationName],
    );
    expect(ended.every((row) => row.ended)).toBe(true);
    return ended.length;
  }

  it('connections ended by the server while idle (pg_terminate_backend): the next calls succeed on new ones', async () => {
    const url = await postgres.fresh();
    const applicationName = `devicelogin-kill-${Date.now()}`;
    const store = await open(url, T0, { applicationName });
    // Rounds, because whether the pool has read a connection's end before the next call takes it
    // is a race (the one a cluster test lost in CI: a page answered 503 after the kill).
    for (let round = 1; round <= 5; round++) {
      // Three connections in the pool (max 3), all idle after this.
      await Promise.all([1, 2, 3].map(() => store.hit('k', 60_000, T0)));
      expect(await terminate(url, applicationName)).toBeGreaterThan(0);
      // Statements on the pool and transactions, straight after the kill.
      await store.ping();
      expect(await store.rotateRefreshToken('unknown', () => ({}) as never, T0)).toStrictEqual({ kind: 'unknown' });
    }
    expect(await store.hit('k', 60_000, T0)).toBe(16);
  });

  it('a statement whose backend is ended while it runs is run again on a new connection', async () => {
    const url = await postgres.fresh();
    const applicationName = `devicelogin-mid-${Date.now()}`;
    const db = new PgDatabase({
      connectionString: url,
      max: 2,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 1000,
      applicationName,
      onIdleError: () => undefined,
    });
    toDispose.push(() => db.end());
    const marker = `slow-${Date.now()}`;
    const running = db.rows<{ pid: number }>(`SELECT pg_backend_pid() AS pid, '${marker}' AS m FROM pg_sleep(0.5)`);
    let ended = 0;
    while (ended === 0) ended = await terminate(url, applicationName, `state = 'active' AND query LIKE '%${marker}%'`);
    const [row] = await running;
    expect(row?.pid).toEqual(expect.any(Number));
    // A statement inside a transaction is not run again: the transaction it belonged to is gone.
    const inTransaction = db.transaction((tx) => tx.rows(`SELECT '${marker}-tx' AS m FROM pg_sleep(0.5)`));
    inTransaction.catch(() => undefined); // its rejection is awaited below, after the kill
    ended = 0;
    while (ended === 0)
      ended = await terminate(url, applicationName, `state = 'active' AND query LIKE '%${marker}-tx%'`);
    await expect(inTransaction).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
