/**
 * acquireTokenSilent on a cache hit, ours against @azure/msal-node 7.2.3 in one run, with 1 to
 * 10,000 accounts in the cache, in memory and persisted to a file; plus listing the accounts
 * (getAccounts against getAllAccounts). Both libraries load the same generated MSAL cache
 * document, are checked to hit their cache without any network request, and are timed
 * interleaved on the same seeded sequence of accounts.
 *
 *   npm run bench:silent                           (builds first)
 *   node bench/dist/silent.bench.js --sizes 1,1000 --modes file --calls 100 --budget-ms 4000
 *   BENCH_SILENT_SIZES=1,100 node bench/dist/silent.bench.js
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureFlatness, type FlatnessRow } from './silent/flatness.js';
import { generateCache } from './silent/generate-cache.js';
import { readOptions } from './silent/options.js';
import { indexSequence, TIMED_SEED, WARMUP_SEED } from './silent/random.js';
import {
  flatnessTable,
  listingTable,
  MODE_LABEL,
  silentMarkdownTable,
  silentTable,
  type ListingCell,
} from './silent/report.js';
import { runCell, type CellResult } from './silent/run-cell.js';
import { count, ms, renderMarkdown, renderText, type Table } from './silent/table.js';
import { checkTargets, renderTargets } from './silent/targets.js';

const options = readOptions();
const started = performance.now();
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

console.log(
  `silent: acquireTokenSilent cache hits, ${options.sizes.map(count).join(' / ')} accounts, ` +
    `${options.modes.map((m) => MODE_LABEL[m]).join(' and ')}; K ≤ ${options.maxCalls} timed calls per peer ` +
    `and cell, fewer when they would take over ${options.budgetMs / 1000} s (at least ${options.minCalls})`,
);
console.log(`node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}\n`);

/**
 * Estimate of a peer's listing at `size` from the largest smaller size timed in the same mode,
 * assuming quadratic growth (msal-node's getAllAccounts scans every token for every account).
 */
function listingEstimates(done: readonly ListingCell[], size: number, mode: string): (number | undefined)[] {
  const previous = done.filter((c) => c.mode === mode && c.size < size).at(-1);
  if (previous === undefined) return [];
  const growth = (size / previous.size) ** 2;
  return previous.samples.map((s) => (s.kind === 'timed' ? s.median : s.estimateMs) * growth);
}

const workRoot = await mkdtemp(join(tmpdir(), 'devicelogin-bench-silent-'));
const results: CellResult[] = [];
let flatness: FlatnessRow[] = [];
try {
  for (const size of options.sizes) {
    const generating = performance.now();
    const cache = generateCache(size);
    progress(
      `${count(size)} accounts: document ${(cache.text.length / 1e6).toFixed(2)} MB, generated in ${ms(performance.now() - generating)} ms`,
    );
    const warmupSequence = indexSequence(WARMUP_SEED, 50, size);
    const timedSequence = indexSequence(TIMED_SEED, options.maxCalls, size);
    for (const mode of options.modes) {
      const cellStart = performance.now();
      const directory = join(workRoot, `${size}-${mode}`);
      await mkdir(directory);
      const listings = results.map((r) => r.listing);
      const result = await runCell(
        {
          cache,
          mode,
          directory,
          warmupSequence,
          timedSequence,
          listingEstimates: listingEstimates(listings, size, mode),
        },
        options,
      );
      results.push(result);
      await rm(directory, { recursive: true, force: true });
      const line = result.silent.samples.map((s) => `${s.peer} ${ms(s.summary.median)} ms (K=${s.calls})`).join(', ');
      progress(`  ${MODE_LABEL[mode]}: ${line} — ${((performance.now() - cellStart) / 1000).toFixed(1)} s`);
    }
  }
  if (options.sizes.length > 1) {
    const flatStart = performance.now();
    flatness = await measureFlatness(options, join(workRoot, 'flatness'));
    progress(`ours at every size side by side — ${((performance.now() - flatStart) / 1000).toFixed(1)} s`);
  }
} finally {
  await rm(workRoot, { recursive: true, force: true });
}

const silentCells = results.map((r) => r.silent);
const listingCells = results.map((r) => r.listing);
const setupTable: Table = {
  headers: ['cache', 'accounts', 'peer', 'load ms', 'first call ms'],
  rows: results.flatMap((r) =>
    r.setup.map((s) => [MODE_LABEL[s.mode], count(s.size), s.peer, ms(s.loadMs), ms(s.firstCallMs)]),
  ),
  align: 'lrlrr',
};

console.log('acquireTokenSilent, cache hit (wall time per call; same random account sequence for every peer)\n');
console.log(renderText(silentTable(silentCells)));
if (flatness.length > 0) {
  console.log('\nOurs at every size side by side (one client per size, all loaded, timed in interleaved rounds)\n');
  console.log(renderText(flatnessTable(flatness)));
}
console.log('\ngetAccounts (ours) vs getAllAccounts (msal-node): every account listed\n');
console.log(renderText(listingTable(listingCells)));
console.log('\nSetup (not in the figures above): load = build the client and deserialize the document, or write');
console.log('the cache file; first call = the first acquireTokenSilent, which reads a persisted cache.\n');
console.log(renderText(setupTable));
console.log('\nHow each peer holds its cache:');
const setups = new Map(results.flatMap((r) => r.setup.map((s) => [`${s.mode} ${s.peer}`, s] as const)));
for (const s of setups.values()) console.log(`  ${MODE_LABEL[s.mode]}, ${s.peer}: ${s.setup}`);
console.log('\nTargets:');
console.log(renderTargets(checkTargets(silentCells, listingCells, flatness)));
console.log(`\nTook ${((performance.now() - started) / 1000).toFixed(1)} s. No network request was attempted.`);
console.log('\nMarkdown (README):\n');
console.log(
  `Measured with \`npm run bench:silent\` (node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}); ` +
    'median / p95 ms per call, K timed calls per peer (ours / msal-node).\n',
);
console.log(renderMarkdown(silentMarkdownTable(silentCells)));
console.log('');
console.log(renderMarkdown(listingTable(listingCells)));
