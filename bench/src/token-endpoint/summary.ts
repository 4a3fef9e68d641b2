import { count, renderMarkdown, renderText } from '../silent/table.js';
import type { MemoryResult } from './memory.js';
import type { TokenBenchOptions } from './options.js';
import {
  cpuRatio,
  flagOf,
  medianOf,
  memoryTable,
  pairedRatio,
  ratio,
  throughputMarkdown,
  throughputTable,
  type ThroughputRow,
} from './report.js';

/** Everything one benchmark run measured. */
export interface Summary {
  readonly options: TokenBenchOptions;
  /** Node version and CPU. */
  readonly machine: string;
  readonly rows: readonly ThroughputRow[];
  readonly memory: readonly MemoryResult[];
  /** Why a memory measurement is missing. */
  readonly memoryNotes: readonly string[];
  readonly seconds: number;
}

/** The issue's target: ours answers pending polls at least this many times as fast as oidc-provider. */
const TARGET = 3;

function printRatios(rows: readonly ThroughputRow[]): void {
  const baseline = rows.find((row) => row.spec.peer === 'baseline');
  const oidc = rows.find((row) => row.spec.peer === 'oidc-provider');
  console.log('\nRatios (req/s: mean ÷ mean; CPU: how many times less server CPU per answer):');
  for (const row of rows.filter((r) => r.spec.peer === 'devicelogin' || r.spec.peer === 'devicelogin-postgres')) {
    if (oidc !== undefined)
      console.log(`  ${row.spec.label} ÷ oidc-provider: ${ratio(row, oidc)} req/s, ${cpuRatio(row, oidc)} less CPU`);
    if (baseline !== undefined) console.log(`  ${row.spec.label} ÷ baseline: ${ratio(row, baseline)} req/s`);
  }
  if (oidc !== undefined && baseline !== undefined)
    console.log(`  oidc-provider ÷ baseline: ${ratio(oidc, baseline)} req/s`);
}

function printTarget(rows: readonly ThroughputRow[], codes: number): void {
  const oidc = rows.find((row) => row.spec.peer === 'oidc-provider');
  if (oidc === undefined) return;
  // The first row of each store: both are measured against the same oidc-provider run.
  for (const peer of ['devicelogin', 'devicelogin-postgres'] as const) {
    const ours = rows.find((row) => row.spec.peer === peer);
    if (ours !== undefined) printTargetOf(ours, oidc, codes);
  }
}

function printTargetOf(ours: ThroughputRow, oidc: ThroughputRow, codes: number): void {
  const rate = (row: ThroughputRow): number => medianOf(row.rounds, (r) => r.requestsPerSecond.mean);
  const paired = pairedRatio(ours, oidc);
  const value = paired?.median ?? rate(ours) / rate(oidc);
  const clean = flagOf(ours) === 'ok' && flagOf(oidc) === 'ok';
  const rounds =
    paired === undefined || paired.each.length < 2
      ? ''
      : `; median of the rounds' ratios, each: ${paired.each.map((x) => x.toFixed(2)).join(', ')}`;
  console.log(
    `\nTarget (issue): ours ≥ ${TARGET}× oidc-provider on the pending poll — ${value >= TARGET && clean ? 'MET' : 'NOT MET'} ` +
      `(${value.toFixed(2)}× req/s, ${ours.spec.label} against oidc-provider, ${count(codes)} codes each${rounds}` +
      `${clean ? '' : '; a run was flagged'})`,
  );
}

function printSetups(summary: Summary): void {
  console.log('\nSetups:');
  for (const [name, setup] of new Map(summary.rows.map((row) => [row.name, row.setup])))
    console.log(`  ${name}: ${setup}`);
  console.log(
    [
      'Codes are spread over clients (≤ 500 each) and loopback source addresses 127.x.y.z (≤ 25 each), so our',
      'issuance limits (30 per IP, 600 per client a minute) are respected, not switched off; the same for every peer.',
      'Each connection polls its own lane of the codes round and round (a code is only polled by one connection):',
      'a code comes back every N ÷ (req/s) seconds.',
      'ours (interval 5 s): a code comes back every ~0.1 s, so after its first poll ours answers slow_down (RFC 8628',
      '§3.5): the same pending path (one indexed read, no write, no signing) plus the in-memory poll tracker.',
      'ours (interval 1 s, pending only): enough codes that none comes back within 0.8 s: every answer is',
      'authorization_pending, the exact answer oidc-provider gives (it never answers slow_down).',
      summary.options.oidcStore === 'raised'
        ? 'oidc-provider: its bundled MemoryAdapter class on its own LRU class with the capacity raised: the stock store\n  keeps ~2,000 entries, a code takes two, so about half of 1,000 codes are dropped and answer invalid_grant\n  (`--oidc-store stock` shows it).'
        : 'oidc-provider: stock MemoryAdapter store (1,000-entry LRU): expect invalid_grant for dropped codes.',
      'CPU µs/req: user + system CPU of the server process during the round ÷ answers (steadier than req/s on a',
      'busy machine). check: FLAGGED on connection errors, timeouts or any answer other than the pending ones.',
      ...(summary.options.profileDir === undefined
        ? []
        : ['Profiled (--profile): the V8 profiler slows our server, so its figures are not comparable in this run.']),
    ]
      .map((line) => `  ${line}`)
      .join('\n'),
  );
}

/** Prints the tables, ratios, target check, setups and the Markdown for the README. */
export function printSummary(summary: Summary): void {
  const { options, rows, memory, memoryNotes } = summary;
  console.log('Pending polls (medians over rounds; latency percentiles over every response)\n');
  console.log(renderText(throughputTable(rows)));
  printRatios(rows);
  printTarget(rows, options.codes);
  printSetups(summary);
  if (memory.length > 0 || memoryNotes.length > 0) {
    console.log(`\nMemory with ${count(options.memoryCodes)} pending codes (RSS after a full GC)\n`);
    if (memory.length > 0) console.log(renderText(memoryTable(memory)));
    for (const m of memory) {
      const polls =
        m.pollAnswers === undefined
          ? ''
          : ` (answers: ${Object.entries(m.pollAnswers)
              .map(([k, n]) => `${k} × ${count(n)}`)
              .join(', ')})`;
      console.log(`  ${m.name}: ${m.how}${polls}`);
    }
    console.log('  Δ = last column measured − start; bytes/code = Δ RSS ÷ codes.');
    for (const note of memoryNotes) console.log(`  ${note}`);
  }
  console.log(`\nTook ${summary.seconds.toFixed(1)} s. Loopback only.`);
  console.log('\nMarkdown (README):\n');
  console.log(
    `Measured with \`npm run bench:token\` (${summary.machine}; autocannon 9.0.0, ${options.connections} connections, ` +
      `${options.durationSeconds} s per server and round, ${options.rounds} round(s), each server in its own process).\n`,
  );
  console.log(renderMarkdown(throughputMarkdown(rows)));
  if (memory.length > 0) {
    console.log('');
    console.log(renderMarkdown(memoryTable(memory)));
  }
}
