/**
 * A fresh PostgreSQL database for one benchmark run, created through the maintenance database
 * (`BENCH_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`: trust auth on these
 * machines) and dropped afterwards. `pg` is the server's own driver (hoisted in node_modules).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The maintenance database. */
export const BENCH_POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of the run. */
export interface BenchDatabase {
  readonly name: string;
  /** Its connection string (never printed: it may hold a password). */
  readonly url: string;
  /** Drops it, ending connections left open; harmless twice. */
  drop(): Promise<void>;
}

async function maintenance(statement: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement, values);
  } finally {
    await client.end();
  }
}

/**
 * Creates `devicelogin_bench_<random>`.
 * @throws Error when PostgreSQL is not reachable.
 */
export async function freshBenchDatabase(): Promise<BenchDatabase> {
  const name = `devicelogin_bench_${randomBytes(6).toString('hex')}`;
  // Identifiers cannot be bound; the name is [a-z0-9_] only.
  await maintenance(`CREATE DATABASE ${name}`);
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: url.toString(),
    drop: () => (dropped ??= maintenance(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}
