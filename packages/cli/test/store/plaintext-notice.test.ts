/**
 * The no-keyring notice: said only once the plaintext cache file was written, and only once; its
 * "start over" advice is the context's (the `npm start` demo names its own file).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadClientModule } from '../../src/context.js';
import { openTokenStorage, takeStorageNotice } from '../../src/store/storage.js';
import { cliHome, testContext, type CliHome } from '../support/cli-env.js';

let home: CliHome;
beforeEach(async () => {
  home = await cliHome();
});
afterEach(() => home.remove());

async function openForLogin(startOver?: string) {
  const { context } = testContext(home); // no keyring
  const client = await loadClientModule();
  return openTokenStorage(startOver === undefined ? context : { ...context, startOver }, client, {
    path: home.cachePath,
    keyring: { policy: 'auto', source: 'default' },
    write: true,
  });
}

async function writePlaintextCache(): Promise<void> {
  await mkdir(dirname(home.cachePath), { recursive: true, mode: 0o700 });
  await writeFile(home.cachePath, '{}', { mode: 0o600 });
}

describe('takeStorageNotice', () => {
  it('nothing before the file is written; the notice once it is; nothing the second time', async () => {
    const storage = await openForLogin();
    expect(storage.kind).toBe('plaintext-file');
    expect(await takeStorageNotice(storage)).toBeUndefined(); // a failed sign-in wrote nothing
    await writePlaintextCache();
    expect(await takeStorageNotice(storage)).toBe(
      `No OS keyring is available: the token cache is stored unencrypted in ${home.cachePath} (mode 0600).\n` +
        'To keep it in the OS keyring instead: run in a desktop session, or start a Secret Service ' +
        "(Debian/Ubuntu: apt-get install gnome-keyring dbus; see docs/cache.md), then run 'devicelogin logout --all' and sign in again.",
    );
    expect(await takeStorageNotice(storage)).toBeUndefined();
  });

  it('an existing plaintext file: no notice at all', async () => {
    await writePlaintextCache();
    const storage = await openForLogin();
    expect(storage.notice).toBeUndefined();
    expect(await takeStorageNotice(storage)).toBeUndefined();
  });

  it("the context's startOver replaces the CLI's logout --all advice", async () => {
    const storage = await openForLogin('delete .devicelogin/token-cache.json and run npm start again');
    await writePlaintextCache();
    const notice = await takeStorageNotice(storage);
    expect(notice).toMatch(/, then delete \.devicelogin\/token-cache\.json and run npm start again\.$/);
    expect(notice).not.toContain('devicelogin logout');
  });
});
