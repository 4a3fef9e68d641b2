import { readFile, stat } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
/* eslint-disable no-control-regex -- the tests look for ANSI escape sequences */
import { assertNoSecretsIn } from '@devicelogin/test-utils';
import { main } from '../../src/main.js';
import { loginCommand } from '../../src/commands/login/login.js';
import { tokenCommand } from '../../src/commands/token/token.js';
import { EXIT } from '../../src/exit-codes.js';
import { cliHome, testContext, type CliHome } from '../support/cli-env.js';
import { signInScopes } from '../../src/commands/login/default-scopes.js';
import { startTestServer } from '../../../server/test/support/test-server.js';
import { CLIENT_ID, startCliServer, targetArgs, USER, USER_CODE, type TestServer } from '../support/cli-server.js';

let server: TestServer;
let home: CliHome;
beforeAll(async () => {
  server = await startCliServer();
});
afterAll(() => server.close());
beforeEach(async () => {
  home = await cliHome();
});
afterEach(() => home.remove());

/** Runs `devicelogin login` in-process and approves the printed code through the real pages. */
async function login(extra: string[] = [], options: Parameters<typeof testContext>[1] = {}) {
  const test = testContext(home, options);
  const exit = main(['login', ...targetArgs(server), ...extra], test.context);
  const [, code] = await test.io.waitForStderr(USER_CODE);
  await server.signInAndApprove(code!);
  return { ...test, exit: await exit, code: code! };
}

describe('login: parse', () => {
  it('reads the target, --json and --no-qr', () => {
    const options = loginCommand.parse([
      '--authority',
      'https://id.example/t',
      '--client-id',
      'c',
      '--json',
      '--no-qr',
    ]);
    expect(options).toEqual({
      target: {
        profile: undefined,
        authority: 'https://id.example/t',
        clientId: 'c',
        provider: undefined,
        scopes: undefined,
        tenant: undefined,
      },
      json: true,
      qr: false,
    });
  });

  it('refuses unknown flags and stray arguments with exit code 2', async () => {
    const test = testContext(home);
    expect(await main(['login', '--nope'], test.context)).toBe(EXIT.usage);
    expect(test.io.stderrText()).toMatch(/^error: Unknown option '--nope'.*\nSee: devicelogin login --help\n$/s);
    expect(await main(['login', 'extra'], test.context)).toBe(EXIT.usage);
  });
});

describe('login: run (non-TTY, no keyring)', () => {
  it('prints plain lines, signs in, stores a 0600 file and says so once', async () => {
    // A cancelled attempt first: nothing is written, so nothing is said about the file.
    const cancelled = testContext(home);
    const attempt = main(['login', ...targetArgs(server)], cancelled.context);
    await cancelled.io.waitForStderr(USER_CODE);
    cancelled.interrupt();
    expect(await attempt).toBe(EXIT.cancelled);
    expect(cancelled.io.stderrText()).not.toContain('No OS keyring');
    await expect(stat(home.cachePath)).rejects.toThrow(/ENOENT/);

    const first = await login();
    expect(first.exit).toBe(EXIT.ok);
    const err = first.io.stderrText();
    expect(err).toContain(`To sign in, open ${server.url}/device in a browser and enter the code ${first.code}\n`);
    expect(err).toMatch(/Waiting for the sign-in; the code expires in 1[45]:\d\d/);
    expect(err).toContain(`Signed in as ${USER.username} (contoso)\n`);
    const notice = `No OS keyring is available: the token cache is stored unencrypted in ${home.cachePath} (mode 0600).\n`;
    expect(err.split(notice)).toHaveLength(2); // said once…
    expect(err.indexOf(notice)).toBeGreaterThan(err.indexOf('Signed in as')); // …once the file holds the tokens
    expect(err).toContain("then run 'devicelogin logout --all' and sign in again.\n");
    expect(err).not.toMatch(/\u001b\[/); // no colour off a terminal
    expect(first.io.stdoutText()).toBe('');
    expect((await stat(home.cachePath)).mode & 0o777).toBe(0o600);

    const second = await login();
    expect(second.exit).toBe(EXIT.ok);
    expect(second.io.stderrText()).not.toContain('No OS keyring');
  });

  it('keyring = required: no keyring is exit 6, nothing written', async () => {
    const test = testContext(home, { env: { DEVICELOGIN_KEYRING: 'required' } });
    expect(await main(['login', ...targetArgs(server)], test.context)).toBe(EXIT.storage);
    expect(test.io.stderrText()).toContain(
      'error: No OS keyring is available, and DEVICELOGIN_KEYRING=required does not allow the plaintext file.\n',
    );
    await expect(stat(home.cachePath)).rejects.toThrow(/ENOENT/);
  });

  it('with a keyring, the cache file is encrypted', async () => {
    const { exit } = await login([], { keyring: 'present' });
    expect(exit).toBe(EXIT.ok);
    expect(await readFile(home.cachePath, 'utf8')).toMatch(/^\{"format":"devicelogin-cache"/);
  });

  it('--json writes device_code and signed_in events on stdout, no token', async () => {
    const { exit, io, code } = await login(['--json']);
    expect(exit).toBe(EXIT.ok);
    const events = io
      .stdoutText()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((e) => e['event'])).toEqual(['device_code', 'signed_in']);
    expect(events[0]).toMatchObject({ user_code: code, verification_uri: `${server.url}/device` });
    expect(events[1]).toMatchObject({
      account: { username: USER.username, tenant_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown },
      cached: true,
    });
    const cache = JSON.parse(await readFile(home.cachePath, 'utf8')) as {
      AccessToken: Record<string, { secret: string }>;
    };
    const tokens = Object.values(cache.AccessToken).map((t) => t.secret);
    assertNoSecretsIn(io.stdoutText() + io.stderrText(), tokens);
  });

  it('Ctrl+C while waiting exits 130 and leaves the cache as it was', async () => {
    await login();
    const before = await readFile(home.cachePath);
    const test = testContext(home);
    const exit = main(['login', ...targetArgs(server)], test.context);
    await test.io.waitForStderr(USER_CODE);
    test.interrupt();
    expect(await exit).toBe(EXIT.cancelled);
    expect(test.io.stderrText()).toMatch(/\nCancelled\.\n$/);
    expect(await readFile(home.cachePath)).toEqual(before);
  });
});

describe('login: run (TTY)', () => {
  it('shows the code in bold, a QR code of the complete URL and a countdown', async () => {
    const test = testContext(home, { tty: true });
    const exit = main(['login', ...targetArgs(server)], test.context);
    const [, code] = await test.io.waitForStderr(/\u001b\[1m(\S+)\u001b\[22m\n\n/);
    await test.io.waitForStderr(/code expires in 1[45]:\d\d/);
    await server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    const err = test.io.stderrText();
    expect(err).toContain(`Or scan this code with a phone; it opens ${server.url}/device?user_code=${code}`);
    expect(err).toMatch(/[▀▄█]/); // the QR code's half blocks
    expect(err).toContain(`Signed in as`);
  });

  it('NO_COLOR: no escape sequences, even on a terminal', async () => {
    const { io, context } = testContext(home, { tty: true, env: { NO_COLOR: '1' } });
    const exit = main(['login', ...targetArgs(server), '--no-qr'], context);
    const [, code] = await io.waitForStderr(/\n\n {4}(\S+)\n\n/);
    await server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    expect(io.stderrText()).not.toMatch(/\u001b\[[0-9;]*m/);
    expect(io.stderrText()).not.toContain('Or scan');
  });
});

describe('token', () => {
  it('parse: --account, --json, --interactive, --force-refresh', () => {
    expect(tokenCommand.parse(['--account', 'a', '--json', '--interactive'])).toMatchObject({
      account: 'a',
      json: true,
      interactive: true,
      forceRefresh: false,
    });
  });

  it('not signed in: says so on stderr, exit 4, nothing on stdout', async () => {
    const test = testContext(home);
    expect(await main(['token', ...targetArgs(server)], test.context)).toBe(EXIT.interactionRequired);
    expect(test.io.stdoutText()).toBe('');
    expect(test.io.stderrText()).toMatch(
      /^error: Not signed in to http:\/\/127\.0\.0\.1:\d+\/contoso\.\nSign in with: devicelogin login --authority /,
    );
  });

  it('after login: the access token on stdout, from the cache; --json describes it', async () => {
    await login();
    const test = testContext(home);
    expect(await main(['token', ...targetArgs(server)], test.context)).toBe(EXIT.ok);
    const token = test.io.stdoutText().trim();
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(test.io.stderrText()).toBe('');

    const json = testContext(home);
    expect(await main(['token', ...targetArgs(server), '--json'], json.context)).toBe(EXIT.ok);
    expect(JSON.parse(json.io.stdoutText())).toMatchObject({
      access_token: token,
      token_type: 'Bearer',
      from_cache: true,
      account: { username: USER.username, tenant_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown },
    });
  });

  it('--force-refresh redeems the refresh token: a new access token', async () => {
    await login();
    const first = testContext(home);
    await main(['token', ...targetArgs(server)], first.context);
    server.clock.advance(1000);
    const second = testContext(home);
    expect(await main(['token', ...targetArgs(server), '--force-refresh', '--json'], second.context)).toBe(EXIT.ok);
    const result = JSON.parse(second.io.stdoutText()) as { access_token: string; from_cache: boolean };
    expect(result.from_cache).toBe(false);
    expect(result.access_token).not.toBe(first.io.stdoutText().trim());
  });

  it('--interactive signs in when needed, then prints the token', async () => {
    const test = testContext(home);
    const exit = main(['token', ...targetArgs(server), '--interactive'], test.context);
    const [, code] = await test.io.waitForStderr(USER_CODE);
    await server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    expect(test.io.stdoutText()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});

describe('no scopes configured on a generic provider', () => {
  it('signInScopes: openid profile offline_access for generic only; configured scopes win', () => {
    expect(signInScopes([], 'generic')).toEqual(['openid', 'profile', 'offline_access']);
    expect(signInScopes(['api://demo/read'], 'generic')).toEqual(['api://demo/read']);
    for (const provider of ['entra', 'entra-v1', 'github', 'google', 'okta']) {
      expect(signInScopes([], provider), provider).toEqual([]);
    }
  });

  it("token's hint names a login that works: it asks for openid profile offline_access, then token finds it", async () => {
    const app = ['--authority', `${server.url}/contoso`, '--client-id', CLIENT_ID];
    const failed = testContext(home);
    expect(await main(['token', ...app], failed.context)).toBe(EXIT.interactionRequired);
    const hint = `Sign in with: devicelogin login --authority ${server.url}/contoso --client-id ${CLIENT_ID}\n`;
    expect(failed.io.stderrText().endsWith(hint)).toBe(true);

    // Exactly the hint's command line.
    const test = testContext(home);
    const exit = main(['login', ...app, '--json'], test.context);
    const ended = exit.then((status) => Promise.reject(new Error(`login ended (${status}): ${test.io.stderrText()}`)));
    const [, code] = await Promise.race([test.io.waitForStderr(USER_CODE), ended]);
    await server.signInAndApprove(code!);
    expect(await exit, test.io.stderrText()).toBe(EXIT.ok);
    expect(test.io.stderrText()).toContain(`Signed in as ${USER.username} (contoso)\n`);
    const signedIn = JSON.parse(test.io.stdoutText().trim().split('\n').at(-1)!) as { scopes: string[] };
    expect([...signedIn.scopes].sort()).toEqual(['offline_access', 'openid', 'profile']);

    const token = testContext(home);
    expect(await main(['token', ...app, '--json'], token.context)).toBe(EXIT.ok);
    expect(JSON.parse(token.io.stdoutText())).toMatchObject({ from_cache: true, account: { username: USER.username } });
  });

  it('a server refusing the scopes (invalid_scope): exit 1, with a hint to pass --scopes', async () => {
    const strict = await startTestServer({
      pollIntervalSeconds: 1,
      clients: [{ clientId: CLIENT_ID, name: 'Contoso CLI', allowedScopes: ['api://demo/read'] }],
    });
    try {
      const test = testContext(home);
      const args = [
        '--authority',
        `${strict.url}/contoso`,
        '--client-id',
        CLIENT_ID,
        '--scopes',
        'openid api://other/write',
      ];
      expect(await main(['login', ...args], test.context)).toBe(EXIT.error);
      expect(test.io.stderrText()).toBe(
        "error: The server answered invalid_scope: The scope 'api://other/write' is not allowed for this application.\n" +
          'Pass the scopes this app may request: --scopes "openid profile offline_access <API scopes>" ' +
          '(or in the profile: devicelogin config set --profile P scopes "…").\n',
      );
    } finally {
      await strict.close();
    }
  });
});
