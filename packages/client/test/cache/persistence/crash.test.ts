import { randomBytes, randomInt } from 'node:crypto';
import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import { createFilePersistence } from '../../../src/cache/file-persistence.js';
import { staticKeyProvider } from '../../../src/cache/key-provider.js';
import type { SerializedCache } from '../../../src/cache/schema.js';
import { addAccount, recorder, startWorker, workerPath, type Worker } from './helpers.js';

const ITERATIONS_PER_LANE = 12;
const ENTRIES = 200;
const FILLER = 400; // ≈ 110 kB per document: a write takes a while, so kills land inside it

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

/** Fails unless `cache` is exactly the document crash-writer.mjs writes for its generation. */
function assertWholeGeneration(cache: SerializedCache): number {
  const generation = (cache['Meta'] as { generation?: unknown } | undefined)?.generation;
  if (typeof generation !== 'number') throw new Error('the document has no generation');
  const expected = Object.fromEntries(
    Array.from({ length: ENTRIES }, (_, k) => [
      `a${k}`,
      {
        home_account_id: `a${k}`,
        environment: 'login.example.test',
        realm: 'tenant',
        local_account_id: `a${k}`,
        username: `a${k}@example.test`,
        authority_type: 'MSSTS',
        generation,
        filler: `${generation}:${k}:`.padEnd(FILLER, '.'),
      },
    ]),
  );
  // One comparison of the serialised forms (keys in order): 200 entries × 8 fields each.
  expect(JSON.stringify(cache.Account) === JSON.stringify(expected)).toBe(true);
  return generation;
}

function startWriter(path: string, key: Buffer | undefined): Worker {
  const worker = startWorker(
    workerPath('crash-writer.mjs'),
    { path, entries: ENTRIES, filler: FILLER, keyBase64: key?.toString('base64') },
    { stdin: true },
  );
  cleanup.push(async () => {
    worker.child.kill('SIGKILL');
    await worker.exited;
  });
  return worker;
}

async function killLoop(dir: string, key: Buffer | undefined): Promise<{ tempFilesSeen: number }> {
  const tempFiles = new Set<string>();
  const path = join(dir, 'tokens.json');
  const encryption = key === undefined ? ('plaintext' as const) : { keyProvider: staticKeyProvider(key) };
  let previous = 0;
  let next = startWriter(path, key);
  for (let i = 0; i < ITERATIONS_PER_LANE; i += 1) {
    const worker = next;
    expect(await worker.nextLine()).toBe('ready');
    worker.child.stdin?.end('go\n');
    if (i + 1 < ITERATIONS_PER_LANE) next = startWriter(path, key); // loads while this one writes

    // Kill at a random point of its progress: after 1 to 4 completed writes, then a random part
    // of the time one write took, so that kills land in every phase of the next write (lock,
    // read, encrypt, write, fsync, rename, directory fsync, unlock).
    const completed = randomInt(1, 5);
    let lastReported = 0;
    let writeMs = 0;
    for (let n = 0; n < completed; n += 1) {
      const before = performance.now();
      lastReported = Number(await worker.nextLine());
      writeMs = performance.now() - before;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * writeMs));
    worker.child.kill('SIGKILL');
    expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(worker.stderr()).toBe(''); // no warning (no corrupt file met), no error

    const seen = recorder();
    const loaded = await createFilePersistence({ path, encryption, onWarning: seen.onWarning }).load(undefined);
    if (loaded === 'unchanged' || loaded.data === undefined) throw new Error('the cache file is missing');
    const generation = assertWholeGeneration(loaded.data);
    expect(seen.warnings).toEqual([]);
    // Every write the child reported is durable; nothing went backwards (a corrupt file moved
    // aside would have restarted the generations at 1).
    expect(generation).toBeGreaterThanOrEqual(lastReported);
    expect(generation).toBeGreaterThanOrEqual(previous);
    previous = generation;
    const names = await readdir(dir);
    expect(names.filter((name) => name.includes('.corrupt-'))).toEqual([]);
    for (const name of names) if (name.includes('.tmp-')) tempFiles.add(name);
  }
  return { tempFilesSeen: tempFiles.size };
}

describe('a writer killed with SIGKILL in the middle of saves', () => {
  it(`leaves a whole cache, old or new, every time (${2 * ITERATIONS_PER_LANE} kills, plaintext and encrypted)`, async () => {
    const plain = await tempDir();
    const encrypted = await tempDir();
    cleanup.push(
      () => plain.remove(),
      () => encrypted.remove(),
    );
    const [plainLane, encryptedLane] = await Promise.all([
      killLoop(plain.path, undefined),
      killLoop(encrypted.path, randomBytes(32)),
    ]);
    // Informational: how many kills interrupted a write after its temporary file was created.
    console.info(
      `temporary files left by killed writers: ${plainLane.tempFilesSeen} (plaintext), ${encryptedLane.tempFilesSeen} (encrypted)`,
    );
  });
});

describe('temporary files left by killed writers', () => {
  it('are ignored by readers and removed by the next writer once older than staleLockMs', async () => {
    const dir = await tempDir();
    cleanup.push(() => dir.remove());
    const path = join(dir.path, 'tokens.json');
    const orphan = `${path}.tmp-4242-0123456789ab`;
    const lockOrphan = `${path}.lock.tmp-4242-0123456789ab`;
    const unrelated = join(dir.path, 'other.json.tmp-4242-0123456789ab');
    await writeFile(orphan, '{"Account":{"half', { mode: 0o600 });
    await writeFile(lockOrphan, '{"pid":4242', { mode: 0o600 });
    await writeFile(unrelated, 'not ours');
    const staleLockMs = 30_000;

    const young = createFilePersistence({ path, encryption: 'plaintext', staleLockMs });
    await young.update(addAccount('first'));
    expect((await readdir(dir.path)).sort()).toEqual([
      'other.json.tmp-4242-0123456789ab',
      'tokens.json',
      'tokens.json.lock.tmp-4242-0123456789ab',
      'tokens.json.tmp-4242-0123456789ab',
    ]);

    const old = new Date(Date.now() - staleLockMs - 5_000);
    await utimes(orphan, old, old);
    await utimes(lockOrphan, old, old);
    await utimes(unrelated, old, old);
    const seen = recorder();
    const later = createFilePersistence({ path, encryption: 'plaintext', staleLockMs, logger: seen.logger });
    const written = await later.update(addAccount('second'));
    expect(Object.keys(written.data?.Account ?? {})).toEqual(['first', 'second']);
    expect((await readdir(dir.path)).sort()).toEqual(['other.json.tmp-4242-0123456789ab', 'tokens.json']);
    expect(seen.lines).toContain('info Removed 2 temporary file(s) left by interrupted cache writes.');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
