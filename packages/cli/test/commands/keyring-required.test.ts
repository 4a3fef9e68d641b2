/**
 * `keyring = required`: the error names the real reason (no keyring, or an existing plaintext
 * file) and what turned the policy on; following its hint works.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { EXIT } from '../../src/exit-codes.js';
import { cliHome, testContext, type CliHome, type TestContextOptions } from '../support/cli-env.js';

let home: CliHome;
beforeEach(async () => {
  home = await cliHome();
});
afterEach(() => home.remove());

async function run(args: readonly string[], options: TestContextOptions = {}) {
  const test = testContext(home, options);
  const exit = await main(args, test.context);
  return { exit, out: test.io.stdoutText(), err: test.io.stderrText() };
}

/** A plaintext token cache, as `login` leaves it on a machine without a keyring. */
async function plaintextCache(): Promise<void> {
  await mkdir(dirname(home.cachePath), { recursive: true, mode: 0o700 });
  await writeFile(home.cachePath, '{}', { mode: 0o600 });
}

const REQUIRED_BY_ENV = { env: { DEVICELOGIN_KEYRING: 'required' } } as const;

describe('keyring = required with an existing plaintext file', () => {
  beforeEach(plaintextCache);

  it('DEVICELOGIN_KEYRING=required: says the file is the reason (keyring or not), and to unset the variable', async () => {
    for (const keyring of ['absent', 'present'] as const) {
      const refused = await run(['accounts'], { ...REQUIRED_BY_ENV, keyring });
      expect(refused.exit).toBe(EXIT.storage);
      expect(refused.err).toBe(
        `error: The token cache ${home.cachePath} is a plaintext file, and DEVICELOGIN_KEYRING=required does not allow one.\n` +
          'To use it: unset DEVICELOGIN_KEYRING (or set it to auto). To move to the OS keyring instead: ' +
          "where one is available, run 'devicelogin logout --all' and sign in again.\n",
      );
    }
    // The hint works: without the variable, the file is used.
    expect(await run(['accounts'])).toMatchObject({ exit: EXIT.ok });
    expect(await run(['accounts'], { env: { DEVICELOGIN_KEYRING: 'auto' } })).toMatchObject({ exit: EXIT.ok });
  });

  it("the config's keyring = required: the hint is the config command, and it works", async () => {
    expect((await run(['config', 'set', 'keyring', 'required'])).exit).toBe(EXIT.ok);
    const refused = await run(['accounts']);
    expect(refused.exit).toBe(EXIT.storage);
    expect(refused.err).toContain('and the config (keyring = required) does not allow one.\n');
    expect(refused.err).toContain('To use it: devicelogin config set keyring auto.');
    expect(refused.err).not.toContain('DEVICELOGIN_KEYRING');
    expect((await run(['config', 'set', 'keyring', 'auto'])).exit).toBe(EXIT.ok);
    expect(await run(['accounts'])).toMatchObject({ exit: EXIT.ok });
  });
});

describe('keyring = required and no keyring for a new cache', () => {
  const login = ['login', '--authority', 'http://127.0.0.1:9/contoso', '--client-id', 'c'];

  it('names what requires it; the hint changes that and nothing is written', async () => {
    const byEnv = await run(login, REQUIRED_BY_ENV);
    expect(byEnv.exit).toBe(EXIT.storage);
    expect(byEnv.err).toBe(
      'error: No OS keyring is available, and DEVICELOGIN_KEYRING=required does not allow the plaintext file.\n' +
        `Start a Secret Service (docs/cache.md), or allow the plaintext file ${home.cachePath}: unset DEVICELOGIN_KEYRING (or set it to auto)\n`,
    );
    await expect(stat(home.cachePath)).rejects.toThrow(/ENOENT/);

    await run(['config', 'set', 'keyring', 'required']);
    const byConfig = await run(login);
    expect(byConfig.exit).toBe(EXIT.storage);
    expect(byConfig.err).toContain('and the config (keyring = required) does not allow the plaintext file.\n');
    expect(byConfig.err).toContain(`allow the plaintext file ${home.cachePath}: devicelogin config set keyring auto\n`);
  });
});
