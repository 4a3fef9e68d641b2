/**
 * `devicelogin logout` revoking at our server (RFC 7009) end to end, in-process over real HTTP:
 * each test signs in afresh (revocation kills the session, so the file's shared signed-in cache
 * is not used), then checks the refresh token at the token endpoint, stderr and the exit code.
 */
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { assertNoSecretsIn } from '@devicelogin/test-utils';
import { userCodeHash } from '../../../server/src/crypto.js';
import { postForm, startTestServer } from '../../../server/test/support/test-server.js';
import type { AccountInfo, SignOutOptions, SignOutResult } from '@devicelogin/client';
import { loadClientModule, type ClientModule } from '../../src/context.js';
import { main } from '../../src/main.js';
import { EXIT } from '../../src/exit-codes.js';
import { useSignedInFixture } from '../support/signed-in-fixture.js';
import { testContext, type CliHome, type KeyringState } from '../support/cli-env.js';
import { CLIENT_ID, startCliServer, targetArgs, USER, USER_CODE, type TestServer } from '../support/cli-server.js';
import { secretsOfCache } from '../support/command-options.js';

const fixture = useSignedInFixture();

const SECOND = {
  tenant: 'contoso',
  username: 'grace@contoso.example',
  displayName: 'Grace Hopper',
  password: 'another horse battery staple',
};

/** Approves a user code as `username` in the store (what the consent page does for that user). */
async function approveAs(server: TestServer, userCode: string, username: string): Promise<void> {
  const { store, events } = server.context;
  const record = await store.findDeviceCodeByUserCode(userCodeHash(userCode));
  const user = await store.findUser('contoso', username);
  if (record === undefined || user === undefined) throw new Error('unknown code or user');
  const approver = { ip: '127.0.0.1', userAgent: 'test' };
  if (!(await store.approveDeviceCode(record.id, user.id, record.scope, server.clock.now(), approver)))
    throw new Error('approval refused');
  await events.publish(record.id);
}

/** Signs `username` in with `devicelogin login` in `home` (adding to its cache). */
async function login(
  server: TestServer,
  home: CliHome,
  username = USER.username,
  keyring: KeyringState = 'absent',
): Promise<void> {
  const test = testContext(home, { keyring });
  const exit = main(['login', ...targetArgs(server)], test.context);
  const [, code] = await test.io.waitForStderr(USER_CODE);
  await approveAs(server, code!, username);
  if ((await exit) !== 0) throw new Error(`login failed:\n${test.io.stderrText()}`);
}

/** The refresh tokens and every secret of the (plaintext) cache file. */
async function cacheSecrets(home: CliHome): Promise<{ refreshTokens: string[]; all: string[] }> {
  const text = await readFile(home.cachePath, 'utf8');
  const document = JSON.parse(text) as { RefreshToken: Record<string, { secret: string }> };
  return { refreshTokens: Object.values(document.RefreshToken).map((e) => e.secret), all: secretsOfCache(text) };
}

const redeem = (server: TestServer, refreshToken: string) =>
  postForm(`${server.url}/contoso/oauth2/v2.0/token`, {
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    refresh_token: refreshToken,
  });

/**
 * The client module with a `signOut` that throws a (real) `CacheLockTimeoutError` for the first
 * account it is asked to sign out, whose username goes to `failing`; the others sign out as usual.
 */
function clientFailingFirstSignOut(home: CliHome, failing: string[]): () => Promise<ClientModule> {
  return async () => {
    const client = await loadClientModule();
    class FailingOnce extends client.PublicClientApplication {
      override signOut(account: AccountInfo, options?: SignOutOptions): Promise<SignOutResult> {
        if (failing.length > 0) return super.signOut(account, options);
        failing.push(account.username);
        return Promise.reject(new client.CacheLockTimeoutError(`${home.cachePath}.lock`, 10_000));
      }
    }
    return { ...client, PublicClientApplication: FailingOnce };
  };
}

/** The account lines `devicelogin accounts --json` prints for `home`. */
async function accounts(home: CliHome): Promise<unknown[]> {
  const test = testContext(home);
  await main(['accounts', '--json'], test.context);
  return JSON.parse(test.io.stdoutText() || '[]') as unknown[];
}

describe('logout revokes at the provider', () => {
  it('revokes the refresh token (then refused: invalid_grant), says so on stderr, exit 0, no token printed', async () => {
    const { server, home } = fixture;
    await login(server, home);
    const secrets = await cacheSecrets(home);
    const test = testContext(home);
    expect(await main(['logout', ...targetArgs(server)], test.context)).toBe(EXIT.ok);
    expect(test.io.stderrText()).toMatch(
      new RegExp(`^Signed out ${USER.username} on 127\\.0\\.0\\.1:\\d+ \\(revoked at the provider\\)\\.\\n$`),
    );
    expect(test.io.stdoutText()).toBe('');
    assertNoSecretsIn(test.io.stderrText(), secrets.all);
    const refused = await redeem(server, secrets.refreshTokens[0]!);
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toBe('invalid_grant');
    expect(await accounts(home)).toEqual([]);
  });

  it('--local forgets the account here only: the refresh token stays valid at the provider', async () => {
    const { server, home } = fixture;
    await login(server, home);
    const secrets = await cacheSecrets(home);
    const test = testContext(home);
    expect(await main(['logout', '--local', ...targetArgs(server)], test.context)).toBe(EXIT.ok);
    expect(test.io.stderrText()).toMatch(/\(on this machine only: issued tokens stay valid until they expire\)\.\n$/);
    assertNoSecretsIn(test.io.stderrText(), secrets.all);
    expect(await accounts(home)).toEqual([]);
    expect((await redeem(server, secrets.refreshTokens[0]!)).status).toBe(200);
  });

  it('--all revokes every account, then deletes the cache file', async () => {
    // A server of its own with a second user (the file's server knows only the test user).
    const server = await startTestServer({ pollIntervalSeconds: 1, users: [USER, SECOND] });
    try {
      const { home } = fixture;
      await login(server, home, USER.username);
      await login(server, home, SECOND.username);
      const secrets = await cacheSecrets(home);
      expect(secrets.refreshTokens).toHaveLength(2);
      const test = testContext(home);
      expect(await main(['logout', '--all', ...targetArgs(server)], test.context)).toBe(EXIT.ok);
      const stderr = test.io.stderrText();
      for (const name of [USER.username, SECOND.username]) {
        expect(stderr).toContain(`Signed out ${name} on ${new URL(server.url).host} (revoked at the provider).\n`);
      }
      expect(stderr).toContain('Signed out of every account (deleted ');
      assertNoSecretsIn(stderr + test.io.stdoutText(), secrets.all);
      for (const token of secrets.refreshTokens) {
        expect((await redeem(server, token)).body['error']).toBe('invalid_grant');
      }
      await expect(stat(home.cachePath)).rejects.toThrow(/ENOENT/);
    } finally {
      await server.close();
    }
  });

  it('--all: one account whose sign-out throws (cache lock timeout) does not stop the others; exit 9, file deleted', async () => {
    const server = await startTestServer({ pollIntervalSeconds: 1, users: [USER, SECOND] });
    try {
      const { home } = fixture;
      await login(server, home, USER.username);
      await login(server, home, SECOND.username);
      const secrets = await cacheSecrets(home);
      const test = testContext(home);
      const failing: string[] = [];
      const context = { ...test.context, loadClient: clientFailingFirstSignOut(home, failing) };
      expect(await main(['logout', '--all', ...targetArgs(server)], context)).toBe(EXIT.revocationFailed);
      expect(failing).toHaveLength(1);
      const [failed] = failing;
      const other = failed === USER.username ? SECOND.username : USER.username;
      const host = new URL(server.url).host;
      const stderr = test.io.stderrText();
      expect(stderr).toContain(
        `warning: signing out ${failed} on ${host} failed: The token cache is locked by another process (${home.cachePath}.lock); ` +
          'gave up after 10000 ms. If no other devicelogin process is running, the lock is stale and will be recovered once it is old enough. ' +
          'It is removed with the token cache file, but its tokens may not have been revoked at the provider: they may stay valid until they expire.\n',
      );
      expect(stderr).toContain(`Signed out ${other} on ${host} (revoked at the provider).\n`);
      expect(stderr).not.toContain('could not be opened');
      expect(stderr).toMatch(/Signed out of every account \(deleted .*\)\.\n$/);
      assertNoSecretsIn(stderr + test.io.stdoutText(), secrets.all);
      // The other account's refresh token was revoked; the failed one's was never sent.
      const answers = await Promise.all(secrets.refreshTokens.map((token) => redeem(server, token)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
      await expect(stat(home.cachePath)).rejects.toThrow(/ENOENT/);
    } finally {
      await server.close();
    }
  });

  it('the provider cannot be reached: signed out here, a warning, exit 9; no token printed', async () => {
    const server = await startCliServer();
    const { home } = fixture;
    try {
      await login(server, home);
    } finally {
      await server.close(); // nothing listens there any more
    }
    const secrets = await cacheSecrets(home);
    const test = testContext(home);
    expect(await main(['logout', ...targetArgs(server)], test.context)).toBe(EXIT.revocationFailed);
    const stderr = test.io.stderrText();
    expect(stderr).toMatch(/^Signed out \S+ on 127\.0\.0\.1:\d+ on this machine only\.\n/);
    expect(stderr).toMatch(
      /\nwarning: revocation at the provider failed: Could not reach .*\. The tokens may stay valid there until they expire\.\n$/,
    );
    assertNoSecretsIn(stderr + test.io.stdoutText(), secrets.all);
    expect(await accounts(home)).toEqual([]);
  });

  it('--all when the cache cannot be opened (its keyring is gone): deleted anyway, says revocation was not possible', async () => {
    const { server, home } = fixture;
    await login(server, home, USER.username, 'present'); // an encrypted cache, its key in the "keyring"
    const test = testContext(home, { keyring: 'absent' });
    expect(await main(['logout', '--all', ...targetArgs(server)], test.context)).toBe(EXIT.ok);
    expect(test.io.stderrText()).toMatch(
      /^warning: the token cache could not be opened \(.*\): revocation was not possible; issued tokens stay valid until they expire\.\n/,
    );
    expect(test.io.stderrText()).toContain('Signed out of every account (deleted ');
    await expect(stat(home.cachePath)).rejects.toThrow(/ENOENT/);
  });

  it('an account of another host than the configured app: not revoked, said so', async () => {
    const other = await startCliServer();
    try {
      const { server, home } = fixture;
      await login(server, home);
      const secrets = await cacheSecrets(home);
      const test = testContext(home);
      expect(await main(['logout', ...targetArgs(other)], test.context)).toBe(EXIT.ok);
      expect(test.io.stderrText()).toContain(
        `(not revoked: signed in at another host than the configured app's ${new URL(other.url).host}; issued tokens stay valid until they expire).`,
      );
      expect((await redeem(server, secrets.refreshTokens[0]!)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
