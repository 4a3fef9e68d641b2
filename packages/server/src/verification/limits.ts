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
 * resets a budget. Each request counts as an attempt before anything is looked up, atomically,
 * and is refused when the attempts minus the successes exceed `max` ({@link countAttempt}): a
 * check made apart from the count would let a burst of concurrent requests all pass before any
 * failure is written (several instances on PostgreSQL). The server configuration will expose
 * these; until then they are set here.
 */
export interface VerificationLimits {
  /** Wrong, expired, used or malformed codes from one IP. */
  readonly codeEntryPerIp: Budget;
  /** Wrong codes from one network (IPv4 /24, IPv6 /48): rotating addresses within one does not pay. */
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

/** The store counter of a budget's attempts: every request charged to it, counted first. */
export function attemptsKey(counter: Pick<Counter, 'key'>): string {
  return `${counter.key}:attempts`;
}

/** The store counter of a budget's successes: attempts that turned out right. */
export function successesKey(counter: Pick<Counter, 'key'>): string {
  return `${counter.key}:ok`;
}

/**
 * Counts one attempt against `counter` before anything is looked at, and returns the budget's
 * failures with this attempt among them: the new attempt count (one atomic `store.hit`) minus
 * the successes counted so far. The caller goes on when the result is at most `counter.max`.
 *
 * Why concurrent requests cannot overspend it (on PostgreSQL, from several instances): each
 * attempt gets its own number n from the atomic increment, and only a request the budget let
 * through ever counts a success (`recordSuccess`, in the attempt's window: the same `now`). Take
 * the r requests the budget let through in a window and, among them, the one with the highest
 * number n: n ≥ r, and the successes it read are at most the s successes there are in all, so
 * r − s ≤ n − (successes read) ≤ max. The r − s are the attempts it let through that were not
 * right (failures, and requests refused further on): never more than `max`, whatever the
 * interleaving. A success gives back exactly its own attempt, never more (a refused attempt is
 * not given back: that would be a success nobody was let through for, and the bound would fail),
 * so successes never reset a budget; attempts in flight count as failures until they succeed.
 */
export async function countAttempt(store: Store, counter: Counter, now: number): Promise<number> {
  const [attempts, successes] = await Promise.all([
    store.hit(attemptsKey(counter), counter.windowMs, now),
    store.count(successesKey(counter), counter.windowMs, now),
  ]);
  return attempts - successes;
}

/**
 * Gives their attempt back to `counters` (the budgets that let a right attempt through), in the
 * window of `now`: the time the attempts were counted at, so each success meets its own attempt.
 */
export async function recordSuccess(store: Store, counters: readonly Counter[], now: number): Promise<void> {
  for (const counter of counters) await store.hit(successesKey(counter), counter.windowMs, now);
}

/** A request's standing against a chain of budgets (attempt first, limits.ts). */
export interface Attempt {
  /** Set when a budget refused the request (evaluate nothing): when to try again (epoch ms). */
  readonly retryAt: number | undefined;
  /** The attempt was right: gives it back to every budget that let it through. */
  succeeded(): Promise<void>;
}

/**
 * Counts one attempt against each of `counters`, in order, with {@link countAttempt}; the first
 * that refuses stops the chain, so the budgets after it are not charged (a blocked address cannot
 * spend a shared budget). A failure needs nothing more: the attempt is the failure.
 */
export async function countAttempts(store: Store, counters: readonly Counter[], now: number): Promise<Attempt> {
  const passed: Counter[] = [];
  for (const counter of counters) {
    if ((await countAttempt(store, counter, now)) > counter.max) {
      return { retryAt: windowEnd(now, counter.windowMs), succeeded: () => Promise.resolve() };
    }
    passed.push(counter);
  }
  return { retryAt: undefined, succeeded: () => recordSuccess(store, passed, now) };
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
