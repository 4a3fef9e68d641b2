/**
 * PostgreSQL for the store tests: one fresh database per test file (`freshPostgresDatabase`,
 * dropped after the file; creating one costs ~0.5 s here). Inside it, schemas selected through
 * the connection string's `search_path`: a fresh one per test where migrations matter
 * (`fresh()`), or one shared schema emptied before each test (`emptied()`: ~30 ms instead of
 * ~150 ms of DDL per test, for the contract's fifty-odd tests). Never skips: without PostgreSQL
 * the file fails.
 */
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { freshPostgresDatabase, type TestDatabase } from '@devicelogin/test-utils';
import { afterAll, beforeAll } from 'vitest';

/** Connection strings of fresh schemas in this file's database. */
export interface PostgresSchemas {
  /** A new, empty schema; its connection string (with `search_path` set to it). */
  fresh(): Promise<string>;
  /**
   * The file's shared schema, migrated by the first store opened on it and emptied (every table
   * but `schema_migrations`) at each call; its connection string.
   */
  emptied(): Promise<string>;
  /** The database's own connection string (default `search_path`). */
  readonly databaseUrl: string;
}

/**
 * `url` with every connection's `search_path` set to `schema`, and commits not waiting for the
 * disk flush (`synchronous_commit=off`: only durability across a server crash differs, which no
 * test looks at; commits are ~5 ms each on these disks otherwise).
 */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema} -c synchronous_commit=off`);
  return parsed.toString();
}

/** Runs `text` once on a connection of its own to `url` (setup and inspection in tests). */
export async function sql<R extends Record<string, unknown>>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Registers the file's database (created before its tests, dropped after) and returns the
 * schema factory. Call at the top level of a test file.
 */
export function usePostgres(): PostgresSchemas {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await freshPostgresDatabase();
  }, 30_000);
  afterAll(async () => {
    await database?.drop();
  }, 30_000);
  const current = (): TestDatabase => {
    if (database === undefined) throw new Error('the test database was not created');
    return database;
  };
  let shared: string | undefined;
  return {
    async emptied() {
      if (shared === undefined) return (shared = await this.fresh());
      const tables = await sql<{ name: string }>(
        shared,
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'",
      );
      // Every foreign key cascades, so the order does not matter. Names come from the catalog.
      if (tables.length > 0) await sql(shared, tables.map((t) => `DELETE FROM ${escapeIdentifier(t.name)}`).join(';'));
      return shared;
    },
    get databaseUrl() {
      return current().url;
    },
    async fresh() {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      // Identifiers cannot be bound; the name is generated from [a-z0-9_] only.
      await sql(current().url, `CREATE SCHEMA ${schema}`);
      return withSearchPath(current().url, schema);
    },
  };
}
