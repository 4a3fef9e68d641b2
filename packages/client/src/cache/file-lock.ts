import { nodeCrypto } from './lazy-crypto.js';
import { hostname } from 'node:os';
import { createRequire } from 'node:module';
import type { Clock } from '@devicelogin/protocol';
import { CacheIoError, CacheLockTimeoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import { tempPathFor } from './atomic-write.js';
import { errorCode, type CacheFileSystem } from './fs-port.js';

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** Give up after waiting this long. */
  readonly timeoutMs: number;
  /** A lock older than this is stale, whoever owns it. */
  readonly staleMs: number;
  readonly clock: Clock;
  readonly processInfo: ProcessInfo;
  readonly fs: CacheFileSystem;
  readonly logger: Logger;
}

/** The current process as a lock owner, and how to tell whether another pid still runs. */
export interface ProcessInfo {
  readonly hostname: string;
  readonly pid: number;
  readonly threadId: number;
  /** False only when `pid` certainly does not exist on this host. */
  isAlive(pid: number): boolean;
}

/** A held lock. */
export interface FileLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

let workerThreadId: number | undefined;

/**
 * The worker thread id, read on first use: loading `node:worker_threads` costs ~3 ms at start-up
 * (bench/startup), which a client that never writes a cache file should not pay.
 */
function currentThreadId(): number {
  return (workerThreadId ??= (createRequire(import.meta.url)('node:worker_threads') as { threadId: number }).threadId);
}

/** The real process: `os.hostname()`, `process.pid`, the worker thread id, `process.kill(pid, 0)`. */
export function currentProcessInfo(): ProcessInfo {
  return {
    hostname: hostname(),
    pid: process.pid,
    get threadId() {
      return currentThreadId();
    },
    isAlive(pid) {
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        return errorCode(error) !== 'ESRCH'; // EPERM: alive, owned by someone else
      }
    },
  };
}

interface LockRecord {
  readonly pid: number;
  readonly threadId: number;
  readonly hostname: string;
  readonly createdAt: number;
  readonly nonce: string;
}

interface ObservedLock {
  readonly record: LockRecord | undefined;
  readonly mtimeMs: number;
}

const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 25;
const MAX_RETRIES_WITHOUT_SLEEP = 3;

/** Nonces of the locks this process (this thread: one registry per realm) holds or is taking. */
const held: Set<string> = (() => {
  const slot = Symbol.for('devicelogin.cache.heldLockNonces');
  const registry = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  return (registry[slot] ??= new Set<string>());
})();

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<Record<keyof LockRecord, unknown>> | null;
    if (
      typeof value?.pid === 'number' &&
      typeof value.hostname === 'string' &&
      typeof value.createdAt === 'number' &&
      typeof value.nonce === 'string'
    ) {
      return {
        pid: value.pid,
        threadId: typeof value.threadId === 'number' ? value.threadId : 0,
        hostname: value.hostname,
        createdAt: value.createdAt,
        nonce: value.nonce,
      };
    }
  } catch {
    // Empty or partly written (its owner is writing it, or died doing so): judged by mtime.
  }
  return undefined;
}

/**
 * Takes the lock at `lockPath`, waiting for another holder and recovering a stale lock.
 *
 * The lock is a file, `<cache>.lock`, created exclusively (EEXIST when it exists: a hard link of a
 * complete temporary file, or `open(path, 'wx')` where there are no hard links) and holding
 * `{"pid","threadId","hostname","createdAt","nonce"}`; taking it is creating it, releasing it is
 * removing it.
 *
 * Waiting: a waiter polls in small steps (2 ms growing by half up to 25 ms, with jitter) and gives
 * up with {@link CacheLockTimeoutError} after `timeoutMs`.
 *
 * Stale locks: a lock is stale when its owner is certainly gone (same hostname and
 * `process.kill(pid, 0)` answers ESRCH; or same pid and thread as the caller but not held by this
 * process, i.e. a pid reused after a crash, as in containers), or when it is older than `staleMs`
 * (any host; `createdAt`, or the file's mtime when the content is unreadable).
 *
 * Race-safe recovery: removing a stale lock happens only inside a short critical section guarded
 * by a second file created the same exclusive way, `<cache>.lock.recover`. Inside it the waiter reads the lock again and
 * removes it only if it is still stale. Two waiters that both saw the same stale lock therefore
 * cannot both remove it, and a waiter can never remove the fresh lock another waiter created in
 * its place (a fresh lock is not stale when re-checked). The recovery marker itself is held for
 * microseconds; if its holder died it is removed by the same staleness rules. The one case no lock
 * file can cover is an owner that is alive but has held the lock longer than `staleMs`.
 * @throws CacheLockTimeoutError after `timeoutMs` of waiting.
 * @throws CacheIoError when the lock file cannot be created, read or removed.
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions): Promise<FileLock> {
  const { clock } = options;
  const start = clock.now();
  let pollMs = FIRST_POLL_MS;
  let retriesWithoutSleep = 0;
  for (;;) {
    const record = await tryCreate(lockPath, options);
    if (record !== undefined) return heldLock(lockPath, record, options);
    const observed = await observe(lockPath, options);
    // Released in between, or a stale lock just removed: try again at once (a few times only).
    const gone =
      observed === undefined || (staleness(observed, options) !== undefined && (await recover(lockPath, options)));
    const waited = clock.now() - start;
    if (waited >= options.timeoutMs) throw new CacheLockTimeoutError(lockPath, waited);
    if (gone && retriesWithoutSleep < MAX_RETRIES_WITHOUT_SLEEP) {
      retriesWithoutSleep += 1;
      continue;
    }
    retriesWithoutSleep = 0;
    await clock.sleep(Math.min(pollMs * (0.75 + Math.random() / 2), options.timeoutMs - waited));
    pollMs = Math.min(pollMs * 1.5, MAX_POLL_MS);
  }
}

/** Runs `fn` while holding the lock at `lockPath`; releases it however `fn` ends. */
export async function withFileLock<T>(lockPath: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireFileLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** Creates `path` exclusively, holding a fresh owner record; undefined when it exists. */
async function tryCreate(path: string, options: FileLockOptions): Promise<LockRecord | undefined> {
  const { processInfo: me, fs } = options;
  const record: LockRecord = {
    pid: me.pid,
    threadId: me.threadId,
    hostname: me.hostname,
    createdAt: options.clock.now(),
    nonce: nodeCrypto().randomBytes(12).toString('base64url'),
  };
  held.add(record.nonce); // before the file exists: a same-process waiter must never see it as stale
  try {
    if (await createExclusive(fs, path, JSON.stringify(record), me.pid)) return record;
  } catch (error) {
    held.delete(record.nonce);
    throw new CacheIoError(path, 'create the lock file of', error);
  }
  held.delete(record.nonce);
  return undefined;
}

/** Error codes of file systems without hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Creates `path` holding `text` unless it already exists, so that the lock never exists without
 * its content (an owner killed between creating and writing it would otherwise leave an empty
 * lock that only its age can clear): `text` goes to a temporary file first, which is hard-linked
 * to `path` (`link(2)` fails with EEXIST like `open(O_CREAT | O_EXCL)`). Where the file system
 * has no hard links, `open(path, 'wx')` then a write.
 * @returns false when `path` exists.
 */
async function createExclusive(fs: CacheFileSystem, path: string, text: string, pid: number): Promise<boolean> {
  const temp = tempPathFor(path, pid);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
    await fs.link(temp, path);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code === undefined || !NO_HARD_LINKS.has(code)) throw error;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
  return createWithOpen(fs, path, text);
}

async function createWithOpen(fs: CacheFileSystem, path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(path, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(path).catch(() => undefined);
    throw error;
  }
  return true;
}

/** Reads a lock file; undefined when it does not exist (any more). */
async function observe(path: string, { fs }: FileLockOptions): Promise<ObservedLock | undefined> {
  try {
    const handle = await fs.open(path, 'r');
    try {
      const stats = await handle.stat();
      const text = await handle.readFile('utf8');
      return { record: parseRecord(text), mtimeMs: stats.mtimeMs };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new CacheIoError(path, 'read the lock file of', error);
  }
}

/** Why the observed lock is stale, or undefined when it may still be in use. */
function staleness(observed: ObservedLock, { processInfo: me, clock, staleMs }: FileLockOptions): string | undefined {
  const { record } = observed;
  if (record !== undefined && record.hostname === me.hostname) {
    if (record.pid === me.pid && record.threadId === me.threadId) {
      if (!held.has(record.nonce)) return `left by an earlier process with this pid (${record.pid})`;
    } else if (record.pid !== me.pid && !me.isAlive(record.pid)) {
      return `its owner (pid ${record.pid}) is not running`;
    }
  }
  const age = clock.now() - (record?.createdAt ?? observed.mtimeMs);
  return age > staleMs ? `older than ${staleMs} ms` : undefined;
}

/**
 * Removes the lock at `lockPath` if it is (still) stale, inside the recovery critical section.
 * @returns true when the lock is gone and taking it may be tried again at once.
 */
async function recover(lockPath: string, options: FileLockOptions): Promise<boolean> {
  const markerPath = `${lockPath}.recover`;
  const marker = await tryCreate(markerPath, options);
  if (marker === undefined) {
    await removeIfStale(markerPath, options); // its holder may have died inside the section
    return false;
  }
  try {
    const current = await observe(lockPath, options);
    if (current === undefined) return true;
    const because = staleness(current, options);
    if (because === undefined) return false;
    await removeFile(lockPath, options.fs, 'remove the stale lock of');
    options.logger('warn', `Recovered a stale token cache lock at ${lockPath}: ${because}.`);
    return true;
  } finally {
    await removeFile(markerPath, options.fs, 'remove the lock recovery marker of');
    held.delete(marker.nonce);
  }
}

async function removeIfStale(path: string, options: FileLockOptions): Promise<void> {
  const observed = await observe(path, options);
  if (observed !== undefined && staleness(observed, options) !== undefined) {
    await removeFile(path, options.fs, 'remove the stale lock recovery marker of');
  }
}

async function removeFile(path: string, fs: CacheFileSystem, operation: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw new CacheIoError(path, operation, error);
  }
}

function heldLock(path: string, record: LockRecord, options: FileLockOptions): FileLock {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      try {
        const current = await observe(path, options);
        if (current?.record?.nonce === record.nonce) {
          await removeFile(path, options.fs, 'release the lock of');
        } else {
          options.logger('warn', `The token cache lock at ${path} was taken over as stale while held; left alone.`);
        }
      } finally {
        held.delete(record.nonce);
      }
    },
  };
}
