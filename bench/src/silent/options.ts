import { parseArgs } from 'node:util';
import { wholeOption } from '../whole-option.js';
import type { CacheMode } from './peers/peer.js';

/** Settings of one benchmark run, from the command line or the environment. */
export interface SilentOptions {
  /** Numbers of accounts, one cache document each. */
  readonly sizes: readonly number[];
  readonly modes: readonly CacheMode[];
  /** Upper bound on the timed calls of one peer in one cell (the K of the tables). */
  readonly maxCalls: number;
  /** Lower bound on K, even when one call is slow. */
  readonly minCalls: number;
  /** Time budget of one peer's timed calls in one cell, in ms: K is lowered to fit it. */
  readonly budgetMs: number;
  /** Time budget of one peer's account listings in one cell, in ms. */
  readonly accountsBudgetMs: number;
  /** A listing whose estimated time exceeds this (ms) is not run, and its estimate is shown. */
  readonly accountsSkipMs: number;
}

const DEFAULT_SIZES = [1, 100, 1_000, 10_000];
const MODES: readonly CacheMode[] = ['memory', 'file'];

function list(value: string | undefined): string[] | undefined {
  return value === undefined || value === '' ? undefined : value.split(/[\s,]+/).filter((s) => s !== '');
}

/**
 * Reads the options. Each flag has an environment twin (`BENCH_SILENT_<NAME>`); flags win.
 *
 *   --sizes 1,1000          BENCH_SILENT_SIZES     accounts per cache (default 1,100,1000,10000)
 *   --modes memory,file     BENCH_SILENT_MODES     default both
 *   --calls 200             BENCH_SILENT_CALLS     max timed calls per peer and cell (K)
 *   --min-calls 5           BENCH_SILENT_MIN_CALLS
 *   --budget-ms 6000        BENCH_SILENT_BUDGET_MS time per peer and cell that bounds K
 * @throws {Error} on a malformed value.
 */
export function readOptions(argv: readonly string[] = process.argv.slice(2)): SilentOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sizes: { type: 'string' },
      modes: { type: 'string' },
      calls: { type: 'string' },
      'min-calls': { type: 'string' },
      'budget-ms': { type: 'string' },
    },
  });
  const env = process.env;
  const sizes = (list(values.sizes ?? env['BENCH_SILENT_SIZES']) ?? DEFAULT_SIZES.map(String)).map((s) =>
    wholeOption(s, 1, '--sizes'),
  );
  const modes = list(values.modes ?? env['BENCH_SILENT_MODES']) ?? [...MODES];
  for (const mode of modes) {
    if (!(MODES as readonly string[]).includes(mode)) throw new Error(`--modes: unknown mode ${mode} (memory, file)`);
  }
  const maxCalls = wholeOption(values.calls ?? env['BENCH_SILENT_CALLS'], 200, '--calls');
  const minCalls = Math.min(
    maxCalls,
    wholeOption(values['min-calls'] ?? env['BENCH_SILENT_MIN_CALLS'], 5, '--min-calls'),
  );
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    modes: MODES.filter((mode) => modes.includes(mode)),
    maxCalls,
    minCalls,
    budgetMs: wholeOption(values['budget-ms'] ?? env['BENCH_SILENT_BUDGET_MS'], 6_000, '--budget-ms'),
    accountsBudgetMs: 3_000,
    accountsSkipMs: 20_000,
  };
}
