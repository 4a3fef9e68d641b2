import * as nodeFs from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { systemClock } from '@devicelogin/protocol';
import { CacheIoError, ConfigurationError, KeyringUnavailableError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { withFileLock, currentProcessInfo } from './file-lock.js';
import {
  createFilePersistence,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_STALE_LOCK_MS,
  type FilePersistenceOptions,
} from './file-persistence.js';
import { keyringKeyProvider, staticKeyProvider, type KeyProvider } from './key-provider.js';
import type { CachePersistence } from './persistence.js';

/** The environment variable that opts in to a plaintext cache when no keyring is available. */
export const PLAINTEXT_ENV = 'DEVICELOGIN_CACHE_PLAINTEXT';

/** Options of {@link createDefaultPersistence}: those of the file persistence, minus `encryption`. */
export interface DefaultPersistenceOptions extends Omit<FilePersistenceOptions, 'encryption'> {
  /**
   * Where `DEVICELOGIN_CACHE_PLAINTEXT` is read (`1` or `true` opts in). Default `process.env`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the key lives. Default the OS keyring (`keyringKeyProvider({ cachePath: path })`). */
  readonly keyProvider?: KeyProvider;
}

function optedIn(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env[PLAINTEXT_ENV]?.trim().toLowerCase();
  return value === '1' || value === 'true';
}

/**
 * The cache persistence applications should use: an encrypted file whose key is in the OS
 * keyring. It reaches the keyring now (creating the key, under the cache lock, on first use), so
 * that a missing keyring is reported here rather than at the first token.
 *
 * Without a keyring it throws {@link KeyringUnavailableError}, unless the user opted in with
 * `DEVICELOGIN_CACHE_PLAINTEXT=1`: the cache is then a plaintext file (mode 0600) and one
 * `cache_plaintext` warning is reported. There is no silent fallback.
 * @throws KeyringUnavailableError when no keyring works and plaintext was not chosen.
 * @throws ConfigurationError for an invalid option, or a keyring entry that holds no valid key.
 * @throws CacheIoError when the cache directory or lock cannot be created.
 * @example
 * ```ts
 * const persistence = await createDefaultPersistence({
 *   path: join(homedir(), '.devicelogin', 'token-cache.json'),
 *   onWarning: (w) => console.error(w.message),
 * });
 * ```
 */
export async function createDefaultPersistence(options: DefaultPersistenceOptions): Promise<CachePersistence> {
  const { env = process.env, keyProvider: given, ...fileOptions } = options;
  if (typeof options.path !== 'string' || options.path === '') {
    throw new ConfigurationError('path', 'must be a non-empty file path');
  }
  const path = resolve(options.path);
  const logger = options.logger ?? silentLogger;
  const provider = given ?? keyringKeyProvider({ cachePath: path });
  let key: Uint8Array;
  try {
    key = (await provider.getKey()) ?? (await createKeyUnderLock(path, provider, options));
  } catch (error) {
    if (!(error instanceof KeyringUnavailableError) || !optedIn(env)) throw error;
    const message = `The token cache at ${path} is stored unencrypted (mode 0600): no OS keyring is available and ${PLAINTEXT_ENV} is set.`;
    logger('warn', message);
    try {
      options.onWarning?.({ code: 'cache_plaintext', message });
    } catch {
      // A failing warning sink must not break the cache.
    }
    return createFilePersistence({ ...fileOptions, encryption: 'plaintext' });
  }
  if (optedIn(env)) logger('debug', `An OS keyring is available: ${PLAINTEXT_ENV} is not needed and is ignored.`);
  return createFilePersistence({
    ...fileOptions,
    encryption: { keyProvider: staticKeyProvider(key, provider.description) },
  });
}

/** Creates the key while holding the cache lock, so that concurrent first runs agree on one key. */
async function createKeyUnderLock(
  path: string,
  provider: KeyProvider,
  options: DefaultPersistenceOptions,
): Promise<Uint8Array> {
  const fs = options.fs ?? nodeFs;
  try {
    await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CacheIoError(path, 'create the directory of', error);
  }
  const lockOptions = {
    timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    staleMs: options.staleLockMs ?? DEFAULT_STALE_LOCK_MS,
    clock: options.clock ?? systemClock,
    processInfo: options.processInfo ?? currentProcessInfo(),
    fs,
    logger: options.logger ?? silentLogger,
  };
  return withFileLock(
    `${path}.lock`,
    lockOptions,
    async () => (await provider.getKey()) ?? (await provider.createKey()),
  );
}
