/**
 * The PostgreSQL store's access to its pool: parameterised queries and transactions, with driver
 * errors translated in one place (unavailable.ts) so every method of the store rejects with a
 * {@link StoreUnavailableError} during an outage, and `bigint` columns (epoch milliseconds,
 * counts) parsed as JavaScript numbers for this pool only (the global pg type table is left alone).
 */
import { Pool, types, type PoolClient, type PoolConfig, type QueryResultRow } from 'pg';
import { backendEnded, isUnavailable, translateError } from './unavailable.js';

/** A bound parameter: statements never interpolate values. */
export type SqlValue = string | number | boolean | null | readonly string[];

/** `int8`'s type OID. */
const INT8_OID = 20;

/** int8 → number; refuses what a number cannot hold exactly instead of rounding it. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is outside the safe integer range`);
  return value;
}

/** pg's parsers, except int8 → number. */
const TYPES: NonNullable<PoolConfig['types']> = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : (types.getTypeParser(oid, format ?? 'text') as unknown)) as typeof types.getTypeParser,
};

/** Something statements run on: the pool (each statement its own transaction) or one transaction. */
export interface Queryable {
  /** Runs `text` with `$1…` bound to `values`; the rows it returned. */
  rows<R extends QueryResultRow>(text: string, values?: readonly SqlValue[]): Promise<R[]>;
  /** Runs `text`; how many rows it changed (or returned). */
  run(text: string, values?: readonly SqlValue[]): Promise<number>;
}

/**
 * Further tries of a pool statement whose connection's backend had been ended. After a restart or
 * pg_terminate_backend the pool may still hold several idle connections whose end it has not read
 * yet; each such try drops one. Bounded: a server that is really going away refuses new
 * connections with another error, which is not retried.
 */
const RETRIES_ON_ENDED_BACKEND = 2;

async function execute<R extends QueryResultRow>(
  target: Pool | PoolClient,
  text: string,
  values: readonly SqlValue[],
): Promise<{ rows: R[]; rowCount: number }> {
  // Only statements on the pool are tried again: each is its own transaction, which the ended
  // backend aborted. One on a checked-out connection belongs to a transaction that is gone.
  let retries = target instanceof Pool ? RETRIES_ON_ENDED_BACKEND : 0;
  for (;;) {
    try {
      const result = await target.query<R>(text, values as unknown[]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (error) {
      if (retries-- > 0 && backendEnded(error)) continue;
      throw translateError(error);
    }
  }
}

function queryable(target: Pool | PoolClient): Queryable {
  return {
    rows: async <R extends QueryResultRow>(text: string, values: readonly SqlValue[] = []) =>
      (await execute<R>(target, text, values)).rows,
    run: async (text, values = []) => (await execute(target, text, values)).rowCount,
  };
}

/** Pool settings {@link PgDatabase} takes. */
export interface PgPoolSettings {
  readonly connectionString: string;
  readonly max: number;
  readonly connectionTimeoutMillis: number;
  readonly idleTimeoutMillis: number;
  readonly applicationName: string;
  /**
   * Errors of connections outside any statement (the server went away while one was idle, or
   * checked out between statements): the pool drops them and reconnects; statements that were
   * pending have already failed with a {@link StoreUnavailableError}.
   */
  readonly onIdleError: (error: Error) => void;
}

/** A pool with translated errors. */
export class PgDatabase implements Queryable {
  readonly #pool: Pool;
  readonly #direct: Queryable;
  readonly #onConnectionError: (error: Error) => void;
  /** Checked-out connections given {@link #onConnectionError} as their 'error' listener. */
  readonly #listened = new WeakSet<PoolClient>();
  #ended: Promise<void> | undefined;

  constructor(settings: PgPoolSettings) {
    this.#pool = new Pool({
      connectionString: settings.connectionString,
      max: settings.max,
      connectionTimeoutMillis: settings.connectionTimeoutMillis,
      idleTimeoutMillis: settings.idleTimeoutMillis,
      application_name: settings.applicationName,
      types: TYPES,
    });
    // Without a listener an idle connection's error (server restart, pg_terminate_backend) would
    // crash the process; pg removes that connection and the next query opens a new one.
    this.#pool.on('error', settings.onIdleError);
    this.#onConnectionError = settings.onIdleError;
    this.#direct = queryable(this.#pool);
  }

  rows<R extends QueryResultRow>(text: string, values?: readonly SqlValue[]): Promise<R[]> {
    return this.#direct.rows<R>(text, values);
  }

  run(text: string, values?: readonly SqlValue[]): Promise<number> {
    return this.#direct.run(text, values);
  }

  /**
   * Runs `work` in one transaction on one connection (READ COMMITTED): committed when it
   * resolves, rolled back when it throws (its error is rethrown). A connection that failed is
   * destroyed rather than returned to the pool. A connection whose backend had been ended before
   * `BEGIN` is replaced (at most {@link RETRIES_ON_ENDED_BACKEND} times); `work` runs at most once.
   */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let retries = RETRIES_ON_ENDED_BACKEND; ; retries--) {
      const client = await this.connect();
      const tx = queryable(client);
      try {
        await tx.run('BEGIN');
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(String(error)));
        if (retries > 0 && backendEnded(error)) continue;
        throw error;
      }
      return this.#within(client, tx, work);
    }
  }

  /** `work` inside the transaction `BEGIN` opened on `client`; releases `client`. */
  async #within<T>(client: PoolClient, tx: Queryable, work: (tx: Queryable) => Promise<T>): Promise<T> {
    let broken: Error | undefined;
    try {
      const result = await work(tx);
      await tx.run('COMMIT');
      return result;
    } catch (error) {
      await tx.run('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      if (broken === undefined && isUnavailable(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * A connection of its own, for work that spans transactions (migrations under a session lock);
   * the caller releases it (with the error, if it failed, so it is not reused).
   */
  async connect(): Promise<PoolClient> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw translateError(error);
    }
    // pg-pool listens for errors only while a connection is idle (and pool.query while its query
    // runs). A checked-out connection whose server goes away fails its pending statements, then
    // emits 'error': with no listener that would end the process. Once per connection.
    if (!this.#listened.has(client)) {
      this.#listened.add(client);
      client.on('error', this.#onConnectionError);
    }
    return client;
  }

  /** Ends the pool once (waits for checked-out connections); later calls wait for the first. */
  end(): Promise<void> {
    return (this.#ended ??= this.#pool.end());
  }
}

/** Rows deleted per statement by {@link deleteInBatches}. */
export const PURGE_BATCH = 1000;

/**
 * Runs `statement`, a `DELETE` of at most `$2` rows matching `$1` (`… WHERE ctid = ANY (ARRAY(
 * SELECT ctid … LIMIT $2))`), until one deletes fewer than {@link PURGE_BATCH}: each batch is its
 * own short transaction, so a large purge never holds many locks. Returns how many were deleted.
 */
export async function deleteInBatches(sql: Queryable, statement: string, before: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await sql.run(statement, [before, PURGE_BATCH]);
    total += deleted;
    if (deleted < PURGE_BATCH) return total;
  }
}

/** Statements on a connection checked out with {@link PgDatabase.connect}. */
export function onClient(client: PoolClient): Queryable {
  return queryable(client);
}
