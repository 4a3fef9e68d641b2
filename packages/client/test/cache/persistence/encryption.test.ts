import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@devicelogin/test-utils';
import { ConfigurationError } from '../../../src/errors.js';
import { keyId, openCacheEnvelope, sealCacheEnvelope } from '../../../src/cache/encryption.js';
import { createFilePersistence } from '../../../src/cache/file-persistence.js';
import { staticKeyProvider } from '../../../src/cache/key-provider.js';
import { addAccount, addRefreshToken } from './helpers.js';

const SECRET = 'RT-known-refresh-token-secret-0123456789';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

async function newDir(): Promise<string> {
  const dir = await tempDir();
  cleanup.push(() => dir.remove());
  return dir.path;
}

describe('the encrypted cache file', () => {
  it('holds no plaintext: not the secret, not the account, not the key', async () => {
    const path = join(await newDir(), 'tokens.json');
    const key = randomBytes(32);
    const persistence = createFilePersistence({ path, encryption: { keyProvider: staticKeyProvider(key) } });
    await persistence.update((cache) => addRefreshToken(SECRET)(addAccount('alice.unique-username')(cache)));

    const bytes = await fsp.readFile(path);
    for (const needle of [
      SECRET,
      'alice.unique-username',
      'RefreshToken',
      key.toString('base64'),
      key.toString('hex'),
    ]) {
      expect(bytes.includes(Buffer.from(needle))).toBe(false);
    }
    const envelope = JSON.parse(bytes.toString('utf8')) as Record<string, string | number>;
    expect(Object.keys(envelope)).toEqual(['format', 'v', 'alg', 'kid', 'iv', 'tag', 'data']);
    expect(envelope).toMatchObject({ format: 'devicelogin-cache', v: 1, alg: 'A256GCM', kid: keyId(key) });
    expect(Buffer.from(String(envelope['iv']), 'base64')).toHaveLength(12);
    expect(Buffer.from(String(envelope['tag']), 'base64')).toHaveLength(16);

    const loaded = await persistence.load(undefined);
    expect(loaded !== 'unchanged' && Object.values(loaded.data?.RefreshToken ?? {})[0]?.secret).toBe(SECRET);
  });

  it('uses a fresh IV for every write', async () => {
    const path = join(await newDir(), 'tokens.json');
    const persistence = createFilePersistence({
      path,
      encryption: { keyProvider: staticKeyProvider(randomBytes(32)) },
    });
    const ivs = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      await persistence.update((cache) => cache); // the same document each time
      ivs.add((JSON.parse(await fsp.readFile(path, 'utf8')) as { iv: string }).iv);
    }
    expect(ivs.size).toBe(5);
  });

  it('is created with mode 0600 in a directory created with mode 0700, and a looser existing file is tightened', async () => {
    const root = await newDir();
    const path = join(root, 'new', 'nested', 'tokens.json');
    await createFilePersistence({ path, encryption: 'plaintext' }).update(addAccount('a'));
    expect((await fsp.stat(join(root, 'new'))).mode & 0o777).toBe(0o700);
    expect((await fsp.stat(join(root, 'new', 'nested'))).mode & 0o777).toBe(0o700);
    expect((await fsp.stat(path)).mode & 0o777).toBe(0o600);

    const loose = join(root, 'loose.json');
    await fsp.writeFile(loose, '{}', { mode: 0o644 });
    await createFilePersistence({ path: loose, encryption: 'plaintext' }).update(addAccount('a'));
    expect((await fsp.stat(loose)).mode & 0o777).toBe(0o600);
  });

  it('stores plain MSAL JSON when plaintext is chosen', async () => {
    const path = join(await newDir(), 'tokens.json');
    await createFilePersistence({ path, encryption: 'plaintext' }).update(addRefreshToken(SECRET));
    const parsed = JSON.parse(await fsp.readFile(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['Account', 'IdToken', 'AccessToken', 'RefreshToken', 'AppMetadata']);
  });
});

describe('the AES-256-GCM envelope', () => {
  const key = randomBytes(32);
  const plaintext = Buffer.from('{"Account":{}}');

  it('round-trips', () => {
    expect(openCacheEnvelope(sealCacheEnvelope(plaintext, key), key)).toEqual({ ok: true, plaintext });
  });

  it('rejects any modified byte of the ciphertext, IV or tag', () => {
    const envelope = JSON.parse(sealCacheEnvelope(plaintext, key).toString('utf8')) as Record<string, string>;
    for (const field of ['data', 'iv', 'tag'] as const) {
      const bytes = Buffer.from(envelope[field]!, 'base64');
      bytes[0] = bytes[0]! ^ 1;
      const tampered = Buffer.from(JSON.stringify({ ...envelope, [field]: bytes.toString('base64') }));
      expect(openCacheEnvelope(tampered, key)).toEqual({
        ok: false,
        reason: 'the file failed authentication (damaged or modified)',
      });
    }
  });

  it('rejects a shortened tag and a changed header', () => {
    const envelope = JSON.parse(sealCacheEnvelope(plaintext, key).toString('utf8')) as Record<string, string>;
    const shortTag = Buffer.from(envelope['tag']!, 'base64').subarray(0, 8).toString('base64');
    expect(openCacheEnvelope(Buffer.from(JSON.stringify({ ...envelope, tag: shortTag })), key)).toMatchObject({
      ok: false,
    });
    expect(openCacheEnvelope(Buffer.from(JSON.stringify({ ...envelope, v: 2 })), key)).toMatchObject({
      ok: false,
      reason: 'the file uses an unsupported envelope version',
    });
  });

  it('tells a different key apart from damage', () => {
    expect(openCacheEnvelope(sealCacheEnvelope(plaintext, randomBytes(32)), key)).toEqual({
      ok: false,
      reason: 'the file was encrypted with a different key',
    });
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => sealCacheEnvelope(plaintext, randomBytes(16))).toThrow(RangeError);
    expect(() => staticKeyProvider(randomBytes(16))).toThrow(ConfigurationError);
  });
});
