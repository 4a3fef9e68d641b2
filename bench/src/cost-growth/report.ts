import { count, ms, times, type Table } from '../silent/table.js';
import type { LoadResult } from '../token-endpoint/load.js';
import type { GrowthRow, InstancesRow, StorePeer } from './cells.js';

const mb = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1);

/** The pending-path answers; anything else (errors included) is flagged. */
const EXPECTED = ['400 authorization_pending', '400 slow_down'];

/** `ok`, or what went wrong. */
export function checkOf(load: LoadResult): string {
  let unexpected = 0;
  for (const [answer, n] of load.answers) if (!EXPECTED.includes(answer)) unexpected += n;
  const problems = [
    load.errors > 0 ? `${count(load.errors)} errors` : '',
    unexpected > 0 ? `${count(unexpected)} unexpected answers` : '',
  ].filter((p) => p !== '');
  return problems.length === 0 ? 'ok' : `FLAGGED: ${problems.join(', ')}`;
}

/** `slow_down 70 %, authorization_pending 30 %`. */
function mix(load: LoadResult): string {
  const total = [...load.answers.values()].reduce((sum, n) => sum + n, 0);
  if (total === 0) return 'no answer';
  return [...load.answers]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${key.replace(/^400 /, '')} ${((100 * n) / total).toFixed(0)} %`)
    .join(', ');
}

/** Display name of a store. */
export function storeName(peer: StorePeer): string {
  return peer === 'devicelogin' ? 'SQLite' : 'PostgreSQL';
}

/** Requests per second and RSS per store and number of pending codes. */
export function growthTable(rows: readonly GrowthRow[]): Table {
  return {
    headers: [
      'store',
      'pending codes',
      'req/s',
      'p50 ms',
      'p99 ms',
      'RSS start MB',
      'RSS filled MB',
      'RSS after load MB',
      'fill s',
      'answers',
      'check',
    ],
    rows: rows.map((row) => [
      storeName(row.peer),
      count(row.codes),
      count(Math.round(row.load.requestsPerSecond.mean)),
      ms(row.load.latency.p50),
      ms(row.load.latency.p99),
      mb(row.rss.start),
      mb(row.rss.filled),
      mb(row.rss.loaded),
      (row.fillMs / 1000).toFixed(1),
      mix(row.load),
      checkOf(row.load),
    ]),
    align: 'lrrrrrrrrll',
  };
}

/** Per store: largest size's req/s ÷ smallest's, and RSS growth per code. */
export function flatness(rows: readonly GrowthRow[]): string[] {
  const lines: string[] = [];
  for (const peer of ['devicelogin', 'devicelogin-postgres'] as const) {
    const mine = rows.filter((row) => row.peer === peer).sort((a, b) => a.codes - b.codes);
    const small = mine[0];
    const large = mine.at(-1);
    if (small === undefined || large === undefined || small === large) continue;
    const rate = large.load.requestsPerSecond.mean / small.load.requestsPerSecond.mean;
    const perCode = (large.rss.loaded - large.rss.start) / large.codes;
    lines.push(
      `  ${storeName(peer)}: req/s with ${count(large.codes)} codes ÷ with ${count(small.codes)}: ${times(rate)}; ` +
        `RSS growth with ${count(large.codes)} codes: ${mb(large.rss.loaded - large.rss.start)} MB ` +
        `(${count(Math.round(perCode))} bytes/code)`,
    );
  }
  return lines;
}

/** One vs two instances. */
export function instancesTable(rows: readonly InstancesRow[]): Table {
  const base = rows[0]?.load.requestsPerSecond.mean ?? 0;
  return {
    headers: [
      'setup',
      'instances',
      'req/s',
      '÷ one direct',
      'p50 ms',
      'p99 ms',
      'RSS of the servers MB',
      'answers',
      'check',
    ],
    rows: rows.map((row) => [
      row.label,
      String(row.instances),
      count(Math.round(row.load.requestsPerSecond.mean)),
      base > 0 ? times(row.load.requestsPerSecond.mean / base) : 'n/a',
      ms(row.load.latency.p50),
      ms(row.load.latency.p99),
      mb(row.rss),
      mix(row.load),
      checkOf(row.load),
    ]),
    align: 'lrrrrrrll',
  };
}
