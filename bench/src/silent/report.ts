import type { Summary } from '../startup/stats.js';
import type { FlatnessRow } from './flatness.js';
import type { CacheMode } from './peers/peer.js';
import { count, ms, times, type Table } from './table.js';

/** One peer's timed silent calls in one cell. */
export interface SilentSample {
  readonly peer: string;
  /** K: the number of timed calls. */
  readonly calls: number;
  readonly summary: Summary;
}

/** One cell: a cache mode and a number of accounts, all peers; `samples[0]` is ours. */
export interface SilentCell {
  readonly mode: CacheMode;
  readonly size: number;
  readonly samples: readonly SilentSample[];
}

/** One peer's account listings in one cell: the median, or the estimate of a listing not run. */
export type ListingSample =
  | { readonly peer: string; readonly kind: 'timed'; readonly median: number; readonly calls: number }
  | { readonly peer: string; readonly kind: 'skipped'; readonly estimateMs: number };

/** Listings of one cell; `samples[0]` is ours. */
export interface ListingCell {
  readonly mode: CacheMode;
  readonly size: number;
  readonly samples: readonly ListingSample[];
}

/** How each mode is named in the tables. */
export const MODE_LABEL: Readonly<Record<CacheMode, string>> = {
  memory: 'in memory',
  file: 'file (persistence / plugin)',
};

/** Ratio of a peer's median to ours, or undefined when ours is zero. */
export function ratioToOurs(cell: SilentCell, sample: SilentSample): number | undefined {
  const ours = cell.samples[0]?.summary.median;
  return ours === undefined || ours <= 0 ? undefined : sample.summary.median / ours;
}

/** acquireTokenSilent: one line per peer and cell. */
export function silentTable(cells: readonly SilentCell[]): Table {
  const rows = cells.flatMap((cell) =>
    cell.samples.map((sample, i) => {
      const ratio = i === 0 ? undefined : ratioToOurs(cell, sample);
      return [
        MODE_LABEL[cell.mode],
        count(cell.size),
        sample.peer,
        String(sample.calls),
        ms(sample.summary.median),
        ms(sample.summary.p95),
        ratio === undefined ? '—' : times(ratio),
      ];
    }),
  );
  return {
    headers: ['cache', 'accounts', 'peer', 'K', 'median ms', 'p95 ms', 'median ÷ ours'],
    rows,
    align: 'lrlrrrr',
  };
}

/** acquireTokenSilent for the README: one line per cell, peers side by side. */
export function silentMarkdownTable(cells: readonly SilentCell[]): Table {
  const names = cells[0]?.samples.map((s) => s.peer) ?? [];
  const headers = [
    'cache',
    'accounts',
    ...names.map((name) => `${name} median / p95 ms`),
    ...names.slice(1).map((name) => `${name} ÷ ours`),
    'K',
  ];
  const rows = cells.map((cell) => [
    MODE_LABEL[cell.mode],
    count(cell.size),
    ...cell.samples.map((s) => `${ms(s.summary.median)} / ${ms(s.summary.p95)}`),
    ...cell.samples.slice(1).map((s) => {
      const ratio = ratioToOurs(cell, s);
      return ratio === undefined ? '—' : `**${times(ratio)}**`;
    }),
    cell.samples.map((s) => s.calls).join(' / '),
  ]);
  return { headers, rows, align: 'l' + 'r'.repeat(headers.length - 1) };
}

function listingCell(sample: ListingSample): string {
  return sample.kind === 'timed'
    ? `${ms(sample.median)} (${sample.calls}×)`
    : `not run (est. ≈ ${(sample.estimateMs / 1000).toFixed(0)} s)`;
}

/** getAccounts / getAllAccounts: one line per cell, peers side by side. */
export function listingTable(cells: readonly ListingCell[]): Table {
  const names = cells[0]?.samples.map((s) => s.peer) ?? [];
  const headers = [
    'cache',
    'accounts',
    ...names.map((name) => `${name} median ms (calls)`),
    ...names.slice(1).map((name) => `${name} ÷ ours`),
  ];
  const rows = cells.map((cell) => {
    const ours = cell.samples[0];
    return [
      MODE_LABEL[cell.mode],
      count(cell.size),
      ...cell.samples.map(listingCell),
      ...cell.samples
        .slice(1)
        .map((s) =>
          ours?.kind === 'timed' && s.kind === 'timed' && ours.median > 0 ? times(s.median / ours.median) : '—',
        ),
    ];
  });
  return { headers, rows, align: 'l' + 'r'.repeat(headers.length - 1) };
}

/** Ours at every size, timed side by side: one line per mode. */
export function flatnessTable(rows: readonly FlatnessRow[]): Table {
  const sizes = rows[0]?.cells.map((c) => c.size) ?? [];
  const headers = ['cache', ...sizes.map((size) => `${count(size)} acc. median ms`), 'largest ÷ smallest', 'K'];
  const body = rows.map((row) => {
    const first = row.cells[0]?.median;
    const last = row.cells.at(-1)?.median;
    return [
      MODE_LABEL[row.mode],
      ...row.cells.map((c) => ms(c.median)),
      first === undefined || last === undefined || first <= 0 ? '—' : times(last / first),
      String(row.cells[0]?.calls ?? 0),
    ];
  });
  return { headers, rows: body, align: 'l' + 'r'.repeat(headers.length - 1) };
}
