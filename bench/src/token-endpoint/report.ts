import { median } from '../startup/stats.js';
import { count, ms, times, type Table } from '../silent/table.js';
import type { MemoryResult } from './memory.js';
import { unexpectedAnswers, type RoundResult, type RunSpec } from './runs.js';

/** One row of the throughput table: a run and its rounds. */
export interface ThroughputRow {
  readonly spec: RunSpec;
  readonly name: string;
  /** How the peer is set up. */
  readonly setup: string;
  readonly rounds: readonly RoundResult[];
  /** RSS of the server child after its last round, bytes. */
  readonly rssAfter: number | undefined;
}

/** Median over rounds of one figure. */
export function medianOf(rounds: readonly RoundResult[], pick: (result: RoundResult) => number): number {
  return median([...rounds.map(pick)].sort((a, b) => a - b));
}

/** Answers of every round together, most frequent first. */
function answersOf(rounds: readonly RoundResult[]): [string, number][] {
  const all = new Map<string, number>();
  for (const round of rounds) for (const [key, n] of round.answers) all.set(key, (all.get(key) ?? 0) + n);
  return [...all].sort((a, b) => b[1] - a[1]);
}

/** `400 slow_down 99.9 %, 400 authorization_pending 0.1 %`. */
export function answerMix(rounds: readonly RoundResult[]): string {
  const answers = answersOf(rounds);
  const total = answers.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return 'no answer';
  return answers
    .map(([key, n]) => {
      const share = (100 * n) / total;
      return `${key} ${share >= 99.95 && n < total ? '99.9' : share < 0.1 ? '<0.1' : share.toFixed(1)} %`;
    })
    .join(', ');
}

/** Empty when the run is clean, else what went wrong. */
export function flagOf(row: ThroughputRow): string {
  const errors = row.rounds.reduce((sum, r) => sum + r.errors, 0);
  const timeouts = row.rounds.reduce((sum, r) => sum + r.timeouts, 0);
  const unexpected = row.rounds.reduce((sum, r) => sum + unexpectedAnswers(r, row.spec.expected), 0) - errors;
  const problems = [
    errors > 0 ? `${count(errors)} errors (${count(timeouts)} timeouts)` : '',
    unexpected > 0 ? `${count(unexpected)} unexpected answers` : '',
  ].filter((p) => p !== '');
  return problems.length === 0 ? 'ok' : `FLAGGED: ${problems.join(', ')}`;
}

const MB = 1024 * 1024;
const mb = (bytes: number): string => (bytes / MB).toFixed(1);

/** Requests per second, latency and answers of every run. */
export function throughputTable(rows: readonly ThroughputRow[]): Table {
  return {
    headers: [
      'server',
      'codes',
      'req/s mean',
      'req/s median',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'CPU µs/req',
      'RSS MB',
      'answers',
      'check',
    ],
    rows: rows.map((row) => [
      row.spec.label,
      count(row.spec.codes),
      count(Math.round(medianOf(row.rounds, (r) => r.requestsPerSecond.mean))),
      count(Math.round(medianOf(row.rounds, (r) => r.requestsPerSecond.median))),
      ms(medianOf(row.rounds, (r) => r.latency.p50)),
      ms(medianOf(row.rounds, (r) => r.latency.p95)),
      ms(medianOf(row.rounds, (r) => r.latency.p99)),
      Math.round(medianOf(row.rounds, (r) => r.serverCpuPerRequestUs)).toString(),
      row.rssAfter === undefined ? '' : mb(row.rssAfter),
      answerMix(row.rounds),
      flagOf(row),
    ]),
    align: 'lrrrrrrrrll',
  };
}

/** The Markdown table for the README (fewer columns). */
export function throughputMarkdown(rows: readonly ThroughputRow[]): Table {
  return {
    headers: ['server', 'pending codes', 'req/s (mean)', 'p50 ms', 'p95 ms', 'p99 ms', 'server CPU µs/req', 'answers'],
    rows: rows.map((row) => [
      row.spec.label,
      count(row.spec.codes),
      count(Math.round(medianOf(row.rounds, (r) => r.requestsPerSecond.mean))),
      ms(medianOf(row.rounds, (r) => r.latency.p50)),
      ms(medianOf(row.rounds, (r) => r.latency.p95)),
      ms(medianOf(row.rounds, (r) => r.latency.p99)),
      Math.round(medianOf(row.rounds, (r) => r.serverCpuPerRequestUs)).toString(),
      answerMix(row.rounds),
    ]),
    align: 'lrrrrrrl',
  };
}

/** A ratio of mean req/s between two rows, `a ÷ b`. */
export function ratio(a: ThroughputRow, b: ThroughputRow): string {
  const over = medianOf(b.rounds, (r) => r.requestsPerSecond.mean);
  return over > 0 ? times(medianOf(a.rounds, (r) => r.requestsPerSecond.mean) / over) : 'n/a';
}

/**
 * Median over rounds of `a`'s req/s ÷ `b`'s in the same round (runs measured back to back in
 * each round), with the per-round values; undefined when the rounds do not pair up.
 */
export function pairedRatio(a: ThroughputRow, b: ThroughputRow): { median: number; each: number[] } | undefined {
  if (a.rounds.length !== b.rounds.length || a.rounds.length === 0) return undefined;
  const each = a.rounds.map((round, i) => round.requestsPerSecond.mean / (b.rounds[i]?.requestsPerSecond.mean ?? NaN));
  return { median: median([...each].sort((x, y) => x - y)), each };
}

/** How many times less server CPU per answer `a` needs than `b`. */
export function cpuRatio(a: ThroughputRow, b: ThroughputRow): string {
  const mine = medianOf(a.rounds, (r) => r.serverCpuPerRequestUs);
  return mine > 0 ? times(medianOf(b.rounds, (r) => r.serverCpuPerRequestUs) / mine) : 'n/a';
}

/** The memory table. */
export function memoryTable(results: readonly MemoryResult[]): Table {
  return {
    headers: [
      'server',
      'pending codes',
      'RSS start MB',
      '+ codes MB',
      '+ 1 poll each MB',
      'Δ RSS MB',
      'Δ heap MB',
      'bytes/code',
      'store files',
      'fill s',
    ],
    rows: results.map((m) => {
      const last = m.afterPolls ?? m.afterFill;
      const delta = last.rss - m.before.rss;
      const files = Object.entries(last.files);
      return [
        m.name,
        count(m.codes),
        mb(m.before.rss),
        mb(m.afterFill.rss),
        m.afterPolls === undefined ? 'n/a' : mb(m.afterPolls.rss),
        mb(delta),
        mb(last.heapUsed - m.before.heapUsed),
        count(Math.round(delta / m.codes)),
        files.length === 0 ? 'none (in process)' : files.map(([name, size]) => `${name} ${mb(size)} MB`).join(', '),
        (m.fillMs / 1000).toFixed(1),
      ];
    }),
    align: 'lrrrrrrrlr',
  };
}
