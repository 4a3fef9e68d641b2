/**
 * Per-client policy at the OAuth endpoints, over real HTTP: device grant on/off (at issuance, at
 * redemption, at refresh), scope limits, deep links, and shorter token lifetimes for the tokens a
 * client gets through the device code grant and the refreshes of those sessions.
 */
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientConfig, ServerConfig } from '../src/config/defaults.js';
import { sha256 } from '../src/crypto.js';
import type { ClientRecord } from '../src/store/store.js';
import { CLIENT_ID, postForm, startTestServer, type TestServer } from './support/test-server.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const SCOPE = 'openid profile offline_access api://demo/read';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(clients: readonly ClientConfig[], config: Partial<ServerConfig> = {}): Promise<TestServer> {
  server = await startTestServer({ clients: [{ clientId: CLIENT_ID, name: 'Contoso CLI' }, ...clients], ...config });
  return server;
}

const requestCode = (s: TestServer, clientId: string, scope = SCOPE) =>
  postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: clientId, scope });

const poll = (s: TestServer, clientId: string, deviceCode: string) =>
  postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
    grant_type: DEVICE_GRANT,
    client_id: clientId,
    device_code: deviceCode,
  });

const refresh = (s: TestServer, clientId: string, refreshToken: string) =>
  postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
    grant_type: 'refresh_token',
    client_id: clientId,
    refresh_token: refreshToken,
  });

/** Requests a code and approves it in the store; returns the device code. */
async function approvedCode(s: TestServer, clientId: string, scope = SCOPE): Promise<{ deviceCode: string }> {
  const issued = await requestCode(s, clientId, scope);
  expect(issued.status).toBe(200);
  await s.approve(String(issued.body['user_code']));
  return { deviceCode: String(issued.body['device_code']) };
}

/** A device code sign-in to its tokens. */
async function signIn(s: TestServer, clientId: string, scope = SCOPE): Promise<Record<string, unknown>> {
  const { deviceCode } = await approvedCode(s, clientId, scope);
  const tokens = await poll(s, clientId, deviceCode);
  expect(tokens.status).toBe(200);
  return tokens.body;
}

/** Changes a client's stored record, as `devicelogin-admin clients set` does. */
async function changeClient(s: TestServer, clientId: string, change: Partial<ClientRecord>): Promise<void> {
  const client = await s.context.store.findClient(clientId);
  if (client === undefined) throw new Error(`no client ${clientId}`);
  await s.context.store.upsertClient({ ...client, ...change });
}

/** `exp` − `iat` of a JWT. */
function jwtLifetime(token: unknown): number {
  const claims = decodeJwt(String(token));
  return Number(claims.exp) - Number(claims.iat);
}

describe('per-client policy: device grant', () => {
  it('off: the device authorization endpoint answers unauthorized_client', async () => {
    const s = await start([{ clientId: 'off', name: 'Off', deviceGrantEnabled: false }]);
    const refused = await requestCode(s, 'off');
    expect(refused.status).toBe(400);
    expect(refused.body).toStrictEqual({
      error: 'unauthorized_client',
      error_description: 'The device code flow is disabled for this application.',
    });
    expect((await requestCode(s, CLIENT_ID)).status).toBe(200);
  });

  it('off, Entra dialect: unauthorized_client with AADSTS7000218', async () => {
    const s = await start([{ clientId: 'off', name: 'Off', deviceGrantEnabled: false }], { errorDialect: 'entra' });
    const refused = await requestCode(s, 'off');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'unauthorized_client', error_codes: [7000218] });
    expect(refused.body['error_description']).toMatch(/^AADSTS7000218: The device code flow is disabled/);
  });

  it('switched off after the code was approved: the pick-up gets no tokens and the code is not consumed', async () => {
    const s = await start([]);
    const { deviceCode } = await approvedCode(s, CLIENT_ID);
    await changeClient(s, CLIENT_ID, { deviceGrantEnabled: false });
    const refused = await poll(s, CLIENT_ID, deviceCode);
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toBe('unauthorized_client');
    expect(refused.body).not.toHaveProperty('access_token');
    expect((await s.context.store.findDeviceCodeByHash(sha256(deviceCode)))?.status).toBe('approved');
    // The policy is read at pick-up, so switching it back on within the code's life lets it through.
    await changeClient(s, CLIENT_ID, { deviceGrantEnabled: true });
    expect((await poll(s, CLIENT_ID, deviceCode)).status).toBe(200);
  });

  it('switched off: refreshing a session it started is refused, and the refresh token is not rotated', async () => {
    const s = await start([]);
    const tokens = await signIn(s, CLIENT_ID);
    const refreshToken = String(tokens['refresh_token']);
    await changeClient(s, CLIENT_ID, { deviceGrantEnabled: false });
    const refused = await refresh(s, CLIENT_ID, refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toBe('unauthorized_client');
    expect((await s.context.store.findRefreshToken(sha256(refreshToken)))?.rotatedAt).toBeUndefined();
    await changeClient(s, CLIENT_ID, { deviceGrantEnabled: true });
    expect((await refresh(s, CLIENT_ID, refreshToken)).status).toBe(200);
  });
});

describe('per-client policy: scopes', () => {
  const limited: ClientConfig = { clientId: 'limited', name: 'Limited', allowedScopes: ['api://demo/read'] };

  it('a scope outside allowedScopes is invalid_scope; openid, profile, email, offline_access always pass', async () => {
    const s = await start([limited]);
    expect((await requestCode(s, 'limited', 'openid profile email offline_access api://demo/read')).status).toBe(200);
    const refused = await requestCode(s, 'limited', 'openid api://demo/read api://demo/write');
    expect(refused.status).toBe(400);
    expect(refused.body).toStrictEqual({
      error: 'invalid_scope',
      error_description: "The scope 'api://demo/write' is not allowed for this application.",
    });
    // Without a limit, any scope goes.
    expect((await requestCode(s, CLIENT_ID, 'openid api://demo/write')).status).toBe(200);
  });

  it('Entra dialect: invalid_scope with AADSTS70011', async () => {
    const s = await start([limited], { errorDialect: 'entra' });
    const refused = await requestCode(s, 'limited', 'api://demo/write');
    expect(refused.body).toMatchObject({ error: 'invalid_scope', error_codes: [70011] });
    expect(refused.body['error_description']).toMatch(/^AADSTS70011: The scope 'api:\/\/demo\/write' is not allowed/);
  });

  it('narrowed after approval: the pick-up and the refresh are invalid_scope', async () => {
    const s = await start([]);
    const { deviceCode } = await approvedCode(s, CLIENT_ID, 'openid offline_access api://demo/write');
    const earlier = await signIn(s, CLIENT_ID, 'openid offline_access api://demo/write');
    await changeClient(s, CLIENT_ID, { allowedScopes: 'api://demo/read' });
    expect((await poll(s, CLIENT_ID, deviceCode)).body['error']).toBe('invalid_scope');
    expect((await refresh(s, CLIENT_ID, String(earlier['refresh_token']))).body['error']).toBe('invalid_scope');
  });
});

describe('per-client policy: deep links', () => {
  it('off: no verification_uri_complete; on: the link with the user code', async () => {
    const s = await start([{ clientId: 'nolink', name: 'No link', deepLinkEnabled: false }]);
    const off = await requestCode(s, 'nolink');
    expect(off.status).toBe(200);
    expect(off.body['verification_uri']).toBe(`${s.url}/device`);
    expect(off.body).not.toHaveProperty('verification_uri_complete');
    const on = await requestCode(s, CLIENT_ID);
    expect(on.body['verification_uri_complete']).toBe(`${s.url}/device?user_code=${String(on.body['user_code'])}`);
  });
});

describe('per-client policy: token lifetimes', () => {
  const short: ClientConfig = {
    clientId: 'short',
    name: 'Short',
    accessTokenLifetimeSeconds: 600,
    refreshTokenLifetimeSeconds: 86_400,
  };

  it("device-issued tokens get the client's lifetimes: expires_in, the JWTs' exp, the refresh token's expiry", async () => {
    const s = await start([short]);
    const issuedAt = s.clock.now();
    const tokens = await signIn(s, 'short');
    expect(tokens).toMatchObject({ expires_in: 600, ext_expires_in: 600 });
    expect(jwtLifetime(tokens['access_token'])).toBe(600);
    expect(jwtLifetime(tokens['id_token'])).toBe(600);
    const stored = await s.context.store.findRefreshToken(sha256(String(tokens['refresh_token'])));
    expect(stored?.expiresAt).toBe(issuedAt + 86_400_000);
    // Another client on the same server keeps the server's lifetimes.
    const other = await signIn(s, CLIENT_ID);
    expect(other['expires_in']).toBe(3600);
    expect(jwtLifetime(other['access_token'])).toBe(3600);
    expect((await s.context.store.findRefreshToken(sha256(String(other['refresh_token']))))?.expiresAt).toBe(
      issuedAt + 90 * 86_400_000,
    );
  });

  it('refreshes keep the shorter lifetimes; a refresh token dies after its own lifetime', async () => {
    const s = await start([short]);
    const first = await signIn(s, 'short');
    s.clock.advance(3_600_000);
    const refreshedAt = s.clock.now();
    const second = await refresh(s, 'short', String(first['refresh_token']));
    expect(second.status).toBe(200);
    expect(second.body['expires_in']).toBe(600);
    expect(jwtLifetime(second.body['access_token'])).toBe(600);
    const rotated = String(second.body['refresh_token']);
    expect((await s.context.store.findRefreshToken(sha256(rotated)))?.expiresAt).toBe(refreshedAt + 86_400_000);
    s.clock.advance(86_400_000);
    const expired = await refresh(s, 'short', rotated);
    expect(expired.body).toMatchObject({ error: 'invalid_grant', suberror: 'bad_token' });
  });

  it('a lifetime set after sign-in applies from the next refresh; one above the server default is capped', async () => {
    const s = await start([]);
    const first = await signIn(s, CLIENT_ID);
    expect(first['expires_in']).toBe(3600);
    await changeClient(s, CLIENT_ID, { accessTokenLifetimeSeconds: 900, refreshTokenLifetimeSeconds: 3600 });
    const now = s.clock.now();
    const second = await refresh(s, CLIENT_ID, String(first['refresh_token']));
    expect(second.body['expires_in']).toBe(900);
    const rotated = String(second.body['refresh_token']);
    expect((await s.context.store.findRefreshToken(sha256(rotated)))?.expiresAt).toBe(now + 3_600_000);
    // Written straight to the store past the checks: the server still never lengthens a lifetime.
    await changeClient(s, CLIENT_ID, { accessTokenLifetimeSeconds: 7200 });
    const third = await refresh(s, CLIENT_ID, rotated);
    expect(third.body['expires_in']).toBe(3600);
    expect(jwtLifetime(third.body['access_token'])).toBe(3600);
  });
});
