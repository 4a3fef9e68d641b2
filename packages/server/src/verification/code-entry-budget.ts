import type { Store } from '../store/store.js';
import { ipPrefix } from './ip-prefix.js';
import { recordFailure, retryAfterLimit, windowEnd, type Counter, type VerificationLimits } from './limits.js';

/** A request's standing against the code-entry budgets. */
export interface CodeEntryCheck {
  /** Set when the request must not be evaluated: when to try again (epoch ms). */
  readonly retryAt: number | undefined;
  /** Whether the global budget was spent when checked (metrics, logs). */
  readonly underAttack: boolean;
  /** Counts one wrong code against every budget this request is charged to. */
  recordFailure(now: number): Promise<void>;
}

/**
 * The code-entry budgets of one request (docs/security.md, "Guessing"): per IP, per network
 * (IPv4 /24, IPv6 /56) and global, all in the shared store.
 *
 * The global budget used to be a hard stop: spent by about 100 addresses, it refused every code
 * entry from anyone for the rest of the window (the finding of issue 8). It is now the switch to
 * an "under attack" mode in which a network that has failed in the window is refused, while a
 * network that has not gets one try (a user typing the code from their device rarely fails), charged
 * to a second, equal global budget; when that one is spent too, everyone waits for the window to
 * end. So an attacker gets at most `codeEntryGlobal + codeEntryUnderAttack` guesses per window,
 * one per clean network after the first, and must bring more than `codeEntryUnderAttack` fresh
 * networks (not addresses) to lock out users from networks that did nothing wrong.
 */
export async function checkCodeEntry(
  store: Store,
  limits: VerificationLimits,
  ip: string,
  now: number,
): Promise<CodeEntryCheck> {
  const prefix: Counter = { key: `verify:code:prefix:${ipPrefix(ip)}`, ...limits.codeEntryPerPrefix };
  const own: Counter[] = [{ key: `verify:code:ip:${ip}`, ...limits.codeEntryPerIp }, prefix];
  const global: Counter = { key: 'verify:code:global', ...limits.codeEntryGlobal };
  const underAttackBudget: Counter = { key: 'verify:code:under-attack', ...limits.codeEntryUnderAttack };
  const charged = [...own, global];
  const result = (retryAt: number | undefined, underAttack: boolean): CodeEntryCheck => ({
    retryAt,
    underAttack,
    recordFailure: (at) => recordFailure(store, underAttack ? [...charged, underAttackBudget] : charged, at),
  });
  const ownRetryAt = await retryAfterLimit(store, own, now);
  if (ownRetryAt !== undefined) return result(ownRetryAt, false);
  if ((await store.count(global.key, global.windowMs, now)) < global.max) return result(undefined, false);
  // Under attack: only networks with no failure in this window, while the second budget lasts.
  const refusedUntil = windowEnd(now, global.windowMs);
  if ((await store.count(prefix.key, prefix.windowMs, now)) > 0) return result(refusedUntil, true);
  const attackRetryAt = await retryAfterLimit(store, [underAttackBudget], now);
  return result(attackRetryAt, true);
}
