import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { summarize } from '../startup/stats.js';
import { generateCache } from './generate-cache.js';
import { plannedCalls, timeInterleaved, verifyCacheHits, warmUp, type PlannedPeer } from './measure.js';
import type { SilentOptions } from './options.js';
import { OURS, PEERS } from './peers/index.js';
import type { CacheMode } from './peers/peer.js';
import { indexSequence, TIMED_SEED, WARMUP_SEED } from './random.js';

/** Ours at every size of one mode, timed side by side. */
export interface FlatnessRow {
  readonly mode: CacheMode;
  readonly cells: readonly { readonly size: number; readonly median: number; readonly calls: number }[];
}

/**
 * Whether ours stays flat as the cache grows is a comparison between sizes, so it is measured
 * like the comparison between peers: ours is loaded once per size, all sizes side by side in
 * this process, and timed in interleaved rounds. Cells measured one after the other, tens of
 * seconds apart, also see drift (machine load, a heap grown by msal-node) that is not the
 * cache's size.
 */
export async function measureFlatness(options: SilentOptions, directory: string): Promise<FlatnessRow[]> {
  const rows: FlatnessRow[] = [];
  for (const mode of options.modes) {
    const plans: PlannedPeer[] = [];
    for (const size of options.sizes) {
      const cache = generateCache(size);
      const peerDirectory = join(directory, `flat-${mode}-${size}`);
      await mkdir(peerDirectory, { recursive: true });
      const peer = PEERS[OURS](mode, peerDirectory);
      await peer.load(cache);
      await verifyCacheHits(peer, cache);
      const estimate = await warmUp(peer, cache, indexSequence(WARMUP_SEED, 50, size));
      const calls = plannedCalls(estimate, options.budgetMs, options.minCalls, options.maxCalls);
      plans.push({ peer, cache, sequence: indexSequence(TIMED_SEED, calls, size), calls });
    }
    const samples = await timeInterleaved(plans, 8);
    rows.push({
      mode,
      cells: plans.map((plan, i) => ({
        size: plan.cache.accounts.length,
        median: summarize(samples[i] ?? []).median,
        calls: plan.calls,
      })),
    });
  }
  return rows;
}
