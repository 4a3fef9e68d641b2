/**
 * Startup benchmark: what importing a device-code client library and constructing its client
 * adds to a bare `node` start, ours against @azure/msal-node and openid-client, measured in
 * one run. Each sample is a fresh process; peers are interleaved round-robin.
 *
 *   npm run bench                                  (builds first)
 *   node bench/dist/startup.bench.js --runs 50 --warmup 3
 *   BENCH_RUNS=50 npm run bench
 */
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { BASELINE, loadPeer, OURS, PEER_IDS } from './peers/index.js';
import { measureRoundRobin } from './startup/measure.js';
import { renderMarkdown, renderText, type ResultRow } from './startup/report.js';
import { summarize, type Summary } from './startup/stats.js';

function count(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${option} must be a whole number, got ${value}`);
  return parsed;
}

const { values } = parseArgs({ options: { runs: { type: 'string' }, warmup: { type: 'string' } } });
const runs = Math.max(1, count(values.runs ?? process.env['BENCH_RUNS'], 30, '--runs'));
const warmup = count(values.warmup ?? process.env['BENCH_WARMUP'], 2, '--warmup');

const peers = await Promise.all(PEER_IDS.map(async (id) => ({ id, peer: await loadPeer(id) })));
console.log(`startup: ${runs} runs per peer (+${warmup} warm-up), round-robin, fresh process each`);
console.log(`node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}\n`);

const started = performance.now();
const samples = measureRoundRobin(PEER_IDS, runs, warmup);
const summaries = new Map(PEER_IDS.map((id) => [id, summarize(samples.get(id) ?? [])] as const));

function summaryOf(id: (typeof PEER_IDS)[number]): Summary {
  const summary = summaries.get(id);
  if (summary === undefined) throw new Error(`no samples for ${id}`);
  return summary;
}

const baseline = summaryOf(BASELINE).median;
const oursAdded = summaryOf(OURS).median - baseline;
const rows: ResultRow[] = peers.map(({ id, peer }) => {
  const summary = summaryOf(id);
  const addedMs = id === BASELINE ? undefined : summary.median - baseline;
  const ratio = addedMs === undefined || oursAdded <= 0 ? undefined : addedMs / oursAdded;
  return { name: peer.name, summary, addedMs, ratio };
});

console.log(renderText(rows));
console.log(
  `\nadded = median − baseline median; ratio = added ÷ ours. Took ${((performance.now() - started) / 1000).toFixed(1)} s.`,
);
for (const { peer } of peers) console.log(`  ${peer.name}: ${peer.work}`);
console.log('\nMarkdown (README):\n');
console.log(renderMarkdown(rows));
