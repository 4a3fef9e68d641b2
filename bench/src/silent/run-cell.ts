import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { summarize } from '../startup/stats.js';
import type { GeneratedCache } from './generate-cache.js';
import { plannedCalls, timeInterleaved, timeListing, verifyCacheHits, warmUp, type PlannedPeer } from './measure.js';
import { PEER_IDS, PEERS } from './peers/index.js';
import type { CacheMode, SilentPeer } from './peers/peer.js';
import type { ListingCell, ListingSample, SilentCell } from './report.js';
import type { SilentOptions } from './options.js';

/** How one peer was set up in one cell, for the notes under the tables. */
export interface SetupSample {
  readonly mode: CacheMode;
  readonly size: number;
  readonly peer: string;
  readonly setup: string;
  /** `load()`: build the client, deserialize or pre-write the cache file. */
  readonly loadMs: number;
  /** The first `acquireTokenSilent`, which reads a persisted cache. */
  readonly firstCallMs: number;
}

/** Everything measured in one cell. */
export interface CellResult {
  readonly silent: SilentCell;
  readonly listing: ListingCell;
  readonly setup: readonly SetupSample[];
}

/** What a cell needs besides the options. */
export interface CellInput {
  readonly cache: GeneratedCache;
  readonly mode: CacheMode;
  /** A private directory for this cell's files. */
  readonly directory: string;
  /** Indices of warm-up calls, then of timed calls: the same for every peer. */
  readonly warmupSequence: readonly number[];
  readonly timedSequence: readonly number[];
  /** Estimate (ms) of each peer's listing at this size, from smaller sizes; by peer index. */
  readonly listingEstimates: readonly (number | undefined)[];
}

async function setUp(peer: SilentPeer, input: CellInput): Promise<SetupSample> {
  const start = performance.now();
  await peer.load(input.cache);
  const loadMs = performance.now() - start;
  const firstCallMs = await verifyCacheHits(peer, input.cache);
  return {
    mode: input.mode,
    size: input.cache.accounts.length,
    peer: peer.name,
    setup: peer.setup,
    loadMs,
    firstCallMs,
  };
}

/**
 * Runs one cell: every peer loads the same document, is checked to hit its cache without the
 * network, warms up, then the peers are timed interleaved on the same account sequence, and
 * their account listings are timed.
 */
export async function runCell(input: CellInput, options: SilentOptions): Promise<CellResult> {
  const size = input.cache.accounts.length;
  const peers: SilentPeer[] = [];
  for (const id of PEER_IDS) {
    const directory = join(input.directory, id);
    await mkdir(directory, { recursive: true });
    peers.push(PEERS[id](input.mode, directory));
  }
  const setup: SetupSample[] = [];
  for (const peer of peers) setup.push(await setUp(peer, input));
  const plans: PlannedPeer[] = [];
  for (const peer of peers) {
    const estimate = await warmUp(peer, input.cache, input.warmupSequence);
    const calls = plannedCalls(estimate, options.budgetMs, options.minCalls, options.maxCalls);
    plans.push({ peer, cache: input.cache, sequence: input.timedSequence, calls });
  }
  const samples = await timeInterleaved(plans);
  const silent: SilentCell = {
    mode: input.mode,
    size,
    samples: plans.map((plan, i) => ({
      peer: plan.peer.name,
      calls: plan.calls,
      summary: summarize(samples[i] ?? []),
    })),
  };
  const listings: ListingSample[] = [];
  for (const [i, peer] of peers.entries()) {
    const timed = await timeListing(peer, size, {
      estimateMs: input.listingEstimates[i],
      budgetMs: options.accountsBudgetMs,
      skipMs: options.accountsSkipMs,
    });
    listings.push(
      timed.kind === 'timed'
        ? { peer: peer.name, kind: 'timed', median: summarize(timed.times).median, calls: timed.times.length }
        : { peer: peer.name, kind: 'skipped', estimateMs: timed.estimateMs },
    );
  }
  return { silent, listing: { mode: input.mode, size, samples: listings }, setup };
}
