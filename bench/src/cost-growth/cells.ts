/**
 * The measurements of the cost-growth benchmark: one server child holding N pending codes (made
 * through its store API) polled by autocannon exactly as the token-endpoint benchmark polls; and
 * one PostgreSQL database served by one instance directly, one behind HAProxy, two behind HAProxy.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freshBenchDatabase } from '../postgres/fresh-database.js';
import { ServerChild } from '../token-endpoint/child-process.js';
import type { IssuedCode } from '../token-endpoint/issue-codes.js';
import { pollLoad, type LoadResult, type LoadSettings } from '../token-endpoint/load.js';
import { loadPeer } from '../token-endpoint/peers/index.js';
import { startBalancer } from './haproxy.js';

/** Ours on one store. */
export type StorePeer = 'devicelogin' | 'devicelogin-postgres';

const CLIENT_ID = 'bench-cli-1';
/** Creating 100,000 codes may take this long (one store call each). */
const FILL_TIMEOUT_MS = 600_000;
/** Unmeasured polling before each measured cell. */
const WARMUP_SECONDS = 1;

/** One cell: a store and a number of pending codes. */
export interface GrowthRow {
  readonly peer: StorePeer;
  readonly codes: number;
  readonly fillMs: number;
  /** RSS of the server child, bytes: started, after the fill, after the load (each after a full GC). */
  readonly rss: { readonly start: number; readonly filled: number; readonly loaded: number };
  readonly load: LoadResult;
}

/** One row of the instances comparison. */
export interface InstancesRow {
  readonly label: string;
  readonly instances: number;
  /** RSS of the server children together after the load, bytes. */
  readonly rss: number;
  readonly load: LoadResult;
}

async function withDatabase<T>(peer: StorePeer, work: (databaseUrl: string | undefined) => Promise<T>): Promise<T> {
  if (peer === 'devicelogin') return work(undefined);
  const database = await freshBenchDatabase();
  try {
    return await work(database.url);
  } finally {
    await database.drop();
  }
}

function startChild(
  peer: StorePeer,
  directory: string,
  databaseUrl: string | undefined,
): ReturnType<typeof ServerChild.start> {
  return ServerChild.start(peer, {
    clientIds: [CLIENT_ID],
    pollIntervalSeconds: 5,
    directory,
    oidcStore: 'raised',
    databaseUrl,
  });
}

async function fill(child: ServerChild, codes: number): Promise<{ codes: IssuedCode[]; ms: number }> {
  const { deviceCodes, ms } = await child.fillReturningCodes(codes, CLIENT_ID, FILL_TIMEOUT_MS);
  return { codes: deviceCodes.map((deviceCode) => ({ deviceCode, clientId: CLIENT_ID })), ms };
}

/** Warm-up then one measured load run. */
async function poll(
  peer: StorePeer,
  origin: string,
  codes: readonly IssuedCode[],
  load: LoadSettings,
): Promise<LoadResult> {
  const adapter = await loadPeer(peer);
  const cursors: number[] = [];
  await pollLoad(adapter, origin, codes, { ...load, durationSeconds: WARMUP_SECONDS }, cursors);
  return pollLoad(adapter, origin, codes, load, cursors);
}

/** Measures one store with `codes` pending codes in a fresh child (and a fresh database). */
export async function measureGrowth(
  peer: StorePeer,
  codes: number,
  load: LoadSettings,
  workRoot: string,
): Promise<GrowthRow> {
  const directory = join(workRoot, `${peer}-${codes}`);
  await mkdir(directory, { recursive: true });
  return withDatabase(peer, async (databaseUrl) => {
    const { child, origin } = await startChild(peer, directory, databaseUrl);
    try {
      const start = (await child.footprint()).rss;
      const filled = await fill(child, codes);
      const afterFill = (await child.footprint()).rss;
      const result = await poll(peer, origin, filled.codes, load);
      const loaded = (await child.footprint()).rss;
      return { peer, codes, fillMs: filled.ms, rss: { start, filled: afterFill, loaded }, load: result };
    } finally {
      await child.close();
    }
  });
}

/**
 * One PostgreSQL database with `codes` pending codes: one instance polled directly, the same
 * behind HAProxy, then a second instance added behind HAProxy (round-robin).
 */
export async function measureInstances(codes: number, load: LoadSettings, workRoot: string): Promise<InstancesRow[]> {
  const peer = 'devicelogin-postgres';
  const directory = join(workRoot, 'instances');
  await mkdir(directory, { recursive: true });
  return withDatabase(peer, async (databaseUrl) => {
    const first = await startChild(peer, directory, databaseUrl);
    const children = [first.child];
    const rows: InstancesRow[] = [];
    const rss = async (): Promise<number> => {
      let total = 0;
      for (const child of children) total += (await child.footprint()).rss;
      return total;
    };
    try {
      const filled = await fill(first.child, codes);
      const direct = await poll(peer, first.origin, filled.codes, load);
      rows.push({ label: 'one instance, direct', instances: 1, rss: await rss(), load: direct });
      const one = await startBalancer([first.origin], directory);
      try {
        const result = await poll(peer, one.origin, filled.codes, load);
        rows.push({ label: 'one instance behind HAProxy', instances: 1, rss: await rss(), load: result });
      } finally {
        await one.close();
      }
      const second = await startChild(peer, directory, databaseUrl);
      children.push(second.child);
      const two = await startBalancer([first.origin, second.origin], directory);
      try {
        const result = await poll(peer, two.origin, filled.codes, load);
        rows.push({ label: 'two instances behind HAProxy', instances: 2, rss: await rss(), load: result });
      } finally {
        await two.close();
      }
      return rows;
    } finally {
      for (const child of children) await child.close();
    }
  });
}
