import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PeerId } from '../peers/index.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

/** A measured process taking longer than this fails the benchmark instead of stalling it. */
const PROCESS_TIMEOUT_MS = 20_000;

/**
 * The environment of measured processes: ours without `NODE_OPTIONS`, so that preloads or
 * flags of the calling shell are not timed along with the package.
 */
function childEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  return env;
}

const ENV = childEnvironment();

/**
 * Wall time in ms of one `node child.js <peer>` process, from spawn to exit.
 * @throws {Error} when the process fails or exceeds {@link PROCESS_TIMEOUT_MS}.
 */
export function timeProcess(id: PeerId): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [CHILD, id], {
    env: ENV,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: PROCESS_TIMEOUT_MS,
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error !== undefined) throw new Error(`peer ${id}: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0) {
    throw new Error(`peer ${id} exited with ${result.status ?? result.signal}:\n${result.stderr.toString()}`);
  }
  return elapsed;
}

/**
 * Times every peer `runs` times, round-robin (one process of each peer per round) so that
 * machine noise spreads evenly over them. `warmup` rounds run first and are discarded; they
 * fill the file cache.
 */
export function measureRoundRobin(ids: readonly PeerId[], runs: number, warmup: number): Map<PeerId, number[]> {
  const samples = new Map<PeerId, number[]>(ids.map((id) => [id, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (const id of ids) {
      const elapsed = timeProcess(id);
      if (round >= warmup) samples.get(id)?.push(elapsed);
    }
  }
  return samples;
}
