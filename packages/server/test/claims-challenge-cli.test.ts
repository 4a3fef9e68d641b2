/**
 * The claims challenge round trip through the built `devicelogin` CLI (a child process, the
 * esbuild bundle) against this server: sign in, `users revoke --access-only`, and `devicelogin
 * api /api/me` gets the 401 claims challenge, renews its token with the claims (a refresh) and
 * succeeds on its one retry; after a full `users revoke` the same command exits "sign-in
 * needed". The server's request log counts the /api/me calls.
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertNoSecretsIn } from '@devicelogin/test-utils';
import { EXIT } from '../../cli/src/exit-codes.js';
import { cliHome, type CliHome } from '../../cli/test/support/cli-env.js';
import { targetArgs, USER_CODE } from '../../cli/test/support/cli-server.js';
import { spawnCli } from '../../cli/test/support/spawn-cli.js';
import { adminOnServer } from './support/admin-on-server.js';
import { USER, startTestServer, type TestServer } from './support/test-server.js';

/** Pino lines of the server, parsed. */
const lines: Record<string, unknown>[] = [];
let rawLog = '';
const stream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    const text = chunk.toString('utf8');
    rawLog += text;
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  },
});

/** The statuses of the /api/me requests logged since `from` (a `lines` index), in order. */
function apiMeStatuses(from: number): number[] {
  const logged = lines.slice(from);
  const ids = logged
    .filter((l) => l['msg'] === 'incoming request' && (l['req'] as { path?: string } | undefined)?.path === '/api/me')
    .map((l) => l['reqId']);
  return ids.map((id) => {
    const done = logged.find((l) => l['reqId'] === id && l['msg'] === 'request completed');
    return (done?.['res'] as { statusCode?: number } | undefined)?.statusCode ?? 0;
  });
}

let server: TestServer;
let home: CliHome;
beforeAll(async () => {
  server = await startTestServer({ pollIntervalSeconds: 1 }, { logger: { level: 'info', stream } });
});
afterAll(() => server?.close());
beforeEach(async () => {
  home = await cliHome();
});
afterEach(() => home.remove());

/**
 * The CLI's environment, V8 compile cache on (as users run it): every run after the first starts
 * from the cache, and the refresh in the claims round trip loads jose lazily from it.
 */
const env = (): Record<string, string> => ({ HOME: home.dir, ...home.env });

/** `devicelogin api /api/me` as a process; its exit code, output and the /api/me statuses. */
async function callApi(extra: readonly string[] = []) {
  const from = lines.length;
  const cli = spawnCli(['api', '/api/me', ...targetArgs(server), ...extra], env());
  const exit = await cli.exited;
  // The log line of the last response may trail the client's exit by a tick.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { exit, stdout: cli.stdout(), stderr: cli.stderr(), statuses: apiMeStatuses(from) };
}

describe('claims challenge round trip through the built CLI', () => {
  it('access-only revocation: one retry with a renewed token; full revocation: sign-in needed', async () => {
    const login = spawnCli(['login', ...targetArgs(server)], env());
    const [, code] = await login.waitForStderr(USER_CODE);
    await server.signInAndApprove(code!);
    expect(await login.exited, login.stderr()).toBe(EXIT.ok);
    // The consent page and the approvals list name the CLI as the requesting device, not "node".
    const [approval] = await server.context.store.listApprovals({ limit: 1 });
    expect(approval?.requestUserAgent).toMatch(/^devicelogin\/0\.1\.0 devicelogin-client\/0\.1\.0 node\/v/);

    const before = await callApi();
    expect(before.exit, before.stderr).toBe(EXIT.ok);
    expect(before.statuses).toStrictEqual([200]);

    // A role change, say: the user's current access tokens must go, the session may stay.
    server.clock.advance(1_000);
    expect((await adminOnServer(server, ['users', 'revoke', USER.username, '--access-only'])).code).toBe(0);
    const retried = await callApi();
    expect(retried.exit, retried.stderr).toBe(EXIT.ok);
    expect(retried.statuses).toStrictEqual([401, 200]);
    expect(retried.stderr).toContain('The API asked for new claims (claims challenge); renewing the token');
    expect(JSON.parse(retried.stdout)).toMatchObject({ preferred_username: USER.username });

    // The renewed token is cached: the next call needs no challenge.
    const after = await callApi();
    expect(after.exit, after.stderr).toBe(EXIT.ok);
    expect(after.statuses).toStrictEqual([200]);

    // Phishing or a lost laptop: everything goes, the refresh token included.
    server.clock.advance(1_000);
    expect((await adminOnServer(server, ['users', 'revoke', USER.username])).code).toBe(0);
    const refused = await callApi();
    expect(refused.exit, refused.stderr).toBe(EXIT.interactionRequired);
    expect(refused.statuses).toStrictEqual([401]);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`A sign-in is needed for ${USER.username}`);
    expect(refused.stderr).toContain('devicelogin login');
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    assertNoSecretsIn(rawLog, [code!, code!.replace('-', '')]);
  }, 60_000);

  it('with --dpop: DPoP-bound tokens, and the DPoP-scheme claims challenge is answered the same way', async () => {
    const login = spawnCli(['login', '--dpop', ...targetArgs(server)], env());
    const [, code] = await login.waitForStderr(USER_CODE);
    await server.signInAndApprove(code!);
    expect(await login.exited, login.stderr()).toBe(EXIT.ok);
    const token = spawnCli(['token', '--json', '--dpop', ...targetArgs(server)], env());
    expect(await token.exited, token.stderr()).toBe(EXIT.ok);
    expect(JSON.parse(token.stdout())).toMatchObject({ token_type: 'DPoP' });

    // A new process knows no nonce yet: at most one use_dpop_nonce retry, then 200.
    const first = await callApi(['--dpop']);
    expect(first.exit, first.stderr).toBe(EXIT.ok);
    expect(first.statuses.at(-1)).toBe(200);
    expect(first.statuses.length).toBeLessThanOrEqual(2);

    server.clock.advance(1_000);
    expect((await adminOnServer(server, ['users', 'revoke', USER.username, '--access-only'])).code).toBe(0);
    const retried = await callApi(['--dpop']);
    expect(retried.exit, retried.stderr).toBe(EXIT.ok);
    expect(retried.stderr).toContain('The API asked for new claims (claims challenge); renewing the token');
    expect(retried.statuses.at(-1)).toBe(200);
    expect(JSON.parse(retried.stdout)).toMatchObject({ preferred_username: USER.username });
    assertNoSecretsIn(rawLog, [code!, code!.replace('-', '')]);
  }, 60_000);
});
