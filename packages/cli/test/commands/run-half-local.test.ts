/**
 * The run half of the commands that only read and write local files (accounts, status, logout,
 * config), called directly with options objects written by hand and a test context. The token
 * cache is a real one, from a sign-in at the real server (signed-in-fixture.ts). Off a terminal
 * here; tty-rendering.test.ts has the terminal's side.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertNoSecretsIn, fakeClock } from '@devicelogin/test-utils';
import { accountsCommand } from '../../src/commands/accounts/accounts.js';
import { configCommand, type ConfigOptions } from '../../src/commands/config/config.js';
import { logoutCommand } from '../../src/commands/logout/logout.js';
import { statusCommand } from '../../src/commands/status/status.js';
import { CliError, UsageError } from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';
import { testContext, type TestContextOptions } from '../support/cli-env.js';
import { CLIENT_ID, restoreCache, USER } from '../support/cli-server.js';
import { rejectionOf, SCOPES, secretsOfCache } from '../support/command-options.js';
import { useSignedInFixture } from '../support/signed-in-fixture.js';

const fixture = useSignedInFixture();

const context = (options: TestContextOptions = {}) => testContext(fixture.home, options);
const signedIn = () => restoreCache(fixture.home, fixture.cache);
const configPath = () => join(fixture.home.env['DEVICELOGIN_CONFIG_DIR']!, 'config.json');
const host = () => new URL(fixture.server.url).host;

/** `accounts --json` run directly: the accounts in the cache. */
async function accountsJson(): Promise<Record<string, unknown>[]> {
  const test = context();
  expect(await accountsCommand.run({ json: true }, test.context)).toBe(EXIT.ok);
  return JSON.parse(test.io.stdoutText()) as Record<string, unknown>[];
}

describe('accounts: run', () => {
  it('none: a note on stderr, nothing on stdout, exit 0; json: []', async () => {
    const test = context();
    expect(await accountsCommand.run({ json: false }, test.context)).toBe(EXIT.ok);
    expect(test.io.stdoutText()).toBe('');
    expect(test.io.stderrText()).toBe('No accounts are signed in. Sign in with: devicelogin login\n');
    expect(await accountsJson()).toStrictEqual([]);
  });

  it('signed in: a header and one row on stdout; json: one object per account', async () => {
    await signedIn();
    const [account, ...others] = await accountsJson();
    expect(others).toStrictEqual([]);
    expect(account).toStrictEqual({
      username: USER.username,
      name: USER.displayName,
      tenant_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      environment: host(),
      home_account_id: expect.stringMatching(/^[0-9a-f-]{36}(\.[0-9a-f-]{36})?$/) as unknown,
    });
    const test = context();
    expect(await accountsCommand.run({ json: false }, test.context)).toBe(EXIT.ok);
    const lines = test.io.stdoutText().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^USERNAME {2,}TENANT {2,}HOST {2,}HOME ACCOUNT ID$/);
    expect(lines[1]?.split(/ {2,}/)).toStrictEqual([
      USER.username,
      account?.['tenant_id'],
      host(),
      account?.['home_account_id'],
    ]);
    expect(lines[2]).toBe('');
    // The columns line up: each header starts where its cell starts.
    for (const header of ['TENANT', 'HOST', 'HOME ACCOUNT ID']) {
      const column = lines[0]!.indexOf(header);
      expect(lines[1]![column - 1]).toBe(' ');
      expect(lines[1]![column]).not.toBe(' ');
    }
    expect(test.io.stderrText()).toBe('');
  });
});

describe('status: run', () => {
  it('nothing set up: where the config and cache would be, not signed in, exit 4', async () => {
    const test = context();
    expect(await statusCommand.run({ json: false }, test.context)).toBe(EXIT.interactionRequired);
    expect(test.io.stdoutText()).toBe(
      `Config file:   ${configPath()} (no profiles)\n` +
        `Token cache:   ${fixture.home.cachePath}\n` +
        '               no token cache yet\n' +
        'Not signed in. Sign in with: devicelogin login\n',
    );
    expect(test.io.stderrText()).toBe('');
  });

  it('signed in, with a profile: every line, token expiry on the context clock; never a token', async () => {
    await signedIn();
    expect(
      await configCommand.run(
        { action: 'set', profile: 'demo', key: 'client-id', value: CLIENT_ID },
        context().context,
      ),
    ).toBe(EXIT.ok);
    expect(
      await configCommand.run(
        { action: 'set', profile: undefined, key: 'default-profile', value: 'demo' },
        context().context,
      ),
    ).toBe(EXIT.ok);
    const [account] = await accountsJson();
    const json = context();
    expect(await statusCommand.run({ json: true }, json.context)).toBe(EXIT.ok);
    const status = JSON.parse(json.io.stdoutText()) as {
      accounts: { access_tokens: { expires_on: string }[] }[];
    };
    const expiresOn = Date.parse(status.accounts[0]!.access_tokens[0]!.expires_on);
    // The context's clock says how long is left: 10 minutes and 5 seconds before the expiry.
    const test = context();
    const clocked = { ...test.context, clock: fakeClock(expiresOn - 605_000) };
    expect(await statusCommand.run({ json: false }, clocked)).toBe(EXIT.ok);
    expect(test.io.stdoutText()).toBe(
      `Config file:   ${configPath()} (profiles: demo; default: demo)\n` +
        `Token cache:   ${fixture.home.cachePath}\n` +
        '               plaintext file (mode 0600): no OS keyring\n' +
        'Signed in:\n' +
        `  ${USER.username} (${String(account?.['tenant_id'])}) on ${host()}\n` +
        `    access token (${CLIENT_ID}): ${SCOPES} — valid for 10:05\n` +
        '    refresh token: yes\n',
    );
    expect(status).toStrictEqual({
      config_file: configPath(),
      default_profile: 'demo',
      profiles: ['demo'],
      keyring_policy: 'auto',
      token_cache: { path: fixture.home.cachePath, storage: 'plaintext-file' },
      accounts: [
        {
          username: USER.username,
          tenant_id: account?.['tenant_id'],
          environment: host(),
          home_account_id: account?.['home_account_id'],
          access_tokens: [{ client_id: CLIENT_ID, scopes: SCOPES, expires_on: expect.any(String) as unknown }],
          refresh_token: true,
        },
      ],
    });
    const secrets = secretsOfCache(fixture.cache.toString());
    assertNoSecretsIn(test.io.stdoutText() + json.io.stdoutText(), secrets);
  });

  it('keyring required and a plaintext cache: CliError exit 6, nothing printed', async () => {
    await signedIn();
    const test = context({ env: { DEVICELOGIN_KEYRING: 'required' } });
    const error = await rejectionOf(statusCommand.run({ json: false }, test.context));
    expect(error).toBeInstanceOf(CliError);
    // (The wording is the storage's own tests' business: here, exit 6 naming the file.)
    expect(error).toMatchObject({
      exitCode: EXIT.storage,
      message: expect.stringContaining(fixture.home.cachePath) as unknown,
    });
    expect(test.io.stdoutText() + test.io.stderrText()).toBe('');
  });
});

describe('logout: run', () => {
  // Local only: revoking would end the file's shared signed-in session (logout-revoke.test.ts revokes).
  const local = { revoke: false, target: {} } as const;

  it('none signed in: says so, exit 0', async () => {
    const test = context();
    expect(await logoutCommand.run({ account: undefined, all: false, ...local }, test.context)).toBe(EXIT.ok);
    expect(test.io.stderrText()).toBe('No accounts are signed in.\n');
    expect(test.io.stdoutText()).toBe('');
  });

  it('the only account: removed from the cache (the file stays), one line on stderr', async () => {
    await signedIn();
    const test = context();
    expect(await logoutCommand.run({ account: undefined, all: false, ...local }, test.context)).toBe(EXIT.ok);
    expect(test.io.stderrText()).toBe(
      `Signed out ${USER.username} on ${host()} (on this machine only: issued tokens stay valid until they expire).\n`,
    );
    expect(test.io.stdoutText()).toBe('');
    expect(await accountsJson()).toStrictEqual([]);
    const left = JSON.parse(await readFile(fixture.home.cachePath, 'utf8')) as Record<string, object>;
    expect(Object.keys(left['RefreshToken'] ?? {})).toStrictEqual([]);
    expect(Object.keys(left['AccessToken'] ?? {})).toStrictEqual([]);
  });

  it('an account by home account id; an unknown one: UsageError (exit 2), nothing removed', async () => {
    await signedIn();
    const error = await rejectionOf(
      logoutCommand.run({ account: 'nobody@example.com', all: false, ...local }, context().context),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ message: 'No signed-in account "nobody@example.com".', exitCode: EXIT.usage });
    const [account] = await accountsJson();
    const test = context();
    const id = String(account?.['home_account_id']);
    expect(await logoutCommand.run({ account: id, all: false, ...local }, test.context)).toBe(EXIT.ok);
    expect(await accountsJson()).toStrictEqual([]);
  });

  it('all: deletes the cache file and names it', async () => {
    await signedIn();
    const test = context();
    expect(await logoutCommand.run({ account: undefined, all: true, ...local }, test.context)).toBe(EXIT.ok);
    expect(test.io.stderrText()).toBe(`Signed out of every account (deleted ${fixture.home.cachePath}).\n`);
    await expect(stat(fixture.home.cachePath)).rejects.toThrow(/ENOENT/);
  });
});

describe('config: run', () => {
  async function config(options: ConfigOptions) {
    const test = context();
    const exit = await configCommand.run(options, test.context);
    return { exit, out: test.io.stdoutText(), err: test.io.stderrText() };
  }

  it('path: the config file under DEVICELOGIN_CONFIG_DIR, without creating it', async () => {
    expect(await config({ action: 'path' })).toStrictEqual({ exit: EXIT.ok, out: `${configPath()}\n`, err: '' });
    await expect(stat(configPath())).rejects.toThrow(/ENOENT/);
  });

  it('list of nothing: a note naming the file on stderr; json: {}', async () => {
    expect(await config({ action: 'list', json: false })).toStrictEqual({
      exit: EXIT.ok,
      out: '',
      err: `Nothing is set (${configPath()}).\n`,
    });
    expect(await config({ action: 'list', json: true })).toStrictEqual({ exit: EXIT.ok, out: '{}\n', err: '' });
  });

  it('set, get, list, unset: the file is JSON, 0600; a secret is listed as (set)', async () => {
    const set = (profile: string | undefined, key: string, value: string) =>
      config({ action: 'set', profile, key, value });
    expect(await set('work', 'client-id', 'app-1')).toStrictEqual({ exit: EXIT.ok, out: '', err: '' });
    expect((await set('work', 'client-secret', 's3cret')).exit).toBe(EXIT.ok);
    expect((await set(undefined, 'keyring', 'required')).exit).toBe(EXIT.ok);
    expect(JSON.parse(await readFile(configPath(), 'utf8'))).toStrictEqual({
      profiles: { work: { 'client-id': 'app-1', 'client-secret': 's3cret' } },
      keyring: 'required',
    });
    expect((await stat(configPath())).mode & 0o777).toBe(0o600);
    expect(await config({ action: 'get', profile: 'work', key: 'client-id' })).toStrictEqual({
      exit: EXIT.ok,
      out: 'app-1\n',
      err: '',
    });
    expect(await config({ action: 'get', profile: undefined, key: 'keyring' })).toMatchObject({ out: 'required\n' });
    const list = await config({ action: 'list', json: false });
    expect(list.out).toBe('keyring=required\nprofiles.work.client-id=app-1\nprofiles.work.client-secret=(set)\n');
    expect(list.out + list.err).not.toContain('s3cret');
    expect(JSON.parse((await config({ action: 'list', json: true })).out)).toStrictEqual({
      keyring: 'required',
      'profiles.work.client-id': 'app-1',
      'profiles.work.client-secret': '(set)',
    });
    expect((await config({ action: 'unset', profile: 'work', key: 'client-id' })).exit).toBe(EXIT.ok);
    const unset = await config({ action: 'get', profile: 'work', key: 'client-id' });
    expect(unset).toMatchObject({ exit: EXIT.error, out: '' });
  });

  it('default-profile naming no profile: set anyway, with a note on stderr', async () => {
    expect(await config({ action: 'set', profile: undefined, key: 'default-profile', value: 'later' })).toStrictEqual({
      exit: EXIT.ok,
      out: '',
      err: 'note: there is no profile "later" yet.\n',
    });
    expect(JSON.parse(await readFile(configPath(), 'utf8'))).toStrictEqual({ 'default-profile': 'later' });
  });
});
