/**
 * Fixed-window counters in SQLite, shared by every connection to the file: one upsert adds and
 * reads in a single statement, so two processes counting the same window never lose a hit.
 */
import type Database from 'better-sqlite3';
import type { Params } from './rows.js';

/** Rows deleted per statement by {@link SqliteCounters.purgeEnded}. */
const PURGE_BATCH = 500;

/** The window of `at`: windows are aligned on multiples of `windowMs` since the epoch. */
function windowOf(windowMs: number, at: number): { windowStart: number; windowEnd: number } {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw new RangeError(`counter window must be a positive integer of milliseconds, got ${windowMs}`);
  }
  const windowStart = Math.floor(at / windowMs) * windowMs;
  return { windowStart, windowEnd: windowStart + windowMs };
}

/** The `counters` table: one row per key, window length and window. */
export class SqliteCounters {
  readonly #hit: Database.Statement<Params, number>;
  readonly #count: Database.Statement<Params, number>;
  readonly #purge: Database.Statement<Params>;

  /** Prepares every statement once. */
  constructor(db: Database.Database) {
    this.#hit = db
      .prepare<Params, number>(
        `INSERT INTO counters (key, window_ms, window_start, window_end, count)
        VALUES (@key, @windowMs, @windowStart, @windowEnd, 1)
        ON CONFLICT (key, window_ms, window_start) DO UPDATE SET count = count + 1
        RETURNING count`,
      )
      .pluck();
    this.#count = db
      .prepare<Params, number>(
        'SELECT count FROM counters WHERE key = @key AND window_ms = @windowMs AND window_start = @windowStart',
      )
      .pluck();
    this.#purge = db.prepare<Params>(`
      DELETE FROM counters WHERE rowid IN (
        SELECT rowid FROM counters WHERE window_end <= @before LIMIT @limit)`);
  }

  /** Adds 1 to the window of `at` and returns its new count (1 in a new window). */
  hit(key: string, windowMs: number, at: number): number {
    const row = this.#hit.get({ key, windowMs, ...windowOf(windowMs, at) });
    if (row === undefined) throw new Error('counter upsert returned no row');
    return row;
  }

  /** The count of the window of `at` (0 when nobody hit it). */
  count(key: string, windowMs: number, at: number): number {
    const { windowStart } = windowOf(windowMs, at);
    return this.#count.get({ key, windowMs, windowStart }) ?? 0;
  }

  /** Deletes windows that ended at or before `before`, in batches; returns how many. */
  purgeEnded(before: number): number {
    let total = 0;
    for (;;) {
      const { changes } = this.#purge.run({ before, limit: PURGE_BATCH });
      total += changes;
      if (changes < PURGE_BATCH) return total;
    }
  }
}
