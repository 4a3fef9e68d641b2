/**
 * CLI start-up: whole-process wall time of `devicelogin token` on a cache hit (the built bundle,
 * a one-account plaintext cache, no network) against a bare `node -e ''`, interleaved in one run.
 * Prints medians, p95 and the ratio; the target is ≤ 1.5× (docs/cli.md, README).
 *
 *   npm run bench:cli                                   (builds first)
 *   node bench/dist/cli-startup.bench.js --runs 40 --warmup 3
 *
 * The same comparison with hyperfine (Debian's), printed at the end for cross-checking.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCache } from './silent/generate-cache.js';
import { summarize } from './startup/stats.js';

const BIN = fileURLToPath(new URL('../../packages/cli/dist/bundle/devicelogin.cjs', import.meta.url));
const TARGET_RATIO = 1.5;

const { values } = parseArgs({ options: { runs: { type: 'string' }, warmup: { type: 'string' } } });
const runs = Math.max(1, Number(values.runs ?? process.env['BENCH_RUNS'] ?? 40));
const warmup = Math.max(0, Number(values.warmup ?? process.env['BENCH_WARMUP'] ?? 3));

const dir = mkdtempSync(join(tmpdir(), 'devicelogin-cli-bench-'));
const cache = generateCache(1);
const cachePath = join(dir, 'token-cache.json');
writeFileSync(cachePath, cache.text, { mode: 0o600 });
const env: NodeJS.ProcessEnv = {
  PATH: process.env['PATH'],
  HOME: dir,
  DEVICELOGIN_CACHE_FILE: cachePath,
  DEVICELOGIN_CONFIG_DIR: join(dir, 'config'),
};
const tokenArgs = ['token', '--authority', cache.authority, '--client-id', cache.clientId, '--scopes', 'user.read'];
const commands = {
  'node -e ""': [process.execPath, ['-e', '']],
  'devicelogin token (cache hit)': [process.execPath, [BIN, ...tokenArgs]],
} as const satisfies Record<string, readonly [string, readonly string[]]>;
type Name = keyof typeof commands;

function time(name: Name): number {
  const [file, args] = commands[name];
  const started = process.hrtime.bigint();
  const result = spawnSync(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr.toString()}`);
  if (name !== 'node -e ""' && result.stdout.toString() !== `${cache.accounts[0]?.accessToken}\n`) {
    throw new Error('devicelogin token did not print the cached access token (not a cache hit?)');
  }
  return elapsed;
}

try {
  console.log(`cli-startup: ${runs} runs each (+${warmup} warm-up), interleaved, fresh process each`);
  console.log(`node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}\n`);
  const names = Object.keys(commands) as Name[];
  const samples = new Map<Name, number[]>(names.map((n) => [n, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (const name of names) {
      const elapsed = time(name);
      if (round >= warmup) samples.get(name)?.push(elapsed);
    }
  }
  const [baseline, ours] = names.map((name) => summarize(samples.get(name) ?? []));
  if (baseline === undefined || ours === undefined) throw new Error('no samples');
  const ratio = ours.median / baseline.median;
  const minRatio = ours.min / baseline.min;
  console.log('| command | median ms | p95 ms | min ms |');
  console.log('| :--- | ---: | ---: | ---: |');
  for (const [name, s] of [
    [names[0], baseline],
    [names[1], ours],
  ] as const) {
    console.log(`| ${name} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.min.toFixed(1)} |`);
  }
  console.log(
    `\nratio (median devicelogin token ÷ median node -e ''): ${ratio.toFixed(2)}× — target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
  );
  console.log(`ratio of the minimums (least disturbed by other load on the machine): ${minRatio.toFixed(2)}×`);
  console.log(
    `\nCross-check: DEVICELOGIN_CACHE_FILE=<file> hyperfine -N --warmup 3 "node -e ''" "node ${BIN} ${tokenArgs.join(' ')}"`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
