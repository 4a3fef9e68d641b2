import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoSecretsIn, describeErrorFully, fakeClock, tempDir } from '@devicelogin/test-utils';
import { createDefaultPersistence } from '../../../src/cache/default-persistence.js';
import { sealCacheEnvelope } from '../../../src/cache/encryption.js';
import type { CacheFileSystem } from '../../../src/cache/fs-port.js';
import { createFilePersistence } from '../../../src/cache/file-persistence.js';
import { keyringKeyProvider, staticKeyProvider, type OpenKeyringEntry } from '../../../src/cache/key-provider.js';
import { addRefreshToken, recorder } from './helpers.js';

const REFRESH_TOKEN = 'RT-secret-value-0123456789abcdef';
const KEY = randomBytes(32);
const KEYRING_GARBAGE = 'KEYRING-stored-value-not-a-key-42';
/** A whole short file: V8's JSON.parse error message quotes such a file in full. */
const SHORT_FILE = 'Zsecret9';
const SECRETS = [REFRESH_TOKEN, KEY.toString('base64'), KEY.toString('hex'), KEYRING_GARBAGE, SHORT_FILE];

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

describe('no token, key or file content in warnings, log lines or errors', () => {
  it('across corrupt files, I/O failures, lock timeouts and keyring failures', async () => {
    const dir = await tempDir();
    cleanup.push(() => dir.remove());
    const seen = recorder();
    const errors: unknown[] = [];
    const catchError = (promise: Promise<unknown>): Promise<void> =>
      promise.then(
        () => expect.fail('expected a failure'),
        (error: unknown) => {
          errors.push(error);
        },
      );
    const common = { logger: seen.logger, onWarning: seen.onWarning };
    const document = Buffer.from(
      JSON.stringify(
        addRefreshToken(REFRESH_TOKEN)({
          Account: {},
          IdToken: {},
          AccessToken: {},
          RefreshToken: {},
          AppMetadata: {},
        }),
      ),
    );

    // Corrupt files whose content holds the secret; JSON.parse's own message would quote it.
    const files: Array<[string, Buffer]> = [
      ['truncated.json', document.subarray(0, document.indexOf(REFRESH_TOKEN) + REFRESH_TOKEN.length + 3)],
      ['garbage.json', Buffer.from(`${REFRESH_TOKEN} is not JSON`)],
      ['short.json', Buffer.from(SHORT_FILE)],
      ['shape.json', Buffer.from(JSON.stringify({ Account: REFRESH_TOKEN }))],
    ];
    for (const [name, bytes] of files) {
      const path = join(dir.path, name);
      await fsp.writeFile(path, bytes);
      await createFilePersistence({ path, encryption: 'plaintext', ...common }).load(undefined);
    }
    // An encrypted cache (with the key) read with another key, and a plaintext one read as encrypted.
    const other = join(dir.path, 'other-key.json');
    await fsp.writeFile(other, sealCacheEnvelope(document, KEY));
    await createFilePersistence({
      path: other,
      encryption: { keyProvider: staticKeyProvider(randomBytes(32)) },
      ...common,
    }).load(undefined);
    const plain = join(dir.path, 'plain.json');
    await fsp.writeFile(plain, document);
    await createFilePersistence({ path: plain, encryption: { keyProvider: staticKeyProvider(KEY) }, ...common }).load(
      undefined,
    );
    expect(seen.warnings.map((w) => w.code)).toEqual(Array.from({ length: 6 }, () => 'cache_corrupt'));

    // A write failing while the document (with the secret) is being written.
    const failingFs: CacheFileSystem = {
      ...fsp,
      rename: () => Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })),
    };
    await catchError(
      createFilePersistence({
        path: join(dir.path, 'io.json'),
        encryption: { keyProvider: staticKeyProvider(KEY) },
        fs: failingFs,
        ...common,
      }).update(addRefreshToken(REFRESH_TOKEN)),
    );
    // A lock that is never released.
    const locked = join(dir.path, 'locked.json');
    await fsp.writeFile(
      `${locked}.lock`,
      JSON.stringify({ pid: 1, hostname: 'elsewhere', createdAt: Date.now(), nonce: 'n' }),
    );
    await catchError(
      createFilePersistence({
        path: locked,
        encryption: 'plaintext',
        clock: fakeClock(Date.now()),
        lockTimeoutMs: 200,
        ...common,
      }).update(addRefreshToken(REFRESH_TOKEN)),
    );
    // A keyring holding something that is not a key, and a keyring that fails.
    const garbageKeyring: OpenKeyringEntry = () =>
      Promise.resolve({ getPassword: () => Promise.resolve(KEYRING_GARBAGE), setPassword: () => Promise.resolve() });
    await catchError(keyringKeyProvider({ account: 'a', openEntry: garbageKeyring }).getKey());
    const failingKeyring: OpenKeyringEntry = () =>
      Promise.reject(new Error("Couldn't access platform storage: AccessDenied"));
    await catchError(
      createDefaultPersistence({
        path: join(dir.path, 'keyring.json'),
        env: {},
        keyProvider: keyringKeyProvider({ account: 'a', openEntry: failingKeyring }),
        ...common,
      }),
    );
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual([
      'cache_io_error',
      'cache_lock_timeout',
      'configuration_error',
      'keyring_unavailable',
    ]);

    const everything = [
      ...seen.lines,
      ...seen.warnings.map((w) => JSON.stringify(w)),
      ...errors.map((e) => describeErrorFully(e)),
    ].join('\n');
    expect(seen.lines.length).toBeGreaterThanOrEqual(5);
    assertNoSecretsIn(everything, SECRETS);
  });
});
