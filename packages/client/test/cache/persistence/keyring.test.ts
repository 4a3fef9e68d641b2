import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as publicApi from '@devicelogin/client';
import { ConfigurationError, KeyringUnavailableError } from '../../../src/errors.js';
import { createDefaultPersistence } from '../../../src/cache/default-persistence.js';
import { createFilePersistence } from '../../../src/cache/file-persistence.js';
import { keyringKeyProvider, type KeyringEntry, type OpenKeyringEntry } from '../../../src/cache/key-provider.js';
import { addAccount, recorder, useTempCaches } from './helpers.js';

const { cachePath } = useTempCaches('cache/tokens.json');

/**
 * Probes this machine's real keyring (read only). CI machines and these containers have none:
 * the assertions that need "no keyring" are skipped, with a message, where one exists.
 */
async function realKeyringIsAvailable(): Promise<boolean> {
  try {
    await keyringKeyProvider({ account: 'devicelogin-test-probe' }).getKey();
    return true;
  } catch (error) {
    if (error instanceof KeyringUnavailableError) return false;
    throw error;
  }
}
const SKIP_NOTE = 'an OS keyring is reachable on this machine, so "no keyring" cannot be tested here';

/** An in-memory keyring: entries by "service/account". */
function memoryKeyring(): { openEntry: OpenKeyringEntry; entries: Map<string, string>; opened: string[] } {
  const entries = new Map<string, string>();
  const opened: string[] = [];
  return {
    entries,
    opened,
    openEntry: (service, account) => {
      const id = `${service}/${account}`;
      opened.push(id);
      const entry: KeyringEntry = {
        getPassword: () => Promise.resolve(entries.get(id) ?? null),
        setPassword: (password) => {
          entries.set(id, password);
          return Promise.resolve();
        },
      };
      return Promise.resolve(entry);
    },
  };
}

describe('the OS keyring on this machine', () => {
  it('is reported as KeyringUnavailableError naming the plaintext opt-in', async (ctx) => {
    if (await realKeyringIsAvailable()) ctx.skip(SKIP_NOTE);
    const provider = keyringKeyProvider({ cachePath: await cachePath() });
    const error = await provider.getKey().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyringUnavailableError);
    expect(error).toMatchObject({ code: 'keyring_unavailable' });
    expect((error as Error).message).toContain('DEVICELOGIN_CACHE_PLAINTEXT=1');
    await expect(provider.createKey()).rejects.toBeInstanceOf(KeyringUnavailableError);
  });

  it('createFilePersistence, encrypted by default, fails without a keyring and writes nothing', async (ctx) => {
    if (await realKeyringIsAvailable()) ctx.skip(SKIP_NOTE);
    const path = await cachePath();
    await expect(createFilePersistence({ path }).update(addAccount('a'))).rejects.toBeInstanceOf(
      KeyringUnavailableError,
    );
    expect(existsSync(path)).toBe(false);
  });

  it('createDefaultPersistence without the opt-in throws KeyringUnavailableError', async (ctx) => {
    if (await realKeyringIsAvailable()) ctx.skip(SKIP_NOTE);
    const path = await cachePath();
    const seen = recorder();
    const error = await createDefaultPersistence({ path, env: {}, onWarning: seen.onWarning }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyringUnavailableError);
    expect(seen.warnings).toEqual([]);
    await expect(createDefaultPersistence({ path, env: { DEVICELOGIN_CACHE_PLAINTEXT: '0' } })).rejects.toBeInstanceOf(
      KeyringUnavailableError,
    );
  });

  it('createDefaultPersistence with DEVICELOGIN_CACHE_PLAINTEXT=1 works in plaintext and warns once', async (ctx) => {
    if (await realKeyringIsAvailable()) ctx.skip(SKIP_NOTE);
    const path = await cachePath();
    const seen = recorder();
    const persistence = await createDefaultPersistence({
      path,
      env: { DEVICELOGIN_CACHE_PLAINTEXT: '1' },
      onWarning: seen.onWarning,
      logger: seen.logger,
    });
    await persistence.update(addAccount('a'));
    await persistence.update(addAccount('b'));
    const loaded = await persistence.load(undefined);
    expect(loaded !== 'unchanged' && Object.keys(loaded.data?.Account ?? {})).toEqual(['a', 'b']);
    expect(seen.warnings.map((w) => w.code)).toEqual(['cache_plaintext']);
    expect(seen.warnings[0]?.message).toContain('DEVICELOGIN_CACHE_PLAINTEXT');
    expect(seen.lines.filter((line) => line.startsWith('warn '))).toHaveLength(1);
    expect(JSON.parse(await fsp.readFile(path, 'utf8'))).toMatchObject({ Account: { a: {}, b: {} } });
    expect((await fsp.stat(path)).mode & 0o777).toBe(0o600);
  });
});

describe('the keyring key provider (with an in-memory keyring)', () => {
  it('creates a random key once, stores it base64 under devicelogin/cache:<path>, and finds it again', async () => {
    const path = await cachePath();
    const keyring = memoryKeyring();
    const first = keyringKeyProvider({ cachePath: path, openEntry: keyring.openEntry });
    expect(await first.getKey()).toBeUndefined();
    const created = await first.createKey();
    expect(created).toHaveLength(32);
    expect(keyring.opened[0]).toBe(`devicelogin/cache:${path}`);
    expect(keyring.entries.get(`devicelogin/cache:${path}`)).toBe(Buffer.from(created).toString('base64'));
    const second = keyringKeyProvider({ cachePath: path, openEntry: keyring.openEntry });
    expect(await second.getKey()).toEqual(created);
    expect(first.description).toBe(`keyring devicelogin/cache:${path}`);
  });

  it('refuses a keyring that accepts the key but does not keep it', async () => {
    const forgetful: OpenKeyringEntry = () =>
      Promise.resolve({ getPassword: () => Promise.resolve(null), setPassword: () => Promise.resolve() });
    await expect(keyringKeyProvider({ account: 'x', openEntry: forgetful }).createKey()).rejects.toBeInstanceOf(
      KeyringUnavailableError,
    );
  });

  it('refuses an entry that does not hold a 32-byte base64 key, without overwriting it', async () => {
    const keyring = memoryKeyring();
    keyring.entries.set('devicelogin/x', 'not a key');
    const provider = keyringKeyProvider({ account: 'x', openEntry: keyring.openEntry });
    await expect(provider.getKey()).rejects.toBeInstanceOf(ConfigurationError);
    expect(keyring.entries.get('devicelogin/x')).toBe('not a key');
  });

  it('createDefaultPersistence encrypts with it, creates the key under the cache lock, and does not warn', async () => {
    const path = await cachePath();
    const keyring = memoryKeyring();
    const seen = recorder();
    const options = { path, env: { DEVICELOGIN_CACHE_PLAINTEXT: '1' }, onWarning: seen.onWarning };
    const [a, b] = await Promise.all([
      createDefaultPersistence({
        ...options,
        keyProvider: keyringKeyProvider({ cachePath: path, openEntry: keyring.openEntry }),
      }),
      createDefaultPersistence({
        ...options,
        keyProvider: keyringKeyProvider({ cachePath: path, openEntry: keyring.openEntry }),
      }),
    ]);
    await a.update(addAccount('from-a'));
    const loaded = await b.load(undefined); // the two instances agreed on one key
    expect(loaded !== 'unchanged' && Object.keys(loaded.data?.Account ?? {})).toEqual(['from-a']);
    expect(keyring.entries.size).toBe(1);
    expect((await fsp.readFile(path, 'utf8')).startsWith('{"format":"devicelogin-cache"')).toBe(true);
    expect(seen.warnings).toEqual([]);
  });
});

describe('the public entry point', () => {
  it('exports the persistence factories and key providers', () => {
    expect(typeof publicApi.createFilePersistence).toBe('function');
    expect(typeof publicApi.createDefaultPersistence).toBe('function');
    expect(typeof publicApi.keyringKeyProvider).toBe('function');
    expect(publicApi.staticKeyProvider(randomBytes(32)).description).toBe('application-provided key');
  });
});
