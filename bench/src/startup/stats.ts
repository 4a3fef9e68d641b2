/** Summary of one peer's wall times, in milliseconds. */
export interface Summary {
  readonly runs: number;
  readonly median: number;
  readonly p95: number;
  readonly min: number;
}

/** The `p`th percentile (0–100) of sorted values, nearest-rank method. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  const value = sorted[rank - 1];
  if (value === undefined) throw new RangeError('percentile of an empty sample');
  return value;
}

/** Median (mean of the two middle values when the count is even). */
export function median(sorted: readonly number[]): number {
  const middle = sorted.length / 2;
  const high = sorted[Math.floor(middle)];
  if (high === undefined) throw new RangeError('median of an empty sample');
  if (sorted.length % 2 === 1) return high;
  return ((sorted[middle - 1] ?? high) + high) / 2;
}

/** Median, p95 and minimum of a non-empty sample. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { runs: sorted.length, median: median(sorted), p95: percentile(sorted, 95), min: percentile(sorted, 0) };
}
