import { nodeCrypto } from './lazy-crypto.js';
import * as nodeFs from 'node:fs/promises';
import { statSync, type BigIntStats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { systemClock, type Clock } from '@devicelogin/protocol';
import { CacheIoError, ConfigurationError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-write.js';
import {
  acquireFileLock,
  currentProcessInfo,
  type FileLock,
  type FileLockOptions,
  type ProcessInfo,
} from './file-lock.js';
import { encryptedCodec, plaintextCodec } from './file-codec.js';
import { errorCode, type CacheFileSystem } from './fs-port.js';
import { keyringKeyProvider, type KeyProvider } from './key-provider.js';
import type { CachePersistence, CacheVersion, CacheWarning, LoadedCache } from './persistence.js';
import { asSerializedCache, emptyCache, type SerializedCache } from './schema.js';

/** Default bound on waiting for another process's cache lock. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** Default age after which a cache lock is stale whoever holds it. */
export const DEFAULT_STALE_LOCK_MS = 30_000;

/** Options of {@link createFilePersistence}. */
export interface FilePersistenceOptions {
  /** The cache file. Its directory is created (mode 0700) when missing. */
  readonly path: string;
  /**
   * How the file is protected. Default: AES-256-GCM with a key kept in the OS keyring
   * (`keyringKeyProvider({ cachePath: path })`). `'plaintext'` stores readable JSON (mode 0600):
   * only for callers who chose it knowingly.
   */
  readonly encryption?: { readonly keyProvider: KeyProvider } | 'plaintext';
  /** How long `update` (and `load` repairing a corrupt file) waits for the lock. Default 10 000 ms. */
  readonly lockTimeoutMs?: number;
  /** Age after which a lock is taken over even if its owner may live. Default 30 000 ms. */
  readonly staleLockMs?: number;
  /** Diagnostic lines (never tokens, keys or file content). */
  readonly logger?: Logger;
  /** Receives recovered problems (`cache_corrupt`). Exceptions it throws are ignored. */
  readonly onWarning?: (warning: CacheWarning) => void;
  /** Time for lock ages and waits. Default the system clock. */
  readonly clock?: Clock;
  /** This process as a lock owner. Default the real one. */
  readonly processInfo?: ProcessInfo;
  /** File-system calls. Default `node:fs/promises`. */
  readonly fs?: CacheFileSystem;
}

type ReadOutcome =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ok'; readonly data: SerializedCache; readonly version: CacheVersion }
  | { readonly kind: 'corrupt'; readonly reason: string };

interface PendingUpdate {
  readonly mutate: (current: SerializedCache) => SerializedCache;
  readonly resolve: (loaded: LoadedCache) => void;
  readonly reject: (error: unknown) => void;
}

const ABSENT: LoadedCache = Object.freeze({ data: undefined, version: 'absent' });

function versionOf(stats: BigIntStats): CacheVersion {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

function checkOptions(options: FilePersistenceOptions): void {
  if (typeof options.path !== 'string' || options.path === '') {
    throw new ConfigurationError('path', 'must be a non-empty file path');
  }
  for (const [name, value] of [
    ['lockTimeoutMs', options.lockTimeoutMs],
    ['staleLockMs', options.staleLockMs],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new ConfigurationError(name, 'must be a finite number of milliseconds, at least 0');
    }
  }
}

/**
 * The token cache in one file, shared safely by any number of processes.
 *
 * - `update` takes `<path>.lock` (see {@link acquireFileLock}), reads the file fresh, applies the
 *   mutation, writes atomically (temp file, fsync, rename, directory fsync) and releases the lock:
 *   no update is lost between processes. Updates issued while one is in flight in this process
 *   are applied in order in the next locked read-modify-write (one write for all of them); each
 *   resolves with the written document. A `mutate` that throws rejects its own update only, so
 *   it must not have modified `current` in place before throwing.
 * - `load` needs no lock (writes are atomic renames) and answers `unchanged` after one `stat`
 *   when the file's identity (device, inode, size, mtime, ctime) is still `knownVersion`.
 * - An unreadable file (bad JSON, wrong shape, wrong key, damaged envelope) is moved aside to
 *   `<path>.corrupt-<epoch ms>-<random>` under the lock, reported as a `cache_corrupt` warning
 *   and a `warn` log line, and the cache continues empty. Other I/O failures throw
 *   {@link CacheIoError}.
 * - Files are written with mode 0600, the directory created with mode 0700; temporary files of
 *   killed writers are removed once older than `staleLockMs`.
 * @throws ConfigurationError for an invalid option.
 * @example
 * ```ts
 * const persistence = createFilePersistence({ path: join(homedir(), '.devicelogin', 'cache.json') });
 * await persistence.update((cache) => ({ ...cache, Account: { ...cache.Account, [key]: account } }));
 * ```
 */
export function createFilePersistence(options: FilePersistenceOptions): CachePersistence {
  checkOptions(options);
  const path = resolve(options.path);
  const directory = dirname(path);
  const fs = options.fs ?? nodeFs;
  // The freshness check of every silent call is one stat: synchronous with the real file system
  // (a few µs, no thread-pool round trip: bench/silent showed the async one dominating a cache
  // hit and varying with load), through the injected port in tests.
  const statForLoad =
    options.fs === undefined
      ? (file: string): Promise<BigIntStats> => Promise.resolve(statSync(file, { bigint: true }))
      : (file: string): Promise<BigIntStats> => fs.stat(file, { bigint: true });
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const processInfo = options.processInfo ?? currentProcessInfo();
  const staleLockMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
  const encryption = options.encryption ?? { keyProvider: keyringKeyProvider({ cachePath: path }) };
  const codec = encryption === 'plaintext' ? plaintextCodec : encryptedCodec(encryption.keyProvider);
  if (encryption === 'plaintext')
    logger('debug', `Token cache at ${path} is stored as plaintext (chosen by the caller).`);
  const lockPath = `${path}.lock`;
  const lockOptions: FileLockOptions = {
    timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    staleMs: staleLockMs,
    clock,
    processInfo,
    fs,
    logger,
  };
  const pending: PendingUpdate[] = [];
  let draining = false;
  let lastSweep: number | undefined;

  const io = (operation: string, error: unknown): CacheIoError =>
    error instanceof CacheIoError ? error : new CacheIoError(path, operation, error);

  function warn(warning: CacheWarning): void {
    logger('warn', warning.message);
    try {
      options.onWarning?.(warning);
    } catch {
      // A failing warning sink must not break the cache.
    }
  }

  async function readCurrent(): Promise<ReadOutcome> {
    let handle;
    try {
      handle = await fs.open(path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { kind: 'absent' };
      throw io('open', error);
    }
    let bytes: Buffer;
    let version: CacheVersion;
    try {
      version = versionOf(await handle.stat({ bigint: true }));
      bytes = await handle.readFile();
    } catch (error) {
      throw io('read', error);
    } finally {
      await handle.close();
    }
    const decoded = await codec.decode(bytes);
    return decoded.ok ? { kind: 'ok', data: decoded.data, version } : { kind: 'corrupt', reason: decoded.reason };
  }

  /** Reads the file; moves a corrupt one aside. The lock must be held. */
  async function readRepairing(): Promise<LoadedCache> {
    const read = await readCurrent();
    if (read.kind === 'ok') return { data: read.data, version: read.version };
    if (read.kind === 'corrupt') {
      const movedTo = `${path}.corrupt-${clock.now()}-${nodeCrypto().randomBytes(3).toString('hex')}`;
      try {
        await fs.rename(path, movedTo);
      } catch (error) {
        throw io('move aside the unreadable file of', error);
      }
      warn({
        code: 'cache_corrupt',
        message: `The token cache at ${path} could not be read (${read.reason}); it was moved to ${movedTo} and the cache starts empty.`,
        movedTo,
      });
    }
    return ABSENT;
  }

  async function lock(): Promise<FileLock> {
    try {
      await fs.mkdir(directory, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw io('create the directory of', error);
    }
    return acquireFileLock(lockPath, lockOptions);
  }

  async function sweepTempFiles(): Promise<void> {
    const now = clock.now();
    if (lastSweep !== undefined && now - lastSweep < staleLockMs) return;
    lastSweep = now;
    try {
      const removed = await removeStaleTempFiles(fs, [path, lockPath], staleLockMs, now);
      if (removed > 0) logger('info', `Removed ${removed} temporary file(s) left by interrupted cache writes.`);
    } catch (error) {
      logger('warn', `Could not clean up temporary cache files: ${io('list', error).message}`);
    }
  }

  async function write(data: SerializedCache): Promise<CacheVersion> {
    const bytes = await codec.encode(data);
    try {
      await writeFileAtomic(fs, path, bytes, { mode: 0o600, pid: processInfo.pid });
      return versionOf(await fs.stat(path, { bigint: true }));
    } catch (error) {
      throw io('write', error);
    }
  }

  /** One locked read-modify-write for every update queued so far. Never throws. */
  async function runBatch(): Promise<void> {
    let held: FileLock;
    try {
      held = await lock();
    } catch (error) {
      for (const update of pending.splice(0)) update.reject(error);
      return;
    }
    const batch = pending.splice(0);
    const errors = new Map<PendingUpdate, unknown>();
    let result: LoadedCache | undefined;
    let failure: { error: unknown } | undefined;
    try {
      await sweepTempFiles();
      const current = await readRepairing();
      let data = current.data ?? emptyCache();
      for (const update of batch) {
        try {
          const next = asSerializedCache(update.mutate(data));
          if (next === undefined) throw new TypeError('update(mutate): mutate must return a token cache document.');
          data = next;
        } catch (error) {
          errors.set(update, error);
        }
      }
      if (errors.size < batch.length) {
        const version = await write(data);
        logger('debug', `Token cache written (${batch.length - errors.size} update(s)).`);
        result = { data, version };
      }
    } catch (error) {
      failure = { error };
    }
    try {
      await held.release();
    } catch (error) {
      failure ??= { error };
    }
    for (const update of batch) {
      if (failure !== undefined) update.reject(failure.error);
      else if (errors.has(update)) update.reject(errors.get(update));
      else if (result !== undefined) update.resolve(result);
    }
  }

  async function drain(): Promise<void> {
    try {
      while (pending.length > 0) await runBatch();
    } finally {
      draining = false;
    }
  }

  return {
    async load(knownVersion) {
      let stats: BigIntStats;
      try {
        stats = await statForLoad(path);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw io('stat', error);
        return knownVersion === ABSENT.version ? 'unchanged' : ABSENT;
      }
      if (versionOf(stats) === knownVersion) return 'unchanged';
      const read = await readCurrent();
      if (read.kind === 'ok') return { data: read.data, version: read.version };
      if (read.kind === 'absent') return ABSENT;
      // Repair under the lock, after reading again: a writer may have replaced the file meanwhile.
      const held = await lock();
      try {
        return await readRepairing();
      } finally {
        await held.release();
      }
    },
    update(mutate) {
      return new Promise<LoadedCache>((resolvePromise, rejectPromise) => {
        pending.push({ mutate, resolve: resolvePromise, reject: rejectPromise });
        if (draining) return;
        draining = true;
        void drain();
      });
    },
  };
}
