import { parseArgs } from 'node:util';
import { wholeOption } from '../whole-option.js';

/** Settings of one token-endpoint benchmark run, from the command line or the environment. */
export interface TokenBenchOptions {
  readonly connections: number;
  /** Measured seconds per peer and round. */
  readonly durationSeconds: number;
  /** Warm-up seconds per peer before its first round (not measured). */
  readonly warmupSeconds: number;
  /** Rounds: peers are measured in turn, once per round; figures are medians over rounds. */
  readonly rounds: number;
  /** Pending codes polled by oidc-provider, ours and the baseline. */
  readonly codes: number;
  /**
   * Codes of the extra "ours, authorization_pending only" run (interval 1 s): enough that no code
   * is polled faster than its interval. 0 = skip that run; undefined = 2 × ours' measured req/s.
   */
  readonly pendingCodes: number | undefined;
  /** Pending codes of the memory measurement; 0 = skip it. */
  readonly memoryCodes: number;
  /** Write CPU profiles of our server child (its measured rounds only) to this directory. */
  readonly profileDir: string | undefined;
  /** node-oidc-provider's memory store: raised capacity (default) or stock (1,000 entries). */
  readonly oidcStore: 'raised' | 'stock';
  /** Measure ours on PostgreSQL too (a fresh database of the local server). Default true. */
  readonly postgres: boolean;
}

/**
 * Reads the options. Each flag has an environment twin (`BENCH_TOKEN_<NAME>`); flags win.
 *
 *   --connections 10        BENCH_TOKEN_CONNECTIONS
 *   --duration 10           BENCH_TOKEN_DURATION       seconds measured per peer and round
 *   --warmup 2              BENCH_TOKEN_WARMUP         seconds, per peer, before round 1
 *   --rounds 1              BENCH_TOKEN_ROUNDS
 *   --codes 1000            BENCH_TOKEN_CODES          pending codes polled (issued over HTTP)
 *   --pending-codes N       BENCH_TOKEN_PENDING_CODES  ours with interval 1 s (0 skips; default 2 × ours' req/s)
 *   --memory-codes 100000   BENCH_TOKEN_MEMORY_CODES   0 skips the memory measurement
 *   --profile DIR           BENCH_TOKEN_PROFILE        CPU profiles of our server child (measured rounds) into DIR
 *   --oidc-store stock      BENCH_TOKEN_OIDC_STORE     oidc-provider's stock 1,000-entry memory store
 *   --no-postgres           BENCH_TOKEN_POSTGRES=0     leave ours on PostgreSQL out
 * @throws {Error} on a malformed value.
 */
export function readOptions(argv: readonly string[] = process.argv.slice(2)): TokenBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      codes: { type: 'string' },
      'pending-codes': { type: 'string' },
      'memory-codes': { type: 'string' },
      profile: { type: 'string' },
      'oidc-store': { type: 'string' },
      'no-postgres': { type: 'boolean' },
    },
  });
  const env = process.env;
  const pending = values['pending-codes'] ?? env['BENCH_TOKEN_PENDING_CODES'];
  const oidcStore = values['oidc-store'] ?? env['BENCH_TOKEN_OIDC_STORE'] ?? 'raised';
  if (oidcStore !== 'raised' && oidcStore !== 'stock')
    throw new Error(`--oidc-store must be raised or stock, got ${oidcStore}`);
  const profile = values.profile ?? env['BENCH_TOKEN_PROFILE'];
  return {
    connections: wholeOption(values.connections ?? env['BENCH_TOKEN_CONNECTIONS'], 10, '--connections', 1),
    durationSeconds: wholeOption(values.duration ?? env['BENCH_TOKEN_DURATION'], 10, '--duration', 1),
    warmupSeconds: wholeOption(values.warmup ?? env['BENCH_TOKEN_WARMUP'], 2, '--warmup', 0),
    rounds: wholeOption(values.rounds ?? env['BENCH_TOKEN_ROUNDS'], 1, '--rounds', 1),
    codes: wholeOption(values.codes ?? env['BENCH_TOKEN_CODES'], 1_000, '--codes', 10),
    pendingCodes: pending === undefined || pending === '' ? undefined : wholeOption(pending, 0, '--pending-codes', 0),
    memoryCodes: wholeOption(values['memory-codes'] ?? env['BENCH_TOKEN_MEMORY_CODES'], 100_000, '--memory-codes', 0),
    profileDir: profile === undefined || profile === '' ? undefined : profile,
    oidcStore,
    postgres: values['no-postgres'] !== true && env['BENCH_TOKEN_POSTGRES'] !== '0',
  };
}
