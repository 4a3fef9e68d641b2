/**
 * Token endpoint benchmark: pending-poll requests per second (POST token, device code grant,
 * the code not yet approved), ours on SQLite and on PostgreSQL (a fresh database of the local
 * server, created and dropped by the run) against node-oidc-provider 9.13.3 and a bare node:http
 * floor, in one run with one load tool (autocannon), same connections and duration; plus memory
 * with 100,000 pending codes. `--no-postgres` (BENCH_TOKEN_POSTGRES=0) leaves PostgreSQL out. Each server
 * runs in its own child process on 127.0.0.1:0; its codes are issued through its own device
 * authorization endpoint; every answer is tallied and checked.
 *
 *   npm run bench:token                                (builds first)
 *   node bench/dist/token-endpoint.bench.js --duration 5 --memory-codes 0
 *   node bench/dist/token-endpoint.bench.js --profile /tmp/prof   (CPU profile of our server)
 *   BENCH_TOKEN_ROUNDS=3 node bench/dist/token-endpoint.bench.js
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshBenchDatabase, type BenchDatabase } from './postgres/fresh-database.js';
import { count } from './silent/table.js';
import { measureMemory, type MemoryResult } from './token-endpoint/memory.js';
import { readOptions } from './token-endpoint/options.js';
import { prepareRun, type PreparedRun, type RunSpec } from './token-endpoint/runs.js';
import { medianOf, type ThroughputRow } from './token-endpoint/report.js';
import { printSummary } from './token-endpoint/summary.js';

const options = readOptions();
const started = performance.now();
const progress = (line: string): void => void process.stderr.write(`${line}\n`);
const load = { connections: options.connections, durationSeconds: options.durationSeconds };
const machine = `node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}`;

console.log(
  `token endpoint, pending polls: autocannon 9.0.0, ${options.connections} connections, ` +
    `${options.durationSeconds} s × ${options.rounds} round(s) per server (+${options.warmupSeconds} s warm-up), ` +
    `${count(options.codes)} pending codes cycled; each server in its own child process on 127.0.0.1`,
);
console.log(`${machine}\n`);

const PENDING = '400 authorization_pending';
const specs: RunSpec[] = [
  {
    label: 'baseline (node:http)',
    peer: 'baseline',
    codes: options.codes,
    pollIntervalSeconds: 5,
    expected: [PENDING],
    oidcStore: options.oidcStore,
  },
  {
    label: 'oidc-provider 9.13.3',
    peer: 'oidc-provider',
    codes: options.codes,
    pollIntervalSeconds: 5,
    expected: [PENDING],
    oidcStore: options.oidcStore,
  },
  {
    label: 'ours (interval 5 s)',
    peer: 'devicelogin',
    codes: options.codes,
    pollIntervalSeconds: 5,
    // Each code comes back every ~0.1 s: after its first poll the answer is slow_down, still
    // the pending path (one read, no write, no signing).
    expected: [PENDING, '400 slow_down'],
    oidcStore: options.oidcStore,
    profileDir: options.profileDir,
  },
];

// Ours on PostgreSQL: same codes, interval and expected answers as ours on SQLite.
const database: BenchDatabase | undefined = options.postgres ? await freshBenchDatabase() : undefined;
if (database !== undefined) {
  specs.push({
    label: 'ours on PostgreSQL (interval 5 s)',
    peer: 'devicelogin-postgres',
    codes: options.codes,
    pollIntervalSeconds: 5,
    expected: [PENDING, '400 slow_down'],
    oidcStore: options.oidcStore,
    databaseUrl: database.url,
  });
}

/** Warms each run up (not measured). */
async function warmUp(runs: readonly PreparedRun[]): Promise<void> {
  if (options.warmupSeconds === 0) return;
  for (const run of runs) {
    const { requestsPerSecond } = await run.poll({ ...load, durationSeconds: options.warmupSeconds });
    progress(`  warm-up, ${run.spec.label}: ${count(Math.round(requestsPerSecond.mean))} req/s`);
  }
}

/** Measures the runs in turn, once per round, then reads each server's RSS. */
async function measure(runs: readonly PreparedRun[]): Promise<ThroughputRow[]> {
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const run of runs) {
      const result = await run.poll(load, true);
      run.rounds.push(result);
      progress(
        `  round ${round}, ${run.spec.label}: ${count(Math.round(result.requestsPerSecond.mean))} req/s, ` +
          `server CPU ${Math.round(result.serverCpuPerRequestUs)} µs/req`,
      );
    }
  }
  const rows: ThroughputRow[] = [];
  for (const run of runs) {
    const { rss } = await run.footprint();
    rows.push({ spec: run.spec, name: run.peer.name, setup: run.peer.setup, rounds: run.rounds, rssAfter: rss });
    for (const path of run.profiles) progress(`  CPU profile of ${run.spec.label} (measured rounds only): ${path}`);
  }
  return rows;
}

/**
 * Codes for the pending-only run (interval 1 s): no code may come back within 0.8 s, or ours
 * answers slow_down and raises that code's interval for good. Twice ours' measured req/s gives a
 * 2 s cycle (warm-up rates are far below the steady ones, so they cannot be used).
 */
function pendingOnlyCodes(oursRate: number): number {
  if (options.pendingCodes !== undefined) return options.pendingCodes;
  return Math.max(options.codes, Math.ceil((2 * oursRate) / 1000) * 1000);
}

async function prepare(spec: RunSpec, workRoot: string, open: PreparedRun[]): Promise<PreparedRun> {
  const run = await prepareRun(spec, workRoot);
  open.push(run);
  const how = run.issueMs > 0 ? `issued over HTTP in ${(run.issueMs / 1000).toFixed(1)} s` : 'random strings';
  progress(`${spec.label}: ${count(spec.codes)} codes ${how}`);
  return run;
}

if (options.profileDir !== undefined) await mkdir(options.profileDir, { recursive: true });
const workRoot = await mkdtemp(join(tmpdir(), 'devicelogin-bench-token-'));
const open: PreparedRun[] = [];
const rows: ThroughputRow[] = [];
const memory: MemoryResult[] = [];
const memoryNotes: string[] = [];
try {
  const runs: PreparedRun[] = [];
  for (const spec of specs) runs.push(await prepare(spec, workRoot, open));
  await warmUp(runs);
  rows.push(...(await measure(runs)));
  for (const run of runs) await run.close();

  // Measured after the others: its number of codes depends on ours' rate.
  const ours = rows.find((row) => row.spec.peer === 'devicelogin');
  const pendingCodes = pendingOnlyCodes(
    ours === undefined ? 0 : medianOf(ours.rounds, (r) => r.requestsPerSecond.mean),
  );
  if (pendingCodes > 0) {
    const run = await prepare(
      {
        label: 'ours (interval 1 s, pending only)',
        peer: 'devicelogin',
        codes: pendingCodes,
        pollIntervalSeconds: 1,
        expected: [PENDING],
        oidcStore: options.oidcStore,
        profileDir: options.profileDir,
      },
      workRoot,
      open,
    );
    await warmUp([run]);
    rows.push(...(await measure([run])));
    await run.close();
  }

  if (options.memoryCodes > 0) {
    for (const id of ['devicelogin', 'oidc-provider'] as const) {
      progress(`memory: ${count(options.memoryCodes)} pending codes in ${id}…`);
      try {
        memory.push(await measureMemory(id, options.memoryCodes, workRoot, options.oidcStore, 60_000));
      } catch (error) {
        memoryNotes.push(`${id}: not measured (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  }
} finally {
  for (const run of open) await run.close();
  await rm(workRoot, { recursive: true, force: true });
  await database?.drop();
}

printSummary({ options, machine, rows, memory, memoryNotes, seconds: (performance.now() - started) / 1000 });
