import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBody, sendJson, startServer } from '@devicelogin/test-utils';
import { apiCommand } from '../../src/commands/api/api.js';
import { claimsChallenge } from '../../src/commands/api/challenge.js';
import { main } from '../../src/main.js';
import { EXIT } from '../../src/exit-codes.js';
import { useSignedInFixture } from '../support/signed-in-fixture.js';
import { cliHome, testContext, type CliHome } from '../support/cli-env.js';
import { CLIENT_ID, restoreCache, targetArgs, USER, USER_CODE } from '../support/cli-server.js';
import { cachedAccessTokens, SCOPES } from '../support/command-options.js';
import { startRecordingProxy, type Exchange, type RecordingProxy } from '../support/recording-proxy.js';
import { adminOnServer } from '../../../server/test/support/admin-on-server.js';
import { startTestServer, type TestServer } from '../../../server/test/support/test-server.js';

const fixture = useSignedInFixture();
beforeEach(() => restoreCache(fixture.home, fixture.cache));

async function api(...args: string[]) {
  const test = testContext(fixture.home);
  const exit = await main(['api', ...args, ...targetArgs(fixture.server)], test.context);
  return { exit, out: test.io.stdoutText(), err: test.io.stderrText() };
}

describe('api: parse', () => {
  it('method, data, headers', () => {
    const options = apiCommand.parse(['/x', '-d', '{"a":1}', '-H', 'X-One: 1', '-H', 'Accept: text/plain']);
    expect(options.request).toEqual({
      url: '/x',
      method: 'POST',
      data: '{"a":1}',
      headers: [
        ['X-One', '1'],
        ['Accept', 'text/plain'],
      ],
    });
    expect(apiCommand.parse(['/x', '-X', 'delete']).request.method).toBe('DELETE');
    expect(() => apiCommand.parse([])).toThrow(/Which URL/);
    expect(() => apiCommand.parse(['/x', '-H', 'Authorization: Bearer x'])).toThrow(/not allowed/);
  });

  it('reads the claims of a CAE challenge', () => {
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
    const header = `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`;
    expect(claimsChallenge(header)).toBe(claims);
    expect(claimsChallenge('Bearer realm="x", error="invalid_token"')).toBeUndefined();
    expect(claimsChallenge(null)).toBeUndefined();
  });
});

describe('api: run', () => {
  it('GET /api/me with the cached token: the JSON body on stdout, exit 0', async () => {
    const result = await api('/api/me');
    expect(result.exit).toBe(EXIT.ok);
    expect(JSON.parse(result.out)).toMatchObject({ preferred_username: USER.username, aud: 'api://demo' });
    expect(result.err).toBe('');
  });

  it('exit code from the status: 4xx is 7, 5xx is 8; the body is still printed', async () => {
    const statuses = [404, 503];
    const fake = await startServer((_request, response) => sendJson(response, statuses.shift() ?? 500, { nope: true }));
    try {
      expect(await api(`${fake.url}/a`)).toMatchObject({
        exit: EXIT.httpClientError,
        out: '{"nope":true}\n',
        err: 'HTTP 404 Not Found\n',
      });
      expect(await api(`${fake.url}/b`)).toMatchObject({ exit: EXIT.httpServerError });
    } finally {
      await fake.close();
    }
  });

  it('sends method, body, headers and the bearer token', async () => {
    const seen: Record<string, unknown>[] = [];
    const fake = await startServer(async (request, response) => {
      seen.push({
        method: request.method,
        type: request.headers['content-type'],
        x: request.headers['x-one'],
        auth: request.headers.authorization,
        body: await readBody(request),
      });
      sendJson(response, 201, { ok: true });
    });
    try {
      const result = await api(`${fake.url}/items`, '-X', 'PUT', '-d', '{"a":1}', '-H', 'X-One: 1');
      expect(result.exit).toBe(EXIT.ok);
      expect(seen).toEqual([
        {
          method: 'PUT',
          type: 'application/json',
          x: '1',
          auth: expect.stringMatching(/^Bearer ey/) as unknown,
          body: '{"a":1}',
        },
      ]);
    } finally {
      await fake.close();
    }
  });

  it('refuses to send the token over plain http to another host (exit 2)', async () => {
    const result = await api('http://example.com/x');
    expect(result.exit).toBe(EXIT.usage);
    expect(result.err).toContain('Refusing to send a bearer token over plain http to example.com');
  });

  it('an unreachable API is exit 5 without the token in the message', async () => {
    const fake = await startServer(() => undefined);
    const url = fake.url;
    await fake.close();
    const result = await api(`${url}/gone`);
    expect(result.exit).toBe(EXIT.network);
    expect(result.err).toMatch(/^error: Cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\./);
  });
});

/**
 * Continuous Access Evaluation with the real server: after `devicelogin-admin users revoke
 * --access-only`, its /api/me answers the cached token with an Entra-style claims challenge. The
 * server sits behind a recording proxy (its public URL), so the test sees what reached its
 * token endpoint. The server issues tokens after the revocation whether or not the refresh
 * carries the claims, so only the recorded request body shows that the CLI passed them on.
 */
describe('api: a claims challenge from the real server (CAE)', () => {
  let proxy: RecordingProxy;
  let server: TestServer;
  let home: CliHome;
  beforeAll(async () => {
    proxy = await startRecordingProxy();
    server = await startTestServer({ pollIntervalSeconds: 1, publicUrl: proxy.url });
    proxy.forwardTo(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
  });
  beforeEach(async () => {
    home = await cliHome();
    // Signed in through the proxy (the server's public URL), approved in the store.
    const test = testContext(home);
    const exit = main(['login', ...target()], test.context);
    const [, code] = await test.io.waitForStderr(USER_CODE);
    await server.approve(code!);
    expect(await exit, test.io.stderrText()).toBe(EXIT.ok);
  });
  afterEach(() => home.remove());

  const target = () => ['--authority', `${proxy.url}/contoso`, '--client-id', CLIENT_ID, '--scopes', SCOPES];
  const revokeAccessTokens = async () =>
    expect((await adminOnServer(server, ['users', 'revoke', USER.username, '--access-only'])).code).toBe(0);

  /** `devicelogin api /api/me`, and the /api/me and token requests that reached the server meanwhile. */
  async function callApi() {
    const from = proxy.exchanges.length;
    const test = testContext(home);
    const exit = await main(['api', '/api/me', ...target()], test.context);
    const seen = proxy.exchanges.slice(from).filter((e) => e.path === '/api/me' || e.path.endsWith('/token'));
    return { exit, out: test.io.stdoutText(), err: test.io.stderrText(), seen };
  }

  /** The decoded `claims` of a claims challenge answer. */
  function challengedClaims(answer: Exchange | undefined): string {
    const header = String(answer?.responseHeaders['www-authenticate']);
    expect(header).toMatch(/^Bearer realm="[^"]*", error="insufficient_claims", claims="[^"]+"$/);
    return Buffer.from(/claims="([^"]+)"/.exec(header)![1]!, 'base64').toString('utf8');
  }

  it('the claims reach the token endpoint in one refresh; /api/me is called exactly twice', async () => {
    const [cached] = await cachedAccessTokens(home.cachePath);
    server.clock.advance(1000);
    await revokeAccessTokens();
    const result = await callApi();
    expect(result.exit, result.err).toBe(EXIT.ok);
    expect(result.seen.map((e) => `${e.method} ${e.path} ${e.status}`)).toStrictEqual([
      'GET /api/me 401',
      'POST /contoso/oauth2/v2.0/token 200',
      'GET /api/me 200',
    ]);
    const [challenged, refresh, retried] = result.seen;
    const claims = challengedClaims(challenged);
    expect(JSON.parse(claims)).toStrictEqual({
      access_token: { nbf: { essential: true, value: expect.stringMatching(/^\d+$/) as unknown } },
    });
    const form = new URLSearchParams(refresh?.requestBody);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('claims')).toBe(claims);
    const [renewed] = await cachedAccessTokens(home.cachePath);
    expect(renewed).not.toBe(cached);
    expect(challenged?.requestHeaders.authorization).toBe(`Bearer ${cached}`);
    expect(retried?.requestHeaders.authorization).toBe(`Bearer ${renewed}`);
    expect(JSON.parse(result.out)).toMatchObject({ preferred_username: USER.username });
    expect(result.err).toBe('The API asked for new claims (claims challenge); renewing the token and retrying once.\n');
  });

  it('the renewed token challenged as well (revoked again meanwhile): no second retry, exit 7', async () => {
    server.clock.advance(1000);
    await revokeAccessTokens();
    // Right after the server issued the renewed token, and before the CLI gets it: revoke again.
    proxy.onAnswer(async (exchange) => {
      if (new URLSearchParams(exchange.requestBody).get('grant_type') === 'refresh_token') await revokeAccessTokens();
    });
    let result;
    try {
      result = await callApi();
    } finally {
      proxy.onAnswer(undefined);
    }
    expect(result.seen.map((e) => `${e.method} ${e.path} ${e.status}`)).toStrictEqual([
      'GET /api/me 401',
      'POST /contoso/oauth2/v2.0/token 200',
      'GET /api/me 401',
    ]);
    expect(new URLSearchParams(result.seen[1]?.requestBody).get('claims')).toBe(challengedClaims(result.seen[0]));
    expect(result.exit).toBe(EXIT.httpClientError);
    expect(JSON.parse(result.out)).toStrictEqual({ error: 'insufficient_claims' });
    expect(result.err).toBe(
      'The API asked for new claims (claims challenge); renewing the token and retrying once.\n' +
        'HTTP 401 Unauthorized\n',
    );
  });
});
