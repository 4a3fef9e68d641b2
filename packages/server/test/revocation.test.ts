import { afterEach, describe, expect, it } from 'vitest';
import { refreshTokenGrant, tokenRevocation } from 'openid-client';
import { sha256 } from '../src/crypto.js';
import { openidClientConfig, refresh, signIn, tokensOf } from './support/sign-in.js';
import { CLIENT_ID, startTestServer, type TestServer } from './support/test-server.js';

// RFC 7009 revocation at /{tenant}/oauth2/v2.0/revoke, over real HTTP.

const OTHER_CLIENT = 'other-app';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<TestServer> {
  return (server = await startTestServer({
    clients: [
      { clientId: CLIENT_ID, name: 'Contoso CLI' },
      { clientId: OTHER_CLIENT, name: 'Other' },
    ],
  }));
}

const revoke = (s: TestServer, form: Record<string, string>, tenant = 'contoso') =>
  fetch(`${s.url}/${tenant}/oauth2/v2.0/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

/** The stored revocation time of a refresh token. */
const revokedAt = async (s: TestServer, token: string) =>
  (await s.context.store.findRefreshToken(sha256(token)))?.revokedAt;

describe('revocation endpoint', () => {
  it('revoking a refresh token revokes its whole grant, access tokens included; other sign-ins are untouched', async () => {
    const s = await start();
    const first = await signIn(s);
    const rt1 = first.refresh_token;
    const rt2 = tokensOf(await refresh(s, rt1)).refresh_token;
    const rt3 = tokensOf(await refresh(s, rt2)).refresh_token;
    const other = await signIn(s);
    const otherSession = other.refresh_token;
    s.clock.advance(1000);
    const me = (accessToken: string) =>
      fetch(`${s.url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } }).then((r) => r.status);
    expect(await me(first.access_token)).toBe(200);

    // rt2 was already rotated: revoking it still ends the session, rt3 (its successor) included.
    const answer = await revoke(s, { token: rt2, token_type_hint: 'refresh_token', client_id: CLIENT_ID });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await answer.text()).toBe('');
    for (const token of [rt1, rt2, rt3]) expect(await revokedAt(s, token)).toBe(s.clock.now());
    expect((await refresh(s, rt3)).body).toMatchObject({ error: 'invalid_grant', suberror: 'bad_token' });

    // RFC 7009 §2.1: the grant's access tokens are refused at once by the APIs that check it.
    expect(await me(first.access_token)).toBe(401);

    expect(await revokedAt(s, otherSession)).toBeUndefined();
    expect(await me(other.access_token)).toBe(200);
    expect((await refresh(s, otherSession)).status).toBe(200);
  });

  it('ignores token_type_hint: a refresh token sent as access_token or an unknown hint is revoked', async () => {
    const s = await start();
    for (const hint of ['access_token', 'something_else']) {
      const rt = (await signIn(s)).refresh_token;
      expect((await revoke(s, { token: rt, token_type_hint: hint, client_id: CLIENT_ID })).status).toBe(200);
      expect(await revokedAt(s, rt)).toBe(s.clock.now());
    }
  });

  it('a refresh token of another client: 200 and no effect', async () => {
    const s = await start();
    const rt = (await signIn(s)).refresh_token;
    const answer = await revoke(s, { token: rt, client_id: OTHER_CLIENT });
    expect(answer.status).toBe(200);
    expect(await revokedAt(s, rt)).toBeUndefined();
    expect((await refresh(s, rt)).status).toBe(200);
  });

  it('garbage, unknown and access tokens: 200; an access token stays valid until it expires', async () => {
    const s = await start();
    const tokens = await signIn(s);
    for (const token of ['garbage', 'x'.repeat(2000), tokens.id_token]) {
      expect((await revoke(s, { token, client_id: CLIENT_ID })).status).toBe(200);
    }
    const answer = await revoke(s, {
      token: tokens.access_token,
      token_type_hint: 'access_token',
      client_id: CLIENT_ID,
    });
    expect(answer.status).toBe(200);
    // Self-contained JWT: not revocable. The API still accepts it, and the session lives on.
    const me = await fetch(`${s.url}/api/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
    expect(await revokedAt(s, tokens.refresh_token)).toBeUndefined();
  });

  it.each<[string, Record<string, string>, string]>([
    ['missing token', { client_id: CLIENT_ID }, 'invalid_request'],
    ['empty token', { token: '', client_id: CLIENT_ID }, 'invalid_request'],
    ['missing client_id', { token: 'garbage' }, 'invalid_request'],
    ['unknown client_id', { token: 'garbage', client_id: 'nobody' }, 'invalid_client'],
  ])('%s: 400 JSON %s', async (_name, form, error) => {
    const s = await start();
    const answer = await revoke(s, form);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/application\/json/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await answer.json()).toMatchObject({ error });
  });

  it('malformed bodies and unknown tenants: 400 invalid_request', async () => {
    const s = await start();
    const json = await fetch(`${s.url}/contoso/oauth2/v2.0/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'garbage', client_id: CLIENT_ID }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    const repeated = await fetch(`${s.url}/contoso/oauth2/v2.0/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=a&token=b&client_id=${CLIENT_ID}`,
    });
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toMatchObject({ error: 'invalid_request' });
    const tenant = await revoke(s, { token: 'garbage', client_id: CLIENT_ID }, 'nowhere');
    expect(tenant.status).toBe(400);
    expect(await tenant.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('is published in the metadata, for public clients', async () => {
    const s = await start();
    for (const tenant of ['contoso', 'common']) {
      const { body } = await getJson(`${s.url}/${tenant}/v2.0/.well-known/openid-configuration`);
      expect(body).toMatchObject({
        revocation_endpoint: `${s.url}/${tenant}/oauth2/v2.0/revoke`,
        revocation_endpoint_auth_methods_supported: ['none'],
      });
    }
  });
});

describe('openid-client 6.9.0 tokenRevocation', () => {
  it('revokes a refresh token: the next refresh is invalid_grant', async () => {
    const s = await start();
    const config = await openidClientConfig(s);
    expect(config.serverMetadata().revocation_endpoint).toBe(`${s.url}/contoso/oauth2/v2.0/revoke`);
    const rt = (await signIn(s)).refresh_token;
    await expect(tokenRevocation(config, rt)).resolves.toBeUndefined();
    expect(await revokedAt(s, rt)).toBe(s.clock.now());
    await expect(refreshTokenGrant(config, rt)).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
    // Revoking again, or revoking garbage, is still a success.
    await expect(tokenRevocation(config, rt)).resolves.toBeUndefined();
    await expect(tokenRevocation(config, 'garbage', { token_type_hint: 'access_token' })).resolves.toBeUndefined();
  });
});

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
