import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ServerChild } from './child-process.js';
import { clientIdsFor, fakeCodes, issueCodes, type IssuedCode } from './issue-codes.js';
import { pollLoad, type LoadResult, type LoadSettings } from './load.js';
import { loadPeer, type PeerId } from './peers/index.js';
import type { Footprint, TokenPeer } from './peers/peer.js';

/** One server configuration measured: a peer, its pending codes and what it should answer. */
export interface RunSpec {
  /** Row label. */
  readonly label: string;
  readonly peer: PeerId;
  readonly codes: number;
  readonly pollIntervalSeconds: number;
  /** Answers (`<status> <error>`) of the pending path; anything else is flagged. */
  readonly expected: readonly string[];
  readonly oidcStore: 'raised' | 'stock';
  /** Write a CPU profile of this run's server child during its measured rounds into this directory. */
  readonly profileDir?: string | undefined;
  /** The fresh database of ours on PostgreSQL. */
  readonly databaseUrl?: string | undefined;
}

/** One measured round: the load figures and the server process's CPU time per answer. */
export interface RoundResult extends LoadResult {
  /** CPU time (user + system) of the server's process during the round ÷ answers, µs. */
  readonly serverCpuPerRequestUs: number;
}

/** A run whose server is up and whose codes are issued. */
export interface PreparedRun {
  readonly spec: RunSpec;
  readonly peer: TokenPeer;
  /** How long issuing the codes over HTTP took, ms (0 for the baseline). */
  readonly issueMs: number;
  /** Autocannon runs of this server, one per round. */
  readonly rounds: RoundResult[];
  /** Polls the codes for the given time; `profile` records a CPU profile of the server meanwhile. */
  poll(settings: LoadSettings, profile?: boolean): Promise<RoundResult>;
  /** Profiles written so far. */
  readonly profiles: string[];
  /** RSS of the server child now, after a full GC. */
  footprint(): Promise<Footprint>;
  close(): Promise<void>;
}

/** Issuing codes over HTTP may take this long at most. */
const ISSUE_TIMEOUT_MS = 90_000;

/**
 * Starts the run's server in its own child process on 127.0.0.1:0 and issues its pending codes
 * through the server's own device authorization endpoint (the baseline gets random strings).
 */
export async function prepareRun(spec: RunSpec, workRoot: string): Promise<PreparedRun> {
  const peer = await loadPeer(spec.peer);
  const directory = join(workRoot, spec.label.replace(/[^a-z0-9]+/gi, '-'));
  await mkdir(directory, { recursive: true });
  const clientIds = clientIdsFor(spec.codes);
  const settings = {
    clientIds,
    pollIntervalSeconds: spec.pollIntervalSeconds,
    directory,
    oidcStore: spec.oidcStore,
    databaseUrl: spec.databaseUrl,
  };
  const { child, origin } = await ServerChild.start(spec.peer, settings);
  const profiles: string[] = [];
  const cursors: number[] = [];
  try {
    const started = performance.now();
    const codes: IssuedCode[] =
      peer.deviceAuthorizationPath === undefined
        ? fakeCodes(spec.codes, clientIds)
        : await issueCodes(peer, origin, spec.codes, clientIds, ISSUE_TIMEOUT_MS);
    const issueMs = peer.deviceAuthorizationPath === undefined ? 0 : performance.now() - started;
    return {
      spec,
      peer,
      issueMs,
      rounds: [],
      profiles,
      async poll(load, profile = false) {
        const profiling = profile && spec.profileDir !== undefined;
        if (profiling) await child.startProfile();
        const cpuBefore = await child.cpuMicros();
        const result = await pollLoad(peer, origin, codes, load, cursors);
        const cpu = (await child.cpuMicros()) - cpuBefore;
        if (profiling && spec.profileDir !== undefined) {
          const path = join(
            spec.profileDir,
            `${directory.split('/').at(-1) ?? 'run'}-${profiles.length + 1}.cpuprofile`,
          );
          await child.stopProfile(path);
          profiles.push(path);
        }
        return { ...result, serverCpuPerRequestUs: result.total > 0 ? cpu / result.total : 0 };
      },
      footprint: () => child.footprint(),
      close: () => child.close(),
    };
  } catch (error) {
    await child.close();
    throw error;
  }
}

/** How many requests of a result failed (errors, timeouts) or got an answer outside `expected`. */
export function unexpectedAnswers(result: LoadResult, expected: readonly string[]): number {
  let count = result.errors;
  for (const [answer, n] of result.answers) if (!expected.includes(answer)) count += n;
  return count;
}
