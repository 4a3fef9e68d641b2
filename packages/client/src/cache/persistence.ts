import type { SerializedCache } from './schema.js';

/**
 * Identifies one state of the stored cache (for a file: inode, size, mtime, ctime), so that an
 * unchanged cache is not read and decrypted again.
 */
export type CacheVersion = string;

/** A problem the cache recovered from by itself; reported, never thrown. */
export interface CacheWarning {
  /**
   * `cache_corrupt`: the stored cache could not be read (bad JSON, wrong shape, failed
   * decryption); it was moved aside to `movedTo` and the cache starts empty.
   * `cache_plaintext`: the cache is stored unencrypted because the caller opted in.
   */
  readonly code: 'cache_corrupt' | 'cache_plaintext';
  readonly message: string;
  /** Where the unreadable file was moved (`cache_corrupt`). */
  readonly movedTo?: string;
}

/** Result of {@link CachePersistence.load}. */
export interface LoadedCache {
  /** The cache document, or undefined when nothing is stored yet. */
  readonly data: SerializedCache | undefined;
  readonly version: CacheVersion;
}

/**
 * Where the token cache lives between processes (MSAL's `ICachePlugin`, made safe).
 * Implementations serialise writers across processes, write atomically, and recover from
 * corrupt stores by moving them aside with a {@link CacheWarning}.
 */
export interface CachePersistence {
  /**
   * Reads the stored cache, unless its version is still `knownVersion`, in which case it
   * answers `unchanged` without reading or decrypting anything (one cheap stat).
   */
  load(knownVersion: CacheVersion | undefined): Promise<LoadedCache | 'unchanged'>;
  /**
   * Read-modify-write under the cross-process lock: `mutate` receives the freshly read
   * document (an empty one when nothing is stored) and returns the document to write, which is
   * written atomically before the lock is released.
   * @returns the written document and its version.
   */
  update(mutate: (current: SerializedCache) => SerializedCache): Promise<LoadedCache>;
}
