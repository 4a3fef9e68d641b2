import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoSecretsIn, tempDir } from '@devicelogin/test-utils';
import { createDefaultPersistence, keyringAccountFor, type CacheWarning } from '@devicelogin/client';
import { addAccount, addRefreshToken } from './helpers.js';

/**
 * The real OS keyring path, against a real Secret Service (gnome-keyring on a private D-Bus
 * session). It needs one, so it runs only when DEVICELOGIN_SECRET_SERVICE_TEST=1: .ci/run starts
 * `dbus-run-session` + `gnome-keyring-daemon` and runs this file there.
 */
const enabled = process.env['DEVICELOGIN_SECRET_SERVICE_TEST'] === '1';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

describe.runIf(enabled)('cache key in a real Secret Service (gnome-keyring)', () => {
  it('creates the key in the keyring, and another process-like instance decrypts with it', async () => {
    const dir = await tempDir();
    cleanup.push(() => dir.remove());
    const path = join(dir.path, 'cache', 'tokens.json');
    const warnings: CacheWarning[] = [];
    const first = await createDefaultPersistence({ path, env: {}, onWarning: (w) => warnings.push(w) });
    await first.update((doc) =>
      addRefreshToken('SECRET-REFRESH-TOKEN-in-keyring-test')(addAccount('kept-in-keyring')(doc)),
    );

    const raw = await readFile(path, 'utf8');
    expect(JSON.parse(raw)).toMatchObject({ format: 'devicelogin-cache', alg: 'A256GCM' });
    assertNoSecretsIn(raw, ['SECRET-REFRESH-TOKEN-in-keyring-test', 'kept-in-keyring']);

    // The key really is in the Secret Service, under the documented service and account.
    const { Entry } = await import('@napi-rs/keyring');
    const stored = new Entry('devicelogin', keyringAccountFor(path), {
      linux: { store: 'secret-service' },
    }).getPassword();
    expect(typeof stored === 'string' && Buffer.from(stored, 'base64').length).toBe(32);

    const second = await createDefaultPersistence({ path, env: {} });
    const loaded = await second.load(undefined);
    expect(loaded !== 'unchanged' && Object.keys(loaded.data?.Account ?? {})).toEqual(['kept-in-keyring']);
    expect(warnings).toEqual([]);
  });
});

describe.skipIf(enabled)('cache key in a real Secret Service', () => {
  it.skip('runs only under DEVICELOGIN_SECRET_SERVICE_TEST=1 (see .ci/run)', () => undefined);
});
