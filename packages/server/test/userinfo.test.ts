import { afterEach, describe, expect, it } from 'vitest';
import { WWWAuthenticateChallengeError, fetchUserInfo, skipSubjectCheck } from 'openid-client';
import { openidClientConfig, signIn } from './support/sign-in.js';
import { USER, startTestServer, type TestServer } from './support/test-server.js';

// OIDC Core §5.3 userinfo at /{tenant}/oidc/userinfo, over real HTTP.

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<TestServer> {
  return (server = await startTestServer());
}

const userinfo = (s: TestServer, token?: string, init: RequestInit = {}, tenant = 'contoso') =>
  fetch(`${s.url}/${tenant}/oidc/userinfo`, {
    ...init,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });

/** The signed-in test user as stored. */
const storedUser = async (s: TestServer) => (await s.context.store.findUser(USER.tenant, USER.username))!;

/** Expects a 401 with the RFC 6750 challenge; `error` is absent when no token was sent. */
async function expectChallenge(answer: Response, error?: string): Promise<void> {
  expect(answer.status).toBe(401);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  const challenge = answer.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer realm="/);
  if (error === undefined) expect(challenge).not.toContain('error=');
  else expect(challenge).toContain(`error="${error}"`);
  expect(await answer.json()).toEqual({ error: error ?? 'unauthorized' });
}

describe('userinfo endpoint', () => {
  it('GET and POST answer the signed-in user from the store, the id_token subject', async () => {
    const s = await start();
    const tokens = await signIn(s);
    const user = await storedUser(s);
    const idTokenSub = (
      JSON.parse(Buffer.from(tokens.id_token.split('.')[1]!, 'base64url').toString()) as {
        sub: string;
      }
    ).sub;
    for (const method of ['GET', 'POST']) {
      const answer = await userinfo(s, tokens.access_token, { method });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(await answer.json()).toEqual({
        sub: idTokenSub,
        name: USER.displayName,
        preferred_username: USER.username,
      });
    }
    expect(idTokenSub).toBe(user.id);
    // The claims are current: a renamed user is answered with the new name.
    await s.context.store.upsertUser({ ...user, displayName: 'Augusta Ada King' });
    expect(await (await userinfo(s, tokens.access_token)).json()).toMatchObject({ name: 'Augusta Ada King' });
  });

  it('a user disabled after sign-in: 401 invalid_token', async () => {
    const s = await start();
    const { access_token } = await signIn(s);
    await s.context.store.upsertUser({ ...(await storedUser(s)), disabled: true });
    await expectChallenge(await userinfo(s, access_token), 'invalid_token');
  });

  it('without a token: 401 with a challenge and no error code', async () => {
    const s = await start();
    await expectChallenge(await userinfo(s));
    await expectChallenge(await userinfo(s, undefined, { method: 'POST' }));
    const basic = await fetch(`${s.url}/contoso/oidc/userinfo`, { headers: { authorization: 'Basic eDp5' } });
    await expectChallenge(basic);
  });

  it('garbage, expired, id_tokens and tokens of another tenant: 401 invalid_token', async () => {
    const s = await start();
    const tokens = await signIn(s);
    await expectChallenge(await userinfo(s, 'garbage'), 'invalid_token');
    // The id_token's audience is the client, not the API.
    await expectChallenge(await userinfo(s, tokens.id_token), 'invalid_token');
    // The test user is contoso's: fabrikam's userinfo refuses it, common's accepts it.
    await expectChallenge(await userinfo(s, tokens.access_token, {}, 'fabrikam'), 'invalid_token');
    expect((await userinfo(s, tokens.access_token, {}, 'common')).status).toBe(200);
    s.clock.advance(3601 * 1000);
    await expectChallenge(await userinfo(s, tokens.access_token), 'invalid_token');
  });

  it('an unknown tenant path: 400 invalid_request', async () => {
    const s = await start();
    const { access_token } = await signIn(s);
    const answer = await userinfo(s, access_token, {}, 'nowhere');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('is published in the metadata', async () => {
    const s = await start();
    for (const tenant of ['contoso', 'common']) {
      const answer = await fetch(`${s.url}/${tenant}/v2.0/.well-known/openid-configuration`);
      expect(await answer.json()).toMatchObject({ userinfo_endpoint: `${s.url}/${tenant}/oidc/userinfo` });
    }
  });
});

describe('openid-client 6.9.0 fetchUserInfo', () => {
  it('gets the claims with the expected subject; a disabled user is a WWW-Authenticate challenge', async () => {
    const s = await start();
    const config = await openidClientConfig(s);
    expect(config.serverMetadata().userinfo_endpoint).toBe(`${s.url}/contoso/oidc/userinfo`);
    const { access_token } = await signIn(s);
    const user = await storedUser(s);
    expect(await fetchUserInfo(config, access_token, user.id)).toEqual({
      sub: user.id,
      name: USER.displayName,
      preferred_username: USER.username,
    });
    await expect(fetchUserInfo(config, access_token, 'someone-else')).rejects.toMatchObject({
      code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
    });

    await s.context.store.upsertUser({ ...user, disabled: true });
    const failure = await fetchUserInfo(config, access_token, skipSubjectCheck).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WWWAuthenticateChallengeError);
    expect((failure as WWWAuthenticateChallengeError).cause[0]).toMatchObject({
      scheme: 'bearer',
      parameters: { error: 'invalid_token' },
    });
  });
});
