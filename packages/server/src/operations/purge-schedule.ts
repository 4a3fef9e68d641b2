/**
 * The scheduled purge: every `purgeIntervalSeconds` the store deletes the device codes and refresh
 * tokens that have expired, the approvals past `approvalRetentionDays` and the counter windows
 * that ended (`Store.purgeExpired`, batched). Started when the app listens, stopped when it
 * closes. A run that fails (the database is down) is logged and counted; the next one comes at the
 * next interval, so the loop never ends by itself. Every instance sharing a database runs its own:
 * the deletes are idempotent, so they only repeat each other's work.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '@devicelogin/protocol';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { StoreUnavailableError } from '../store/errors.js';
import type { Store } from '../store/store.js';

const DAY_MS = 86_400_000;

/** Where a run reports (the app's pino logger). */
export interface PurgeLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** What {@link startPurgeSchedule} and {@link purgeOnce} take. */
export interface PurgeScheduleOptions {
  readonly store: Pick<Store, 'purgeExpired'>;
  /** Record time (the app's clock): what has expired is decided against its `now()`. */
  readonly clock: Pick<Clock, 'now'>;
  /** What the loop waits on between runs; must reject when the signal aborts. */
  readonly sleep: Clock['sleep'];
  readonly intervalSeconds: number;
  readonly approvalRetentionDays: number;
  readonly log: PurgeLog;
  readonly metrics: Pick<ServerMetrics, 'purgeRuns' | 'purgedRows' | 'purgeLastSuccess'>;
}

/** A running schedule. */
export interface PurgeSchedule {
  /** Cancels the wait for the next run and waits for a run in progress to end; harmless twice. */
  stop(): Promise<void>;
}

/**
 * Starts the loop: wait one interval, purge, and again, until {@link PurgeSchedule.stop}. The
 * first run comes one interval after the start.
 */
export function startPurgeSchedule(options: PurgeScheduleOptions): PurgeSchedule {
  const controller = new AbortController();
  const intervalMs = options.intervalSeconds * 1000;
  const loop = (async (): Promise<void> => {
    for (;;) {
      try {
        await options.sleep(intervalMs, controller.signal);
      } catch {
        return; // aborted: stopped
      }
      if (controller.signal.aborted) return;
      await purgeOnce(options);
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}

/**
 * One run: `purgeExpired(now, { approvalsBefore: now − retention })`, then one log line with the
 * number of rows deleted (never an id or code) and the counters. Never throws: a failure is
 * logged as a warning and counted.
 * @returns the rows deleted, or undefined when the run failed.
 */
export async function purgeOnce(options: PurgeScheduleOptions): Promise<number | undefined> {
  const { log, metrics } = options;
  const now = options.clock.now();
  const started = performance.now();
  try {
    const deleted = await options.store.purgeExpired(now, {
      approvalsBefore: now - options.approvalRetentionDays * DAY_MS,
    });
    metrics.purgeRuns.inc({ outcome: 'ok' });
    metrics.purgedRows.inc(deleted);
    metrics.purgeLastSuccess.set(now / 1000);
    log.info({ purge: { deleted, ms: Math.round(performance.now() - started) } }, 'expired records purged');
    return deleted;
  } catch (error) {
    metrics.purgeRuns.inc({ outcome: 'failed' });
    const err = error instanceof Error ? error : new Error(String(error));
    // `error`, not pino's `err` (whose serializer would log the stack and the driver's cause).
    log.warn(
      { error: { type: err.name, message: err.message } },
      err instanceof StoreUnavailableError
        ? 'purge skipped: the store is unavailable; retrying at the next interval'
        : 'purge failed; retrying at the next interval',
    );
    return undefined;
  }
}
