import type { GeneratedCache } from './generate-cache.js';
import type { SilentPeer } from './peers/peer.js';

/** Milliseconds elapsed since `start` (a `performance.now()` value). */
const since = (start: number): number => performance.now() - start;

/**
 * One timed `acquireTokenSilent`, checked: it must come from the cache and return exactly the
 * access token generated for that account.
 * @returns its wall time in ms.
 * @throws {Error} on a cache miss or a wrong token.
 */
export async function timedSilent(peer: SilentPeer, cache: GeneratedCache, index: number): Promise<number> {
  const start = performance.now();
  const outcome = await peer.silent(index);
  const elapsed = since(start);
  const expected = cache.accounts[index]?.accessToken;
  if (outcome.fromCache !== true) throw new Error(`${peer.name}: account ${index} was not served from the cache`);
  if (outcome.accessToken !== expected) throw new Error(`${peer.name}: account ${index} got another access token`);
  return elapsed;
}

/** Fails when the peer attempted any network request. */
export function assertOffline(peer: SilentPeer): void {
  const attempts = peer.networkAttempts();
  if (attempts > 0) throw new Error(`${peer.name} attempted ${attempts} network request(s)`);
}

/**
 * Checks before timing that the peer really hits its cache: the first, middle and last
 * accounts (this first call also pays for reading a persisted cache), and no network.
 * @returns the wall time of the first call in ms.
 */
export async function verifyCacheHits(peer: SilentPeer, cache: GeneratedCache): Promise<number> {
  const last = cache.accounts.length - 1;
  const first = await timedSilent(peer, cache, 0);
  for (const index of new Set([Math.floor(last / 2), last])) await timedSilent(peer, cache, index);
  assertOffline(peer);
  return first;
}

/**
 * Warm-up calls on `sequence` until 50 calls or 1 s (at least 2 calls), so that the JIT has
 * compiled the hot path before timing.
 * @returns the median wall time of the warm-up calls after the first, in ms: the estimate used
 * to size K.
 */
export async function warmUp(peer: SilentPeer, cache: GeneratedCache, sequence: readonly number[]): Promise<number> {
  const start = performance.now();
  const times: number[] = [];
  for (const index of sequence) {
    times.push(await timedSilent(peer, cache, index));
    if (times.length >= 2 && (times.length >= 50 || since(start) >= 1_000)) break;
  }
  const rest = times.slice(1).sort((a, b) => a - b);
  return rest[Math.floor(rest.length / 2)] ?? times[0] ?? 0;
}

/** K: as many calls as fit the budget at the estimated cost, within [minCalls, maxCalls]. */
export function plannedCalls(estimateMs: number, budgetMs: number, minCalls: number, maxCalls: number): number {
  const fitting = estimateMs > 0 ? Math.floor(budgetMs / estimateMs) : maxCalls;
  return Math.max(minCalls, Math.min(maxCalls, fitting));
}

/** One timed participant: a loaded peer, its cache, and which accounts it asks for. */
export interface PlannedPeer {
  readonly peer: SilentPeer;
  readonly cache: GeneratedCache;
  /** Account indices, call after call; the first `calls` are used. */
  readonly sequence: readonly number[];
  /** K: how many timed calls it makes. */
  readonly calls: number;
}

/**
 * Times the participants in `rounds` interleaved blocks (order reversed every other round),
 * each making its first `calls` calls of its `sequence`, so that drift of the machine (load,
 * heap growth, frequency) spreads over all of them instead of favouring one.
 * @returns the wall times in ms of each participant's calls, in the order of `plans`.
 */
export async function timeInterleaved(plans: readonly PlannedPeer[], rounds = 4): Promise<number[][]> {
  const samples = plans.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    const order = plans.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const p of order) {
      const plan = plans[p];
      const out = samples[p];
      if (plan === undefined || out === undefined) continue;
      const from = Math.floor((plan.calls * round) / rounds);
      const to = Math.floor((plan.calls * (round + 1)) / rounds);
      for (let call = from; call < to; call++) {
        const index = plan.sequence[call];
        if (index === undefined) throw new RangeError('the index sequence is shorter than K');
        out.push(await timedSilent(plan.peer, plan.cache, index));
      }
    }
  }
  for (const plan of plans) assertOffline(plan.peer);
  return samples;
}

/** Result of timing a peer's account listing. */
export type ListingTimes =
  | { readonly kind: 'timed'; readonly times: readonly number[]; readonly count: number }
  | { readonly kind: 'skipped'; readonly estimateMs: number };

/**
 * Times `accounts()` a few times: up to 5 calls while the budget allows, at least one, after
 * one warm-up call when that is cheap; not at all when `estimateMs` already exceeds `skipMs`.
 * Checks that every account is listed.
 */
export async function timeListing(
  peer: SilentPeer,
  expected: number,
  options: { readonly estimateMs: number | undefined; readonly budgetMs: number; readonly skipMs: number },
): Promise<ListingTimes> {
  if (options.estimateMs !== undefined && options.estimateMs > options.skipMs) {
    return { kind: 'skipped', estimateMs: options.estimateMs };
  }
  const times: number[] = [];
  const start = performance.now();
  let warm = false;
  do {
    const call = performance.now();
    const count = await peer.accounts();
    times.push(since(call));
    if (count !== expected) throw new Error(`${peer.name} listed ${count} accounts, expected ${expected}`);
    // A cheap first call is a warm-up (JIT); an expensive one is kept, there may be no other.
    if (!warm && (times[0] ?? 0) < options.budgetMs / 20) times.length = 0;
    warm = true;
  } while (times.length < 5 && since(start) + (times.at(-1) ?? 0) <= options.budgetMs);
  assertOffline(peer);
  return { kind: 'timed', times, count: expected };
}
