/**
 * The run half of the commands that talk to the provider, called directly: `run(options,
 * context)` with options objects written by hand (never parsed) and a test context, against the
 * real authorization server (signed-in-fixture.ts). Asserted: stdout, stderr and the exit code,
 * or the typed error a run throws (main.ts's boundary turns it into the exit code; the rendering
 * is in tty-rendering.test.ts). Off a terminal here; the terminal's side is in tty-rendering.
 */
import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiCommand, type ApiOptions } from '../../src/commands/api/api.js';
import { parseCredentialInput } from '../../src/commands/git/credential-protocol.js';
import { gitCredentialCommand, type GitCredentialOptions } from '../../src/commands/git/git-credential.js';
import {
  kubectlCredentialCommand,
  type KubectlCredentialOptions,
} from '../../src/commands/kubectl/kubectl-credential.js';
import { loginCommand } from '../../src/commands/login/login.js';
import { tokenCommand, type TokenOptions } from '../../src/commands/token/token.js';
import { describeFailure } from '../../src/boundary.js';
import { SignInNeededError, UsageError } from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';
import { testContext, type TestContextOptions } from '../support/cli-env.js';
import { restoreCache, USER, USER_CODE } from '../support/cli-server.js';
import { cachedAccessTokens, loginCommandFor, rejectionOf, targetFlags } from '../support/command-options.js';
import { useSignedInFixture } from '../support/signed-in-fixture.js';

const fixture = useSignedInFixture();

const context = (options: TestContextOptions = {}) => testContext(fixture.home, options);
const signedIn = () => restoreCache(fixture.home, fixture.cache);
const JWT = /^ey[\w-]+\.[\w-]+\.[\w-]+$/;

/** The real server's demo API's answer to `token`. */
async function apiMeStatus(token: string): Promise<number> {
  const response = await fetch(`${fixture.server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

describe('token: run', () => {
  const options = (extra: Partial<TokenOptions> = {}): TokenOptions => ({
    target: targetFlags(fixture.server),
    account: undefined,
    json: false,
    interactive: false,
    forceRefresh: false,
    ...extra,
  });

  it('signed in: the cached access token and a newline on stdout, nothing on stderr, exit 0', async () => {
    await signedIn();
    const test = context();
    expect(await tokenCommand.run(options(), test.context)).toBe(EXIT.ok);
    const token = test.io.stdoutText();
    expect(token).toMatch(/^\S+\n$/);
    expect(await cachedAccessTokens(fixture.home.cachePath)).toStrictEqual([token.trim()]);
    expect(await apiMeStatus(token.trim())).toBe(200);
    expect(test.io.stderrText()).toBe('');
  });

  it('json, account by its username in capitals: one JSON object describing the cached token', async () => {
    await signedIn();
    const test = context();
    expect(await tokenCommand.run(options({ json: true, account: USER.username.toUpperCase() }), test.context)).toBe(
      EXIT.ok,
    );
    const printed = JSON.parse(test.io.stdoutText()) as Record<string, unknown>;
    expect(Object.keys(printed).sort()).toStrictEqual([
      'access_token',
      'account',
      'expires_on',
      'from_cache',
      'scopes',
      'token_type',
    ]);
    expect(printed).toMatchObject({
      access_token: (await cachedAccessTokens(fixture.home.cachePath))[0],
      token_type: 'Bearer',
      from_cache: true,
      account: { username: USER.username, tenant_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown },
    });
    expect(printed['scopes']).toContain('api://demo/read');
    expect(Date.parse(String(printed['expires_on']))).toBeGreaterThan(Date.now());
    expect(test.io.stderrText()).toBe('');
  });

  it('forceRefresh: a new access token from the refresh token, not the cached one', async () => {
    await signedIn();
    const [cached] = await cachedAccessTokens(fixture.home.cachePath);
    fixture.server.clock.advance(1000); // another iat: a new token differs
    const test = context();
    expect(await tokenCommand.run(options({ json: true, forceRefresh: true }), test.context)).toBe(EXIT.ok);
    const printed = JSON.parse(test.io.stdoutText()) as { access_token: string; from_cache: boolean };
    expect(printed.from_cache).toBe(false);
    expect(printed.access_token).not.toBe(cached);
    expect(printed.access_token).toMatch(JWT);
    expect(await apiMeStatus(printed.access_token)).toBe(200);
  });

  it('not signed in: throws SignInNeededError (exit 4) naming the login command; nothing printed', async () => {
    const test = context();
    const error = await rejectionOf(tokenCommand.run(options(), test.context));
    expect(error).toBeInstanceOf(SignInNeededError);
    expect(error).toMatchObject({
      exitCode: EXIT.interactionRequired,
      message: `Not signed in to ${fixture.server.url}/contoso.`,
      hint: `Sign in with: ${loginCommandFor(fixture.server)}`,
    });
    expect(test.io.stdoutText()).toBe('');
    expect(test.io.stderrText()).toBe('');
  });

  it('an account that is not signed in: SignInNeededError naming it', async () => {
    await signedIn();
    const error = await rejectionOf(tokenCommand.run(options({ account: 'nobody@example.com' }), context().context));
    expect(error).toMatchObject({
      name: 'SignInNeededError',
      message: `No signed-in account "nobody@example.com" for ${fixture.server.url}/contoso.`,
    });
  });

  it('interactive, not signed in: the device code on stderr, then the token on stdout; the cache holds it', async () => {
    const test = context();
    const exit = tokenCommand.run(options({ interactive: true }), test.context);
    const [, code] = await test.io.waitForStderr(USER_CODE);
    await fixture.server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    expect(test.io.stderrText()).toContain(
      `To sign in, open ${fixture.server.url}/device in a browser and enter the code ${code}\n`,
    );
    expect(test.io.stderrText()).toContain(`Signed in as ${USER.username} (contoso)\n`);
    expect(await cachedAccessTokens(fixture.home.cachePath)).toStrictEqual([test.io.stdoutText().trim()]);
  });

  it('interactive, Ctrl+C while waiting: the run rejects, the boundary says 130, no cache file is made', async () => {
    const test = context();
    const exit = rejectionOf(tokenCommand.run(options({ interactive: true }), test.context));
    await test.io.waitForStderr(USER_CODE);
    test.interrupt();
    const error = await exit;
    expect(describeFailure(error, test.context.signal)).toStrictEqual({
      message: 'Cancelled.',
      hint: undefined,
      exitCode: EXIT.cancelled,
    });
    expect(test.io.stdoutText()).toBe('');
    await expect(stat(fixture.home.cachePath)).rejects.toThrow(/ENOENT/);
  });
});

describe('api: run', () => {
  const options = (url: string, extra: Partial<ApiOptions> = {}): ApiOptions => ({
    target: targetFlags(fixture.server),
    request: { url, method: 'GET', headers: [], data: undefined },
    account: undefined,
    interactive: false,
    ...extra,
  });

  it("GET /api/me (a path, resolved against the authority's origin): the real API's JSON, exit 0", async () => {
    await signedIn();
    const test = context();
    expect(await apiCommand.run(options('/api/me'), test.context)).toBe(EXIT.ok);
    const me = JSON.parse(test.io.stdoutText()) as Record<string, unknown>;
    expect(me).toMatchObject({
      preferred_username: USER.username,
      aud: 'api://demo',
      azp: 'cli-app',
      iss: expect.stringMatching(new RegExp(`^${fixture.server.url}/`)) as unknown,
    });
    expect(me['scp']).toContain('api://demo/read');
    expect(test.io.stdoutText().endsWith('}\n')).toBe(true);
    expect(test.io.stderrText()).toBe('');
  });

  it('a 404 of the real server: its body on stdout, the status on stderr, exit 7', async () => {
    await signedIn();
    const test = context();
    expect(await apiCommand.run(options(`${fixture.server.url}/api/nothing-here`), test.context)).toBe(
      EXIT.httpClientError,
    );
    expect(JSON.parse(test.io.stdoutText())).toStrictEqual({ error: 'not_found' });
    expect(test.io.stderrText()).toBe('HTTP 404 Not Found\n');
  });

  it('no token at all (not signed in): SignInNeededError, the API is not called', async () => {
    const test = context();
    const error = await rejectionOf(apiCommand.run(options('/api/me'), test.context));
    expect(error).toMatchObject({ name: 'SignInNeededError', exitCode: EXIT.interactionRequired });
    expect(test.io.stdoutText()).toBe('');
  });

  it('plain http to another host: UsageError (exit 2) before any token is used', async () => {
    await signedIn();
    const test = context();
    const error = await rejectionOf(apiCommand.run(options('http://example.com/x'), test.context));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({
      exitCode: EXIT.usage,
      message: 'Refusing to send a bearer token over plain http to example.com.',
    });
    expect(test.io.stdoutText() + test.io.stderrText()).toBe('');
  });
});

describe('kubectl-credential: run', () => {
  const options = (extra: Partial<KubectlCredentialOptions> = {}): KubectlCredentialOptions => ({
    target: targetFlags(fixture.server),
    account: undefined,
    neverInteractive: false,
    ...extra,
  });
  const execInfo = (apiVersion: string, interactive: boolean) =>
    JSON.stringify({ kind: 'ExecCredential', apiVersion, spec: { interactive } });

  it('signed in, kubectl non-interactive: one ExecCredential line with the cached token', async () => {
    await signedIn();
    const test = context({ env: { KUBERNETES_EXEC_INFO: execInfo('client.authentication.k8s.io/v1', false) } });
    expect(await kubectlCredentialCommand.run(options(), test.context)).toBe(EXIT.ok);
    expect(test.io.stdoutText()).toMatch(/^\{.*\}\n$/);
    const credential = JSON.parse(test.io.stdoutText()) as {
      status: { token: string; expirationTimestamp: string };
    };
    expect(credential).toMatchObject({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: { interactive: false },
    });
    expect(await cachedAccessTokens(fixture.home.cachePath)).toStrictEqual([credential.status.token]);
    expect(credential.status.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(test.io.stderrText()).toBe('');
  });

  it('answers in the API version kubectl asked for (v1beta1)', async () => {
    await signedIn();
    const test = context({ env: { KUBERNETES_EXEC_INFO: execInfo('client.authentication.k8s.io/v1beta1', false) } });
    expect(await kubectlCredentialCommand.run(options(), test.context)).toBe(EXIT.ok);
    expect(JSON.parse(test.io.stdoutText())).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1beta1' });
  });

  it('not signed in, kubectl allows interaction: the device code on stderr, then the credential', async () => {
    const test = context({ env: { KUBERNETES_EXEC_INFO: execInfo('client.authentication.k8s.io/v1', true) } });
    const exit = kubectlCredentialCommand.run(options(), test.context);
    const [, code] = await test.io.waitForStderr(USER_CODE);
    await fixture.server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    expect(JSON.parse(test.io.stdoutText())).toMatchObject({ spec: { interactive: true } });
  });

  it('not signed in, neverInteractive although kubectl allows it: SignInNeededError, no code shown', async () => {
    const test = context({ env: { KUBERNETES_EXEC_INFO: execInfo('client.authentication.k8s.io/v1', true) } });
    const error = await rejectionOf(kubectlCredentialCommand.run(options({ neverInteractive: true }), test.context));
    expect(error).toMatchObject({
      name: 'SignInNeededError',
      hint: `Sign in with: ${loginCommandFor(fixture.server)}`,
    });
    expect(test.io.stdoutText() + test.io.stderrText()).toBe('');
  });
});

describe('git-credential: run', () => {
  const options = (
    action: GitCredentialOptions['action'],
    extra: Partial<GitCredentialOptions> = {},
  ): GitCredentialOptions => ({
    action,
    target: targetFlags(fixture.server),
    account: undefined,
    username: undefined,
    neverInteractive: false,
    ...extra,
  });

  it("get: git's username kept, the cached access token as password, its expiry", async () => {
    await signedIn();
    const test = context({ stdin: 'protocol=https\nhost=git.example\nusername=builder\n\n' });
    expect(await gitCredentialCommand.run(options('get'), test.context)).toBe(EXIT.ok);
    const answer = parseCredentialInput(test.io.stdoutText());
    expect([...answer.keys()]).toStrictEqual(['username', 'password', 'password_expiry_utc']);
    expect(answer.get('username')).toBe('builder');
    expect(await cachedAccessTokens(fixture.home.cachePath)).toStrictEqual([answer.get('password')]);
    expect(Number(answer.get('password_expiry_utc'))).toBeGreaterThan(Date.now() / 1000);
    expect(test.io.stderrText()).toBe('');
  });

  it("get: --username wins over git's; without either, the account's username", async () => {
    await signedIn();
    const forced = context({ stdin: 'protocol=https\nhost=github.example\nusername=builder\n\n' });
    expect(await gitCredentialCommand.run(options('get', { username: 'x-access-token' }), forced.context)).toBe(
      EXIT.ok,
    );
    expect(parseCredentialInput(forced.io.stdoutText()).get('username')).toBe('x-access-token');
    const plain = context({ stdin: 'protocol=https\nhost=git.example\n\n' });
    expect(await gitCredentialCommand.run(options('get'), plain.context)).toBe(EXIT.ok);
    expect(parseCredentialInput(plain.io.stdoutText()).get('username')).toBe(USER.username);
  });

  it('store and erase, and get for plain http: nothing on stdout or stderr, exit 0, the cache unchanged', async () => {
    await signedIn();
    const before = await cachedAccessTokens(fixture.home.cachePath);
    for (const [action, stdin] of [
      ['store', 'protocol=https\nhost=git.example\nusername=a\npassword=b\n\n'],
      ['erase', 'protocol=https\nhost=git.example\n\n'],
      ['get', 'protocol=http\nhost=git.example\n\n'],
    ] as const) {
      const test = context({ stdin });
      expect(await gitCredentialCommand.run(options(action), test.context), action).toBe(EXIT.ok);
      expect(test.io.stdoutText() + test.io.stderrText(), action).toBe('');
    }
    expect(await cachedAccessTokens(fixture.home.cachePath)).toStrictEqual(before);
  });

  it('get, not signed in, off a terminal: SignInNeededError, nothing on stdout (git tries its next helper)', async () => {
    const test = context({ stdin: 'protocol=https\nhost=git.example\n\n' });
    const error = await rejectionOf(gitCredentialCommand.run(options('get'), test.context));
    expect(error).toMatchObject({ name: 'SignInNeededError', exitCode: EXIT.interactionRequired });
    expect(test.io.stdoutText() + test.io.stderrText()).toBe('');
  });
});

describe('login: run', () => {
  it('json, no QR: device_code and signed_in events on stdout, the plain code line on stderr', async () => {
    const test = context();
    const exit = loginCommand.run({ target: targetFlags(fixture.server), json: true, qr: false }, test.context);
    const [, code] = await test.io.waitForStderr(USER_CODE);
    await fixture.server.signInAndApprove(code!);
    expect(await exit).toBe(EXIT.ok);
    const events = test.io
      .stdoutText()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toMatchObject([
      {
        event: 'device_code',
        user_code: code,
        verification_uri: `${fixture.server.url}/device`,
        verification_uri_complete: `${fixture.server.url}/device?user_code=${code}`,
      },
      { event: 'signed_in', account: { username: USER.username, name: 'Ada Lovelace' }, cached: true },
    ]);
    expect(events[1]?.['scopes']).toContain('api://demo/read');
    expect(test.io.stderrText()).toContain(`Signed in as ${USER.username} (contoso)\n`);
  });
});
