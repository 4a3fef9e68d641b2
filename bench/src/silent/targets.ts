import type { FlatnessRow } from './flatness.js';
import type { ListingCell, SilentCell } from './report.js';
import { ratioToOurs } from './report.js';
import { count, ms, times } from './table.js';

/** A target of the issue, checked against this run. */
export interface TargetResult {
  readonly target: string;
  /** undefined when the run did not include what the target needs. */
  readonly met: boolean | undefined;
  readonly detail: string;
}

const PERSISTED_SIZE = 1_000;
const PERSISTED_FACTOR = 20;
const FLAT_FACTOR = 2;
const LISTING_SIZE = 10_000;
const LISTING_MS = 50;

function persistedSpeedup(cells: readonly SilentCell[]): TargetResult {
  const target = `with persistence at ${count(PERSISTED_SIZE)} accounts, ours ≥ ${PERSISTED_FACTOR}× faster than msal-node + file plugin`;
  const cell = cells.find((c) => c.mode === 'file' && c.size === PERSISTED_SIZE);
  const peer = cell?.samples[1];
  const ratio = cell === undefined || peer === undefined ? undefined : ratioToOurs(cell, peer);
  if (ratio === undefined) return { target, met: undefined, detail: 'not run (needs --sizes 1000 --modes file)' };
  return { target, met: ratio >= PERSISTED_FACTOR, detail: `msal-node median ÷ ours = ${times(ratio)}` };
}

function flatness(cells: readonly SilentCell[], rows: readonly FlatnessRow[]): TargetResult[] {
  return rows.map((row) => {
    const target = `ours flat from 1 to ${count(LISTING_SIZE)} accounts (≤ ${FLAT_FACTOR}×), ${row.mode}`;
    const smallest = row.cells.find((c) => c.size === 1);
    const largest = row.cells.find((c) => c.size === LISTING_SIZE);
    if (smallest === undefined || largest === undefined || smallest.median <= 0) {
      return { target, met: undefined, detail: 'not run (needs --sizes 1,10000)' };
    }
    const growth = largest.median / smallest.median;
    const inCells = cells.filter((c) => c.mode === row.mode && (c.size === 1 || c.size === LISTING_SIZE));
    const [one, many] = inCells.map((c) => c.samples[0]?.summary.median ?? 0);
    const sequential = one !== undefined && many !== undefined && one > 0 ? times(many / one) : '—';
    return {
      target,
      met: growth <= FLAT_FACTOR,
      detail:
        `sizes side by side: median ${ms(smallest.median)} ms at 1 → ${ms(largest.median)} ms at ` +
        `${count(LISTING_SIZE)} (${times(growth)}); in the cells above, measured apart: ${sequential}`,
    };
  });
}

function listing(cells: readonly ListingCell[]): TargetResult[] {
  return cells
    .filter((c) => c.size === LISTING_SIZE)
    .map((cell) => {
      const target = `getAccounts at ${count(LISTING_SIZE)} accounts under ${LISTING_MS} ms, ${cell.mode}`;
      const ours = cell.samples[0];
      if (ours?.kind !== 'timed') return { target, met: undefined, detail: 'not run' };
      return { target, met: ours.median < LISTING_MS, detail: `median ${ms(ours.median)} ms` };
    });
}

/** Checks the three timing targets against the cells of this run. */
export function checkTargets(
  silent: readonly SilentCell[],
  listings: readonly ListingCell[],
  flat: readonly FlatnessRow[],
): TargetResult[] {
  const results = [persistedSpeedup(silent), ...flatness(silent, flat), ...listing(listings)];
  if (!listings.some((c) => c.size === LISTING_SIZE)) {
    results.push({
      target: `getAccounts at ${count(LISTING_SIZE)} accounts under ${LISTING_MS} ms`,
      met: undefined,
      detail: 'not run (needs --sizes 10000)',
    });
  }
  return results;
}

/** One line per target: `met`, `MISSED` or `—` (not evaluated), and the figures. */
export function renderTargets(results: readonly TargetResult[]): string {
  return results
    .map((r) => `  [${r.met === undefined ? ' — ' : r.met ? 'met' : 'MISSED'}] ${r.target}: ${r.detail}`)
    .join('\n');
}
