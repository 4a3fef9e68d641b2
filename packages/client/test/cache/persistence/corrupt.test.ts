import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheIoError } from '../../../src/errors.js';
import { sealCacheEnvelope } from '../../../src/cache/encryption.js';
import type { CacheFileSystem } from '../../../src/cache/fs-port.js';
import { createFilePersistence, type FilePersistenceOptions } from '../../../src/cache/file-persistence.js';
import { staticKeyProvider } from '../../../src/cache/key-provider.js';
import { addAccount, recorder, useTempCaches } from './helpers.js';

const KEY = randomBytes(32);
const OTHER_KEY = randomBytes(32);
const VALID = Buffer.from(JSON.stringify({ Account: { a: { home_account_id: 'a', environment: 'e', realm: 'r' } } }));
const ENCRYPTED = { keyProvider: staticKeyProvider(KEY) };

const { cachePath } = useTempCaches();

const cases: Array<[string, Buffer, NonNullable<FilePersistenceOptions['encryption']>, RegExp]> = [
  ['garbage bytes', randomBytes(300), 'plaintext', /not valid JSON/],
  ['truncated JSON', VALID.subarray(0, VALID.length - 7), 'plaintext', /not valid JSON/],
  ['JSON of the wrong shape', Buffer.from('{"Account":[1,2,3]}'), 'plaintext', /not a token cache document/],
  ['a JSON array', Buffer.from('[]'), 'plaintext', /not a token cache document/],
  ['an empty file', Buffer.alloc(0), 'plaintext', /not valid JSON/],
  [
    'an encrypted file read as plaintext',
    sealCacheEnvelope(VALID, KEY),
    'plaintext',
    /encrypted but the cache is set to plaintext/,
  ],
  ['an encrypted file read with another key', sealCacheEnvelope(VALID, OTHER_KEY), ENCRYPTED, /different key/],
  ['a truncated envelope', sealCacheEnvelope(VALID, KEY).subarray(0, 60), ENCRYPTED, /not an encrypted token cache/],
  ['a plaintext cache read as encrypted', VALID, ENCRYPTED, /a plaintext cache file\?/],
];

describe('a corrupt or undecryptable cache file', () => {
  it.each(cases)(
    '%s is moved aside with a cache_corrupt warning; load answers empty',
    async (_name, bytes, encryption, reason) => {
      const path = await cachePath();
      await fsp.writeFile(path, bytes, { mode: 0o600 });
      const seen = recorder();
      const persistence = createFilePersistence({ path, encryption, onWarning: seen.onWarning, logger: seen.logger });

      const loaded = await persistence.load(undefined);

      expect(loaded).toEqual({ data: undefined, version: 'absent' });
      expect(seen.warnings).toHaveLength(1);
      const [warning] = seen.warnings;
      expect(warning?.code).toBe('cache_corrupt');
      expect(warning?.message).toMatch(reason);
      expect(warning?.movedTo).toMatch(/tokens\.json\.corrupt-\d+-[0-9a-f]+$/);
      expect(await fsp.readFile(warning!.movedTo!)).toEqual(bytes); // the original bytes, kept
      expect(existsSync(path)).toBe(false);
      expect(seen.lines).toContain(`warn ${warning?.message}`);

      // The cache goes on, empty, and the moved file stays where it is.
      const written = await persistence.update(addAccount('fresh'));
      expect(Object.keys(written.data?.Account ?? {})).toEqual(['fresh']);
      expect(seen.warnings).toHaveLength(1);
      expect(existsSync(warning!.movedTo!)).toBe(true);
    },
  );

  it('is moved aside by update too, which then starts from an empty cache', async () => {
    const path = await cachePath();
    await fsp.writeFile(path, '{"Account": {"a": ', { mode: 0o600 });
    const seen = recorder();
    const persistence = createFilePersistence({ path, encryption: ENCRYPTED, onWarning: seen.onWarning });

    const written = await persistence.update(addAccount('b'));

    expect(Object.keys(written.data?.Account ?? {})).toEqual(['b']);
    expect(seen.warnings.map((w) => w.code)).toEqual(['cache_corrupt']);
    expect(await fsp.readFile(seen.warnings[0]!.movedTo!, 'utf8')).toBe('{"Account": {"a": ');
    const again = await persistence.load(undefined);
    expect(again !== 'unchanged' && Object.keys(again.data?.Account ?? {})).toEqual(['b']);
  });

  it('is not moved aside by load when a writer replaced it meanwhile (re-read under the lock)', async () => {
    const path = await cachePath();
    await fsp.writeFile(path, 'garbage', { mode: 0o600 });
    const seen = recorder();
    let replaced = false;
    // The reader's first open returns the garbage; then a writer replaces the file.
    const fs: CacheFileSystem = {
      ...fsp,
      open: async (...args: Parameters<typeof fsp.open>) => {
        const handle = await fsp.open(...args);
        if (!replaced && args[0] === path) {
          replaced = true;
          await createFilePersistence({ path, encryption: 'plaintext' }).update(addAccount('good'));
        }
        return handle;
      },
    };
    const loaded = await createFilePersistence({ path, encryption: 'plaintext', fs, onWarning: seen.onWarning }).load(
      undefined,
    );
    expect(loaded !== 'unchanged' && Object.keys(loaded.data?.Account ?? {})).toEqual(['good']);
    expect(seen.warnings).toEqual([]);
  });
});

describe('other I/O failures', () => {
  it('throw CacheIoError when the cache path is under a regular file (ENOTDIR)', async () => {
    const path = await cachePath();
    await fsp.writeFile(path, 'a file, not a directory');
    const persistence = createFilePersistence({ path: join(path, 'tokens.json'), encryption: 'plaintext' });
    const loadError = await persistence.load(undefined).catch((e: unknown) => e);
    const updateError = await persistence.update(addAccount('a')).catch((e: unknown) => e);
    for (const error of [loadError, updateError]) {
      expect(error).toBeInstanceOf(CacheIoError);
      expect(error).toMatchObject({ code: 'cache_io_error', path: join(path, 'tokens.json') });
    }
  });

  it('throw CacheIoError when the cache path is a directory', async () => {
    const path = await cachePath();
    await fsp.mkdir(path);
    await expect(createFilePersistence({ path, encryption: 'plaintext' }).load(undefined)).rejects.toBeInstanceOf(
      CacheIoError,
    );
  });

  it('a failed write (disk full at rename) keeps the old file, leaves no temporary file and releases the lock', async () => {
    const path = await cachePath();
    const good = createFilePersistence({ path, encryption: 'plaintext' });
    await good.update(addAccount('old'));
    const before = await fsp.readFile(path);
    const full = Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
    const fs: CacheFileSystem = { ...fsp, rename: () => Promise.reject(full) };

    const error = await createFilePersistence({ path, encryption: 'plaintext', fs })
      .update(addAccount('new'))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CacheIoError);
    expect((error as CacheIoError).message).toMatch(/ENOSPC/);
    expect(await fsp.readFile(path)).toEqual(before);
    expect(await fsp.readdir(join(path, '..'))).toEqual(['tokens.json']);
    await good.update(addAccount('after')); // the lock was released
  });

  it('a throwing mutate rejects its own update only; other updates of the batch are written', async () => {
    const path = await cachePath();
    const persistence = createFilePersistence({ path, encryption: 'plaintext' });
    const results = await Promise.allSettled([
      persistence.update(addAccount('a')),
      persistence.update(() => {
        throw new Error('caller bug');
      }),
      persistence.update(() => undefined as never),
      persistence.update(addAccount('b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { message: 'caller bug' } });
    expect(results[2]).toMatchObject({ reason: expect.any(TypeError) as unknown });
    const loaded = await persistence.load(undefined);
    expect(loaded !== 'unchanged' && Object.keys(loaded.data?.Account ?? {})).toEqual(['a', 'b']);
  });
});
