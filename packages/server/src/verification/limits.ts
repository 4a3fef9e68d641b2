import type { DeviceCodeRecord, Store } from '../store/store.js';

/** A failure budget: at most `max` failures per fixed window of `windowMs`. */
export interface Budget {
  readonly max: number;
  readonly windowMs: number;
}

/** A failure budget over the whole life of one device code (its window is the code's lifetime). */
export interface CodeBudget {
  readonly max: number;
}

/**
 * Guessing limits of the verification pages (PROTOCOL-NOTES §E), counted in the shared store so
 * every instance sees one budget. Only failures count (malformed input included); a success never
 * resets a budget. The server configuration will expose these; until then they are set here.
 */
export interface VerificationLimits {
  /** Wrong, expired, used or malformed codes from one IP. */
  readonly codeEntryPerIp: Budget;
  /** Wrong codes from one network (IPv4 /24, IPv6 /56): rotating addresses within one does not pay. */
  readonly codeEntryPerPrefix: Budget;
  /**
   * Wrong codes from everyone: with many pending codes any hit counts, so IP rotation must not
   * pay. Once it is spent the server is "under attack" (code-entry-budget.ts): networks that
   * failed in the window are refused, a network that has not still gets one try, charged to
   * {@link codeEntryUnderAttack}.
   */
  readonly codeEntryGlobal: Budget;
  /**
   * Wrong codes from clean networks while under attack: when it is spent too, every code entry
   * waits for the window's end. Guesses per window never exceed the two global budgets together.
   */
  readonly codeEntryUnderAttack: Budget;
  /** Failed sign-ins for one username in one tenant (whether or not it exists). */
  readonly signInPerAccount: Budget;
  /** Failed sign-ins from one IP. */
  readonly signInPerIp: Budget;
  /**
   * Failed sign-ins for one device code, from anyone, over the code's whole life: the failure that
   * reaches `max` denies the code, so a phished or guessed code cannot be used to try passwords
   * (the device gets `access_denied`). Code entry failures cannot be charged to a code: a wrong
   * code matches none, and telling which live code it was "close to" would leak.
   */
  readonly signInPerCode: CodeBudget;
}

const FIFTEEN_MINUTES = 15 * 60_000;

/** The defaults. */
export const VERIFICATION_LIMITS: VerificationLimits = {
  codeEntryPerIp: { max: 10, windowMs: FIFTEEN_MINUTES },
  codeEntryPerPrefix: { max: 30, windowMs: FIFTEEN_MINUTES },
  codeEntryGlobal: { max: 1000, windowMs: FIFTEEN_MINUTES },
  codeEntryUnderAttack: { max: 1000, windowMs: FIFTEEN_MINUTES },
  signInPerAccount: { max: 5, windowMs: FIFTEEN_MINUTES },
  signInPerIp: { max: 20, windowMs: FIFTEEN_MINUTES },
  signInPerCode: { max: 10 },
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

/** The store counter of a device code's failed sign-ins (the record id: no code, not even hashed). */
export function codeFailureKey(record: Pick<DeviceCodeRecord, 'id'>): string {
  return `verify:signin:code:${record.id}`;
}

/**
 * Counts one failed sign-in against a device code and returns how many it has had in its life.
 * The counter's window is the code's lifetime L. Windows are aligned on multiples of L, so every
 * failure (all between `createdAt` and `now`, and `now - L <= createdAt` while the code lives)
 * lies in the window of `now` or the one before it: their sum is exact, and both windows end, and
 * are purged, at most 2·L after the code expires.
 */
export async function recordCodeFailure(
  store: Store,
  record: Pick<DeviceCodeRecord, 'id' | 'createdAt' | 'expiresAt'>,
  now: number,
): Promise<number> {
  const key = codeFailureKey(record);
  const windowMs = Math.max(1, record.expiresAt - record.createdAt);
  const current = await store.hit(key, windowMs, now);
  return current + (await store.count(key, windowMs, now - windowMs));
}
