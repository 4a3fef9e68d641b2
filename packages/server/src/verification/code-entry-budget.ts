import type { Store } from '../store/store.js';
import { ipPrefix } from './ip-prefix.js';
import { countAttempt, recordSuccess, windowEnd, type Counter, type VerificationLimits } from './limits.js';

/** A request's standing against the code-entry budgets; its attempt is already counted. */
export interface CodeEntryCheck {
  /** Set when the request must not be evaluated: when to try again (epoch ms). */
  readonly retryAt: number | undefined;
  /** Whether the global budget was spent when checked (metrics, logs). */
  readonly underAttack: boolean;
  /**
   * The code was right (it binds the session, or pre-fills the form): gives this attempt back to
   * every budget that let it through. A wrong code needs nothing: the attempt is the failure.
   */
  recordSuccess(): Promise<void>;
}

/**
 * The code-entry budgets of one request (docs/security.md, "Guessing"): per IP, per network
 * (IPv4 /24, IPv6 /48) and global, all in the shared store.
 *
 * `scope: 'prefill'` (a deep link's `GET /device?user_code=…`, deep-link-policy.ts) counts the same
 * way against budgets of its own: such a GET needs no cookie, so any web page can make its
 * visitors' browsers send them, from their networks; charged to the code-entry budgets they could
 * put the form "under attack" and refuse real users. Spent, pre-fill simply stops (the user types
 * the code); the form is unaffected. The lookups a deep link buys are bounded by these budgets on
 * top of the form's: at most `codeEntryGlobal` more per window.
 *
 * The global budget used to be a hard stop: spent by about 100 addresses, it refused every code
 * entry from anyone for the rest of the window (the finding of issue 8). It is now the switch to
 * an "under attack" mode in which a network that has failed in the window is refused, while a
 * network that has not gets one try (a user typing the code from their device rarely fails), charged
 * to a second, equal global budget; when that one is spent too, everyone waits for the window to
 * end. So an attacker gets at most `codeEntryGlobal + codeEntryUnderAttack` guesses per window,
 * one per clean network after the first, and must bring more than `codeEntryUnderAttack` fresh
 * networks (not addresses) to lock out users from networks that did nothing wrong.
 *
 * Attempt first (limits.ts, `countAttempt`): checking counters and writing the failure after the
 * lookup let a burst of concurrent guesses all pass the check (1,000 from one address evaluated
 * against a budget of 10, on PostgreSQL). Now each budget's decision rests on the number its own
 * atomic increment returned, before the code is looked up:
 *
 * 1. Per IP: an attempt; refused when attempts − successes exceeds the budget, and then nothing
 *    else is charged (a blocked address cannot spend its network's or everyone's budget).
 * 2. Per network: the same; refused, the global budget is not charged.
 * 3. Global: the same; within it, the code is evaluated.
 * 4. Global spent ("under attack"): the request goes on only if the network attempt counted in 2
 *    was the network's only one that is not a success (no failure in the window and no other
 *    attempt in flight: concurrent requests of a clean network get one try between them), and
 *    then only within the under-attack budget (an attempt against it, as in 1).
 *
 * A right code then counts a success against the budgets that let it through: per IP, per network,
 * and global (3) or under attack (4). One let through by the under-attack budget gives nothing
 * back to the global one, which refused it: only successes of requests a budget let through may
 * be subtracted from its attempts, or concurrent successes could make room for failures beyond
 * its `max` (the argument in `countAttempt`). So failures evaluated per window stay within
 * `codeEntryGlobal + codeEntryUnderAttack` whatever the interleaving, and within the per-IP and
 * per-network budgets for each address and network. Refused attempts stay counted against the
 * budget that refused them (it was spent already, so this changes no answer in the window).
 */
export async function checkCodeEntry(
  store: Store,
  limits: VerificationLimits,
  ip: string,
  now: number,
  scope: 'code' | 'prefill' = 'code',
): Promise<CodeEntryCheck> {
  const address: Counter = { key: `verify:${scope}:ip:${ip}`, ...limits.codeEntryPerIp };
  const prefix: Counter = { key: `verify:${scope}:prefix:${ipPrefix(ip)}`, ...limits.codeEntryPerPrefix };
  const global: Counter = { key: `verify:${scope}:global`, ...limits.codeEntryGlobal };
  const underAttackBudget: Counter = { key: 'verify:code:under-attack', ...limits.codeEntryUnderAttack };
  const refused = (counter: Pick<Counter, 'windowMs'>, underAttack: boolean): CodeEntryCheck => ({
    retryAt: windowEnd(now, counter.windowMs),
    underAttack,
    recordSuccess: () => Promise.resolve(),
  });
  const allowed = (budgets: readonly Counter[], underAttack: boolean): CodeEntryCheck => ({
    retryAt: undefined,
    underAttack,
    recordSuccess: () => recordSuccess(store, budgets, now),
  });
  if ((await countAttempt(store, address, now)) > address.max) return refused(address, false);
  // The network's attempts not given back by a success, this one included.
  const networkOutstanding = await countAttempt(store, prefix, now);
  if (networkOutstanding > prefix.max) return refused(prefix, false);
  if ((await countAttempt(store, global, now)) <= global.max) return allowed([address, prefix, global], false);
  // Deep links spent their own global budget: no pre-fill (the user types the code), no more.
  if (scope === 'prefill') return refused(global, true);
  // Under attack: only a network with no attempt out but this one, while the second budget lasts.
  if (networkOutstanding > 1) return refused(global, true);
  if ((await countAttempt(store, underAttackBudget, now)) > underAttackBudget.max) {
    return refused(underAttackBudget, true);
  }
  return allowed([address, prefix, underAttackBudget], true);
}
