import { beforeEach, describe, expect, it } from 'vitest';
import { readBody, sendJson, startServer } from '@devicelogin/test-utils';
import { apiCommand } from '../../src/commands/api/api.js';
import { claimsChallenge } from '../../src/commands/api/challenge.js';
import { main } from '../../src/main.js';
import { EXIT } from '../../src/exit-codes.js';
import { useSignedInFixture } from '../support/signed-in-fixture.js';
import { testContext } from '../support/cli-env.js';
import { restoreCache, targetArgs, USER } from '../support/cli-server.js';

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

  it('a 401 with a claims challenge: a new token with those claims, one retry', async () => {
    const tokens: string[] = [];
    const claims = '{"access_token":{"xms_cc":{"values":["cp1"]}}}';
    const fake = await startServer((request, response) => {
      tokens.push(request.headers.authorization ?? '');
      if (tokens.length === 1) {
        const challenge = `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`;
        sendJson(response, 401, { error: 'insufficient_claims' }, { 'www-authenticate': challenge });
      } else sendJson(response, 200, { second: true });
    });
    try {
      fixture.server.clock.advance(1000); // a new token differs from the cached one (another iat)
      const result = await api(`${fake.url}/cae`);
      expect(result).toMatchObject({ exit: EXIT.ok, out: '{"second":true}\n' });
      expect(result.err).toContain('claims challenge');
      expect(tokens).toHaveLength(2);
      expect(tokens[1]).not.toBe(tokens[0]);
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
