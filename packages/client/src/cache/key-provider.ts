import { nodeCrypto } from './lazy-crypto.js';
import { resolve } from 'node:path';
import { ConfigurationError, KeyringUnavailableError } from '../errors.js';
import { KEY_BYTES } from './encryption.js';

/**
 * Where the 256-bit key that encrypts the token cache file comes from.
 *
 * The file persistence calls {@link KeyProvider.getKey} to read a cache, and, only while it
 * holds the cache lock, {@link KeyProvider.createKey} when no key exists yet: two processes
 * starting together cannot create two different keys for one cache.
 */
export interface KeyProvider {
  /** Names the key's home for messages and logs (never the key), e.g. `keyring devicelogin/…`. */
  readonly description: string;
  /**
   * The stored key (32 bytes), or undefined when none has been created yet.
   * @throws KeyringUnavailableError when the key store cannot be reached.
   */
  getKey(): Promise<Uint8Array | undefined>;
  /**
   * Creates a random key, stores it and returns it (or returns the key that is now stored).
   * @throws KeyringUnavailableError when the key store cannot be reached or does not keep it.
   */
  createKey(): Promise<Uint8Array>;
}

/**
 * A key the application holds itself (from its own secret store, an environment variable, a
 * test). `createKey` returns the same key.
 * @param key exactly 32 bytes; copied.
 * @throws ConfigurationError when the key is not 32 bytes.
 * @example
 * ```ts
 * const keyProvider = staticKeyProvider(Buffer.from(process.env.MY_CACHE_KEY!, 'base64'));
 * ```
 */
export function staticKeyProvider(key: Uint8Array, description = 'application-provided key'): KeyProvider {
  if (!(key instanceof Uint8Array) || key.byteLength !== KEY_BYTES) {
    throw new ConfigurationError('encryption.keyProvider', `needs a ${KEY_BYTES}-byte key`);
  }
  const copy = Uint8Array.from(key);
  return {
    description,
    getKey: () => Promise.resolve(copy),
    createKey: () => Promise.resolve(copy),
  };
}

/** One secret in an OS keyring (the shape of `@napi-rs/keyring`'s `AsyncEntry`). */
export interface KeyringEntry {
  getPassword(): Promise<string | null>;
  setPassword(password: string): Promise<void>;
}

/** Opens the keyring entry for (service, account). The default loads `@napi-rs/keyring` lazily. */
export type OpenKeyringEntry = (service: string, account: string) => Promise<KeyringEntry>;

/** Options of {@link keyringKeyProvider}: name the entry by `account`, or by the cache path. */
export interface KeyringKeyProviderOptions {
  /** The keyring service name. Default `devicelogin`. */
  readonly service?: string;
  /** The keyring account name; default derived from `cachePath`. */
  readonly account?: string;
  /** The cache file the key protects: the account defaults to `cache:<absolute path>`. */
  readonly cachePath?: string;
  /**
   * Linux only: which credential store holds the key. Default `secret-service` (GNOME Keyring,
   * KWallet, KeePassXC over D-Bus), which persists. `keyutils` (the kernel keyring) and `auto`
   * (Secret Service, else keyutils, the library's default) are opt-in: kernel keyring entries
   * do not survive a reboot or the end of the login session, and with them the cache.
   */
  readonly linuxStore?: 'secret-service' | 'keyutils' | 'auto';
  /** Replaces the OS keyring (tests, other secret stores). */
  readonly openEntry?: OpenKeyringEntry;
}

/** The default keyring service name. */
export const KEYRING_SERVICE = 'devicelogin';

/** The keyring account name for the key of the cache file at `cachePath`. */
export function keyringAccountFor(cachePath: string): string {
  return `cache:${resolve(cachePath)}`;
}

function nativeEntries(linuxStore: KeyringKeyProviderOptions['linuxStore']): OpenKeyringEntry {
  return async (service, account) => {
    const { AsyncEntry } = await import('@napi-rs/keyring');
    return new AsyncEntry(
      service,
      account,
      linuxStore === 'auto' ? undefined : { linux: { store: linuxStore ?? 'secret-service' } },
    );
  };
}

function decodeKey(stored: string, where: string): Uint8Array {
  const key = Buffer.from(stored, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== stored.trim()) {
    throw new ConfigurationError(
      `keyring entry ${where}`,
      `does not hold a base64 ${KEY_BYTES * 8}-bit key; remove the entry to let devicelogin create a new one (the current cache file will then be moved aside).`,
    );
  }
  return key;
}

/**
 * Keeps the cache key, base64, in the OS keyring (macOS Keychain, Windows Credential Manager,
 * Secret Service on Linux) through `@napi-rs/keyring`, loaded only when first used.
 * Where no keyring works (headless Linux, containers) every call throws
 * {@link KeyringUnavailableError}: there is no silent fallback, not even to the kernel keyring
 * (see `linuxStore`).
 * @throws ConfigurationError when neither `account` nor `cachePath` is given.
 */
export function keyringKeyProvider(options: KeyringKeyProviderOptions): KeyProvider {
  const service = options.service ?? KEYRING_SERVICE;
  const account = options.account ?? (options.cachePath === undefined ? '' : keyringAccountFor(options.cachePath));
  if (account === '') throw new ConfigurationError('keyringKeyProvider', 'needs an account or a cachePath');
  const where = `${service}/${account}`;
  const openEntry = options.openEntry ?? nativeEntries(options.linuxStore);
  let entry: Promise<KeyringEntry> | undefined;

  async function call<T>(use: (entry: KeyringEntry) => Promise<T>): Promise<T> {
    try {
      entry ??= openEntry(service, account);
      return await use(await entry);
    } catch (error) {
      entry = undefined;
      throw new KeyringUnavailableError(error);
    }
  }

  async function getKey(): Promise<Uint8Array | undefined> {
    const stored = await call((e) => e.getPassword());
    return stored === null || stored === '' ? undefined : decodeKey(stored, where);
  }

  return {
    description: `keyring ${where}`,
    getKey,
    async createKey() {
      const fresh = nodeCrypto().randomBytes(KEY_BYTES).toString('base64');
      await call((e) => e.setPassword(fresh));
      // Read back: a keyring that accepts a secret but does not keep it would lose the cache.
      const kept = await getKey();
      if (kept === undefined) {
        throw new KeyringUnavailableError(new Error(`the keyring did not keep the key stored under ${where}`));
      }
      return kept;
    },
  };
}
