import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import { createFilePersistence } from '../../../src/cache/file-persistence.js';
import { staticKeyProvider } from '../../../src/cache/key-provider.js';
import { deadPid, startWorker, workerPath, writeLockFile } from './helpers.js';

const PROCESSES = 8;
const UPDATES_PER_PROCESS = 200;
const CHAINS_PER_PROCESS = 10;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

describe(`${PROCESSES} processes × ${UPDATES_PER_PROCESS} concurrent updates on one cache file`, () => {
  it.each([
    ['plaintext', undefined],
    ['encrypted with a static key', randomBytes(32)],
  ])('%s: every update is kept, and a stale lock of a dead process is recovered once', async (_name, key) => {
    const dir = await tempDir();
    cleanup.push(() => dir.remove());
    const path = join(dir.path, 'cache', 'tokens.json');
    await mkdir(dirname(path), { recursive: true });
    // The racing processes all meet this lock first: exactly one of them may remove it.
    await writeLockFile(`${path}.lock`, { pid: await deadPid(), createdAt: Date.now() });

    const workers = Array.from({ length: PROCESSES }, (_, i) =>
      startWorker(
        workerPath('update-worker.mjs'),
        {
          path,
          id: `p${i}`,
          count: UPDATES_PER_PROCESS,
          chains: CHAINS_PER_PROCESS,
          keyBase64: key?.toString('base64'),
          waitForGo: true,
        },
        { stdin: true },
      ),
    );
    cleanup.push(async () => {
      for (const worker of workers) worker.child.kill('SIGKILL');
      await Promise.all(workers.map((worker) => worker.exited));
    });
    for (const worker of workers) expect(await worker.nextLine()).toBe('ready');
    for (const worker of workers) worker.child.stdin?.end('go\n');

    const reports = await Promise.all(
      workers.map(
        async (worker) => JSON.parse(await worker.nextLine()) as { done: boolean; warnings: string[]; writes: number },
      ),
    );
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    expect(exits).toEqual(Array.from({ length: PROCESSES }, () => ({ code: 0, signal: null })));
    for (const report of reports) {
      expect(report).toMatchObject({ done: true, warnings: [] });
      // Each chain has one update in flight at a time, so a process needs at least this many
      // separate locked read-modify-write cycles: the processes really did interleave.
      expect(report.writes).toBeGreaterThanOrEqual(UPDATES_PER_PROCESS / CHAINS_PER_PROCESS);
    }

    const persistence = createFilePersistence({
      path,
      encryption: key === undefined ? 'plaintext' : { keyProvider: staticKeyProvider(key) },
    });
    const loaded = await persistence.load(undefined);
    if (loaded === 'unchanged') throw new Error('unexpected');
    const expected = Array.from({ length: PROCESSES }, (_, p) =>
      Array.from({ length: UPDATES_PER_PROCESS }, (_, n) => `p${p}-${n}`),
    ).flat();
    expect(Object.keys(loaded.data?.Account ?? {}).sort()).toEqual(expected.sort());
    expect(loaded.data?.['Counter']).toEqual({ total: PROCESSES * UPDATES_PER_PROCESS });

    // Nothing is left behind: no lock, no recovery marker, no temporary or corrupt file.
    expect(await readdir(dirname(path))).toEqual(['tokens.json']);
    const text = await readFile(path, 'utf8');
    expect(text.startsWith(key === undefined ? '{"Account":' : '{"format":"devicelogin-cache"')).toBe(true);
  });
});
