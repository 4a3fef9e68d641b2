import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { fakeClock } from '@devicelogin/test-utils';
import { systemClock } from '@devicelogin/protocol';
import { CacheLockTimeoutError } from '../../../src/errors.js';
import { acquireFileLock, currentProcessInfo, type ProcessInfo } from '../../../src/cache/file-lock.js';
import { createFilePersistence } from '../../../src/cache/file-persistence.js';
import type { SerializedCache } from '../../../src/cache/schema.js';
import { addAccount, deadPid, recorder, sleepingProcess, writeLockFile, useTempCaches } from './helpers.js';

const { cachePath, defer } = useTempCaches();

describe('the cache lock', () => {
  it('recovers at once a lock whose owner pid is dead on this host', async () => {
    const path = await cachePath();
    await writeLockFile(`${path}.lock`, { pid: await deadPid(), createdAt: Date.now() });
    const clock = fakeClock(Date.now());
    const seen = recorder();
    const persistence = createFilePersistence({ path, encryption: 'plaintext', clock, logger: seen.logger });

    const written = await persistence.update(addAccount('a'));

    expect(Object.keys(written.data?.Account ?? {})).toEqual(['a']);
    expect(clock.sleeps).toEqual([]); // no waiting at all
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(seen.lines.filter((line) => line.includes('Recovered a stale token cache lock'))).toHaveLength(1);
    expect(seen.lines.join('\n')).toMatch(/is not running/);
  });

  it('waits for a lock held by a live process, then fails with CacheLockTimeoutError and leaves the lock alone', async () => {
    const path = await cachePath();
    const owner = await sleepingProcess();
    defer(() => owner.kill());
    const planted = await writeLockFile(`${path}.lock`, { pid: owner.pid, createdAt: Date.now() });
    const persistence = createFilePersistence({ path, encryption: 'plaintext', lockTimeoutMs: 300 });

    const error = await persistence.update(addAccount('a')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CacheLockTimeoutError);
    expect(error).toMatchObject({ code: 'cache_lock_timeout', lockPath: `${path}.lock` });
    expect((error as CacheLockTimeoutError).waitedMs).toBeGreaterThanOrEqual(300);
    expect(await fsp.readFile(`${path}.lock`, 'utf8')).toBe(planted);
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock from a live pid on another host once it is older than staleLockMs', async () => {
    const path = await cachePath();
    const clock = fakeClock(Date.now());
    const start = clock.now();
    await writeLockFile(`${path}.lock`, { pid: process.pid, hostname: 'another-host', createdAt: start });
    const persistence = createFilePersistence({
      path,
      encryption: 'plaintext',
      clock,
      staleLockMs: 30_000,
      lockTimeoutMs: 60_000,
    });

    await persistence.update(addAccount('a'));

    expect(clock.now() - start).toBeGreaterThanOrEqual(30_000);
    expect(clock.now() - start).toBeLessThan(31_000);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(25 * 1.25); // small polling steps
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('does not take over a young lock from another host: it times out instead', async () => {
    const path = await cachePath();
    const clock = fakeClock(Date.now());
    const planted = await writeLockFile(`${path}.lock`, { pid: 1, hostname: 'another-host', createdAt: clock.now() });
    const persistence = createFilePersistence({
      path,
      encryption: 'plaintext',
      clock,
      staleLockMs: 30_000,
      lockTimeoutMs: 5_000,
    });

    await expect(persistence.update(addAccount('a'))).rejects.toMatchObject({ code: 'cache_lock_timeout' });
    expect(await fsp.readFile(`${path}.lock`, 'utf8')).toBe(planted);
  });

  it('recovers at once a lock carrying its own pid and thread that this process does not hold (pid reused after a crash)', async () => {
    const path = await cachePath();
    await writeLockFile(`${path}.lock`, { pid: process.pid, threadId, createdAt: Date.now() });
    const clock = fakeClock(Date.now());
    await createFilePersistence({ path, encryption: 'plaintext', clock }).update(addAccount('a'));
    expect(clock.sleeps).toEqual([]);
  });

  it('treats a lock of another thread of this process as live', async () => {
    const path = await cachePath();
    const clock = fakeClock(Date.now());
    await writeLockFile(`${path}.lock`, { pid: process.pid, threadId: threadId + 1, createdAt: clock.now() });
    const persistence = createFilePersistence({ path, encryption: 'plaintext', clock, lockTimeoutMs: 1_000 });
    await expect(persistence.update(addAccount('a'))).rejects.toBeInstanceOf(CacheLockTimeoutError);
  });

  it('judges an empty lock file (owner died before writing it) by its mtime', async () => {
    const path = await cachePath();
    await fsp.writeFile(`${path}.lock`, '');
    const clock = fakeClock(Date.now());
    const start = clock.now();
    const persistence = createFilePersistence({ path, encryption: 'plaintext', clock, staleLockMs: 2_000 });
    await persistence.update(addAccount('a'));
    expect(clock.now() - start).toBeGreaterThanOrEqual(1_900); // mtime may be a little before `start`
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('removes a recovery marker left by a recoverer that died inside the critical section', async () => {
    const path = await cachePath();
    const dead = await deadPid();
    await writeLockFile(`${path}.lock`, { pid: dead, createdAt: Date.now() });
    await writeLockFile(`${path}.lock.recover`, { pid: dead, createdAt: Date.now() });
    const clock = fakeClock(Date.now());
    await createFilePersistence({ path, encryption: 'plaintext', clock }).update(addAccount('a'));
    expect(await fsp.readdir(join(path, '..'))).toEqual(['tokens.json']);
  });

  it('gives up in time, without spinning, on a lock path that exists but cannot be read (dangling symlink)', async () => {
    const path = await cachePath();
    await fsp.symlink(join(path, '..', 'nowhere'), `${path}.lock`);
    const clock = fakeClock(Date.now());
    const persistence = createFilePersistence({ path, encryption: 'plaintext', clock, lockTimeoutMs: 500 });
    await expect(persistence.update(addAccount('a'))).rejects.toBeInstanceOf(CacheLockTimeoutError);
    expect(clock.sleeps.length).toBeGreaterThan(10);
  });

  it('lets exactly one of many racing waiters recover a stale lock, and loses no update', async () => {
    const path = await cachePath();
    const DEAD = 999_999;
    await writeLockFile(`${path}.lock`, { pid: DEAD, hostname: 'racers', createdAt: Date.now() });
    const seen = recorder();
    // Six "processes" (distinct pids on one simulated host) in this process, 20 updates each.
    const racers = Array.from({ length: 6 }, (_, i) => {
      const processInfo: ProcessInfo = {
        hostname: 'racers',
        pid: 1000 + i,
        threadId: 0,
        isAlive: (pid) => pid !== DEAD,
      };
      return createFilePersistence({ path, encryption: 'plaintext', processInfo, logger: seen.logger });
    });
    const increment = (cache: SerializedCache): SerializedCache => {
      const counter = (cache['Counter'] as { total: number } | undefined) ?? { total: 0 };
      return { ...cache, Counter: { total: counter.total + 1 } };
    };
    await Promise.all(
      racers.map(async (racer) => {
        for (let n = 0; n < 20; n += 1) await racer.update(increment);
      }),
    );
    const loaded = await racers[0]!.load(undefined);
    expect(loaded !== 'unchanged' && loaded.data?.['Counter']).toEqual({ total: 120 });
    expect(seen.lines.filter((line) => line.includes('Recovered a stale token cache lock'))).toHaveLength(1);
  });

  it('release leaves alone a lock that was taken over meanwhile', async () => {
    const path = await cachePath();
    const seen = recorder();
    const lock = await acquireFileLock(`${path}.lock`, {
      timeoutMs: 1_000,
      staleMs: 30_000,
      clock: systemClock,
      processInfo: currentProcessInfo(),
      fs: fsp,
      logger: seen.logger,
    });
    const thief = await writeLockFile(`${path}.lock`, { pid: process.pid, hostname: 'thief', createdAt: Date.now() });
    await lock.release();
    await lock.release(); // idempotent
    expect(await fsp.readFile(`${path}.lock`, 'utf8')).toBe(thief);
    expect(seen.lines.join('\n')).toMatch(/taken over as stale while held/);
    expect(hostname()).not.toBe('thief');
  });
});
