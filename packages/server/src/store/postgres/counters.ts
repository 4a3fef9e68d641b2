/**
 * Fixed-window counters in PostgreSQL, shared by every instance on the database: one
 * `INSERT … ON CONFLICT … DO UPDATE … RETURNING` adds and reads in a single statement (the
 * conflicting row is locked and updated, never lost), so concurrent hits are all counted.
 */
import { deleteInBatches, type PgDatabase } from './database.js';

/** The window of `at`: windows are aligned on multiples of `windowMs` since the epoch. */
function windowOf(windowMs: number, at: number): { windowStart: number; windowEnd: number } {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw new RangeError(`counter window must be a positive integer of milliseconds, got ${windowMs}`);
  }
  const windowStart = Math.floor(at / windowMs) * windowMs;
  return { windowStart, windowEnd: windowStart + windowMs };
}

/** The `counters` table: one row per key, window length and window. */
export class PgCounters {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** Adds 1 to the window of `at` and returns its new count (1 in a new window). */
  async hit(key: string, windowMs: number, at: number): Promise<number> {
    const { windowStart, windowEnd } = windowOf(windowMs, at);
    const [row] = await this.#db.rows<{ count: number }>(
      `INSERT INTO counters (key, window_ms, window_start, window_end, count)
      VALUES ($1, $2, $3, $4, 1)
      ON CONFLICT (key, window_ms, window_start) DO UPDATE SET count = counters.count + 1
      RETURNING count`,
      [key, windowMs, windowStart, windowEnd],
    );
    if (row === undefined) throw new Error('counter upsert returned no row');
    return row.count;
  }

  /** The count of the window of `at` (0 when nobody hit it). */
  async count(key: string, windowMs: number, at: number): Promise<number> {
    const { windowStart } = windowOf(windowMs, at);
    const [row] = await this.#db.rows<{ count: number }>(
      'SELECT count FROM counters WHERE key = $1 AND window_ms = $2 AND window_start = $3',
      [key, windowMs, windowStart],
    );
    return row?.count ?? 0;
  }

  /** Deletes windows that ended at or before `before`, in batches; returns how many. */
  purgeEnded(before: number): Promise<number> {
    return deleteInBatches(
      this.#db,
      `DELETE FROM counters WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM counters WHERE window_end <= $1 LIMIT $2))`,
      before,
    );
  }
}
