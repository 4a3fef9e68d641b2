import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import type { CacheFileSystem } from '../../../src/cache/fs-port.js';
import { createFilePersistence } from '../../../src/cache/file-persistence.js';
import { staticKeyProvider } from '../../../src/cache/key-provider.js';
import { addAccount, startWorker, workerPath } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

/** node:fs/promises, counting the calls made on the cache file itself. */
function countingFs(path: string): {
  fs: CacheFileSystem;
  opens: () => number;
  stats: () => number;
  renames: () => number;
} {
  let opens = 0;
  let stats = 0;
  let renames = 0;
  const fs: CacheFileSystem = {
    ...fsp,
    open: (...args: Parameters<typeof fsp.open>) => {
      if (args[0] === path) opens += 1;
      return fsp.open(...args);
    },
    stat: ((...args: Parameters<typeof fsp.stat>) => {
      if (args[0] === path) stats += 1;
      return fsp.stat(...args);
    }) as typeof fsp.stat,
    rename: (from, to) => {
      if (to === path) renames += 1;
      return fsp.rename(from, to);
    },
  };
  return { fs, opens: () => opens, stats: () => stats, renames: () => renames };
}

describe('load', () => {
  it('answers unchanged after one stat, without opening the file, while the version is current', async () => {
    const dir = await tempDir();
    cleanup.push(() => dir.remove());
    const path = join(dir.path, 'tokens.json');
    const key = randomBytes(32);
    const counted = countingFs(path);
    const persistence = createFilePersistence({
      path,
      encryption: { keyProvider: staticKeyProvider(key) },
      fs: counted.fs,
    });

    expect(await persistence.load(undefined)).toEqual({ data: undefined, version: 'absent' });
    expect(await persistence.load('absent')).toBe('unchanged');

    const written = await persistence.update(addAccount('mine'));
    const opensAfterWrite = counted.opens();
    const statsAfterWrite = counted.stats();
    expect(await persistence.load(written.version)).toBe('unchanged');
    expect(counted.opens()).toBe(opensAfterWrite); // nothing read, nothing decrypted
    expect(counted.stats()).toBe(statsAfterWrite + 1); // one stat

    // Without a known version it does read, and finds the same version.
    const read = await persistence.load(undefined);
    expect(counted.opens()).toBe(opensAfterWrite + 1);
    expect(read).toEqual(written);

    // Another process writes: the next load sees the new version and reads the new data.
    const worker = startWorker(workerPath('update-worker.mjs'), {
      path,
      id: 'other',
      count: 1,
      chains: 1,
      keyBase64: key.toString('base64'),
    });
    expect(JSON.parse(await worker.nextLine())).toMatchObject({ done: true, warnings: [] });
    await worker.exited;
    const fresh = await persistence.load(written.version);
    if (fresh === 'unchanged') throw new Error('the other process write was not seen');
    expect(fresh.version).not.toBe(written.version);
    expect(Object.keys(fresh.data?.Account ?? {}).sort()).toEqual(['mine', 'other-0']);
    expect(await persistence.load(fresh.version)).toBe('unchanged');
  });

  it('coalesces updates issued together into one locked write, each seeing the ones before it', async () => {
    const dir = await tempDir();
    cleanup.push(() => dir.remove());
    const path = join(dir.path, 'tokens.json');
    const counted = countingFs(path);
    const persistence = createFilePersistence({ path, encryption: 'plaintext', fs: counted.fs });
    const seenBefore: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        persistence.update((cache) => {
          seenBefore.push(Object.keys(cache.Account).length);
          return addAccount(`a${i}`)(cache);
        }),
      ),
    );
    expect(seenBefore).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(counted.renames()).toBeLessThanOrEqual(2); // the first alone, then the other 49 at once
    const last = results[results.length - 1];
    for (const result of results) expect(Object.keys(result.data?.Account ?? {})).toHaveLength(50);
    expect(await persistence.load(last!.version)).toBe('unchanged');
  });
});
