import type { Store } from '../store/store.js';

/** A failure budget: at most `max` failures per fixed window of `windowMs`. */
export interface Budget {
  readonly max: number;
  readonly windowMs: number;
}

/**
 * Guessing limits of the verification pages (PROTOCOL-NOTES §E), counted in the shared store so
 * every instance sees one budget. Only failures count (malformed input included); a success never
 * resets a budget. The server configuration will expose these; until then they are set here.
 */
export interface VerificationLimits {
  /** Wrong, expired, used or malformed codes from one IP. */
  readonly codeEntryPerIp: Budget;
  /** Wrong codes from everyone: with many pending codes, any hit counts, so IP rotation must not pay. */
  readonly codeEntryGlobal: Budget;
  /** Failed sign-ins for one username in one tenant (whether or not it exists). */
  readonly signInPerAccount: Budget;
  /** Failed sign-ins from one IP. */
  readonly signInPerIp: Budget;
}

const FIFTEEN_MINUTES = 15 * 60_000;

/** The defaults. */
export const VERIFICATION_LIMITS: VerificationLimits = {
  codeEntryPerIp: { max: 10, windowMs: FIFTEEN_MINUTES },
  codeEntryGlobal: { max: 1000, windowMs: FIFTEEN_MINUTES },
  signInPerAccount: { max: 5, windowMs: FIFTEEN_MINUTES },
  signInPerIp: { max: 20, windowMs: FIFTEEN_MINUTES },
};

/** A budget applied to one store counter. */
export interface Counter extends Budget {
  readonly key: string;
}

/** When the fixed window holding `at` ends (the store's windows start at multiples of `windowMs`). */
export function windowEnd(at: number, windowMs: number): number {
  return Math.floor(at / windowMs) * windowMs + windowMs;
}

/**
 * The time the caller may try again if any counter has used up its budget, else undefined.
 * Reads only: checking does not count.
 */
export async function retryAfterLimit(
  store: Store,
  counters: readonly Counter[],
  now: number,
): Promise<number | undefined> {
  let retryAt: number | undefined;
  for (const counter of counters) {
    if ((await store.count(counter.key, counter.windowMs, now)) >= counter.max) {
      retryAt = Math.max(retryAt ?? 0, windowEnd(now, counter.windowMs));
    }
  }
  return retryAt;
}

/** Counts one failure against every counter. */
export async function recordFailure(store: Store, counters: readonly Counter[], now: number): Promise<void> {
  for (const counter of counters) await store.hit(counter.key, counter.windowMs, now);
}
