import { parseArgs } from 'node:util';
import { wholeOption } from '../whole-option.js';

/** Settings of one cost-growth run, from flags or `BENCH_GROWTH_<NAME>` variables (flags win). */
export interface GrowthOptions {
  readonly connections: number;
  /** Measured seconds per cell. */
  readonly durationSeconds: number;
  /** Pending-code counts, in order. */
  readonly sizes: readonly number[];
  /** Measure ours on PostgreSQL (and the two-instance comparison, which needs it). */
  readonly postgres: boolean;
  /** Pending codes of the one-vs-two-instances comparison; 0 skips it. */
  readonly clusterCodes: number;
}

/**
 * Reads the options.
 *
 *   --connections 10               BENCH_GROWTH_CONNECTIONS
 *   --duration 5                   BENCH_GROWTH_DURATION       seconds per cell
 *   --sizes 1000,10000,100000      BENCH_GROWTH_SIZES
 *   --cluster-codes 10000          BENCH_GROWTH_CLUSTER_CODES  0 skips one-vs-two instances
 *   --no-postgres                  BENCH_GROWTH_POSTGRES=0     SQLite only
 * @throws {Error} on a malformed value.
 */
export function readGrowthOptions(argv: readonly string[] = process.argv.slice(2)): GrowthOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      connections: { type: 'string' },
      duration: { type: 'string' },
      sizes: { type: 'string' },
      'cluster-codes': { type: 'string' },
      'no-postgres': { type: 'boolean' },
    },
  });
  const env = process.env;
  const sizes = (values.sizes ?? env['BENCH_GROWTH_SIZES'] ?? '1000,10000,100000')
    .split(',')
    .map((size) => wholeOption(size.trim(), 0, '--sizes', 10));
  return {
    connections: wholeOption(values.connections ?? env['BENCH_GROWTH_CONNECTIONS'], 10, '--connections', 1),
    durationSeconds: wholeOption(values.duration ?? env['BENCH_GROWTH_DURATION'], 5, '--duration', 1),
    sizes,
    postgres: values['no-postgres'] !== true && env['BENCH_GROWTH_POSTGRES'] !== '0',
    clusterCodes: wholeOption(
      values['cluster-codes'] ?? env['BENCH_GROWTH_CLUSTER_CODES'],
      10_000,
      '--cluster-codes',
      0,
    ),
  };
}
