import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { assertNoSecretsIn } from '@devicelogin/test-utils';
import { logoutCommand } from '../../src/commands/logout/logout.js';
import { main } from '../../src/main.js';
import { EXIT } from '../../src/exit-codes.js';
import { useSignedInFixture } from '../support/signed-in-fixture.js';
import { testContext } from '../support/cli-env.js';
import { restoreCache, targetArgs, USER } from '../support/cli-server.js';

const fixture = useSignedInFixture();

function secretsOf(text: string): string[] {
  const document = JSON.parse(text) as Record<string, Record<string, { secret?: string }>>;
  return ['AccessToken', 'RefreshToken', 'IdToken'].flatMap((section) =>
    Object.values(document[section] ?? {}).map((entry) => entry.secret ?? ''),
  );
}

describe('accounts', () => {
  it('none: a note on stderr, exit 0', async () => {
    const test = testContext(fixture.home);
    expect(await main(['accounts'], test.context)).toBe(EXIT.ok);
    expect(test.io.stdoutText()).toBe('');
    expect(test.io.stderrText()).toContain('No accounts are signed in.');
  });

  it('lists the signed-in account as a table and as JSON', async () => {
    await restoreCache(fixture.home, fixture.cache);
    const table = testContext(fixture.home);
    expect(await main(['accounts'], table.context)).toBe(EXIT.ok);
    const [header, row, ...rest] = table.io.stdoutText().split('\n');
    expect(header).toMatch(/^USERNAME\s+TENANT\s+HOST\s+HOME ACCOUNT ID$/);
    expect(row).toMatch(new RegExp(`^${USER.username}\\s+[0-9a-f-]{36}\\s+127\\.0\\.0\\.1:\\d+\\s+\\S+$`));
    expect(rest).toEqual(['']);
    const json = testContext(fixture.home);
    expect(await main(['accounts', '--json'], json.context)).toBe(EXIT.ok);
    expect(JSON.parse(json.io.stdoutText())).toEqual([expect.objectContaining({ username: USER.username })]);
  });
});

describe('status', () => {
  it('not signed in: exit 4, says where things are', async () => {
    const test = testContext(fixture.home);
    expect(await main(['status'], test.context)).toBe(EXIT.interactionRequired);
    expect(test.io.stdoutText()).toContain(
      `Token cache:   ${fixture.home.cachePath}\n               no token cache yet`,
    );
    expect(test.io.stdoutText()).toContain('Not signed in.');
  });

  it('signed in: account, token scopes and expiry, storage; never a token', async () => {
    await restoreCache(fixture.home, fixture.cache);
    const test = testContext(fixture.home);
    expect(await main(['status'], test.context)).toBe(EXIT.ok);
    const out = test.io.stdoutText();
    expect(out).toContain('plaintext file (mode 0600): no OS keyring');
    expect(out).toMatch(new RegExp(`${USER.username} \\(.+\\) on 127\\.0\\.0\\.1:\\d+`));
    expect(out).toMatch(/access token \(cli-app\): .*api:\/\/demo\/read.* — valid for \d+:\d\d/);
    expect(out).toContain('refresh token: yes');
    assertNoSecretsIn(out, secretsOf(fixture.cache.toString()));
    const json = testContext(fixture.home);
    expect(await main(['status', '--json'], json.context)).toBe(EXIT.ok);
    expect(JSON.parse(json.io.stdoutText())).toMatchObject({
      keyring_policy: 'auto',
      token_cache: { path: fixture.home.cachePath, storage: 'plaintext-file' },
      accounts: [{ username: USER.username, refresh_token: true }],
    });
    assertNoSecretsIn(json.io.stdoutText(), secretsOf(fixture.cache.toString()));
  });
});

describe('logout', () => {
  it('parse: --account and --all are exclusive', () => {
    expect(logoutCommand.parse(['--all'])).toMatchObject({ account: undefined, all: true, revoke: true });
    expect(() => logoutCommand.parse(['--all', '--account', 'x'])).toThrow(/not both/);
  });

  it('signs out the only account; token then needs a sign-in (exit 4)', async () => {
    await restoreCache(fixture.home, fixture.cache);
    const test = testContext(fixture.home);
    expect(await main(['logout'], test.context)).toBe(EXIT.ok);
    // No app configured (no flags, variables or profile): nothing to revoke with, local only.
    expect(test.io.stderrText()).toBe(
      `Signed out ${USER.username} on ${new URL(fixture.server.url).host} (on this machine only).\n` +
        'note: not revoked at the provider: no app is configured to revoke with; name it with --profile, or --client-id and --authority. ' +
        'Issued tokens stay valid until they expire.\n',
    );
    const token = testContext(fixture.home);
    expect(await main(['token', ...targetArgs(fixture.server)], token.context)).toBe(EXIT.interactionRequired);
  });

  it('--account names one; an unknown one is exit 2', async () => {
    await restoreCache(fixture.home, fixture.cache);
    const unknown = testContext(fixture.home);
    expect(await main(['logout', '--account', 'nobody@example.com'], unknown.context)).toBe(EXIT.usage);
    const test = testContext(fixture.home);
    expect(await main(['logout', '--account', USER.username.toUpperCase()], test.context)).toBe(EXIT.ok);
    const accounts = testContext(fixture.home);
    await main(['accounts', '--json'], accounts.context);
    expect(JSON.parse(accounts.io.stdoutText())).toEqual([]);
  });

  it('an invalid DEVICELOGIN_* variable is exit 2 like an invalid flag, and nothing is signed out (one account or --all)', async () => {
    await restoreCache(fixture.home, fixture.cache);
    const invalid = [
      [{ DEVICELOGIN_PROFILE: 'nope' }, 'error: No profile named "nope".\n'],
      [{ DEVICELOGIN_PROVIDER: 'bogus' }, 'error: Unknown provider "bogus".\n'],
      [{ DEVICELOGIN_AUTHORITY: 'not a url' }, 'error: --authority "not a url" is not an absolute URL.\n'],
    ] as const;
    for (const [env, error] of invalid) {
      for (const args of [['logout'], ['logout', '--all']]) {
        const test = testContext(fixture.home, { env });
        expect(await main(args, test.context), `${args.join(' ')} ${JSON.stringify(env)}`).toBe(EXIT.usage);
        expect(test.io.stderrText().startsWith(error), test.io.stderrText()).toBe(true);
        expect(test.io.stderrText()).not.toContain('Signed out');
      }
    }
    await expect(stat(fixture.home.cachePath)).resolves.toBeDefined();
    const accounts = testContext(fixture.home);
    await main(['accounts', '--json'], accounts.context);
    expect(JSON.parse(accounts.io.stdoutText())).toEqual([expect.objectContaining({ username: USER.username })]);
  });

  it('--all deletes the cache file', async () => {
    await restoreCache(fixture.home, fixture.cache);
    const test = testContext(fixture.home);
    expect(await main(['logout', '--all'], test.context)).toBe(EXIT.ok);
    await expect(stat(fixture.home.cachePath)).rejects.toThrow(/ENOENT/);
  });
});
