import { afterEach, describe, expect, it } from 'vitest';
import { PublicClientApplication } from '@devicelogin/client';
import { CLIENT_ID, USER, postForm, startTestServer, type TestServer } from './support/test-server.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  tenant = 'contoso',
): Promise<{ s: TestServer; deviceCode: string; userCode: string; body: Record<string, unknown> }> {
  const s = (server = await startTestServer());
  const { status, body } = await postForm(`${s.url}/${tenant}/oauth2/v2.0/devicecode`, {
    client_id: CLIENT_ID,
    scope: 'openid profile offline_access api://demo/read',
  });
  expect(status).toBe(200);
  return { s, deviceCode: String(body['device_code']), userCode: String(body['user_code']), body };
}

const poll = (s: TestServer, deviceCode: string, extra: Record<string, string> = {}) =>
  postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
    grant_type: DEVICE_GRANT,
    client_id: CLIENT_ID,
    device_code: deviceCode,
    ...extra,
  });

describe('device authorization response', () => {
  it('has 256-bit device code, base-20 grouped user code, interval, expiry, message and the deep link', async () => {
    const { s, deviceCode, userCode, body } = await start();
    expect(Buffer.from(deviceCode, 'base64url')).toHaveLength(32);
    expect(userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(body).toMatchObject({
      verification_uri: `${s.url}/device`,
      verification_uri_complete: `${s.url}/device?user_code=${userCode}`,
      expires_in: 900,
      interval: 5,
    });
    expect(body['message']).toContain(userCode);
  });

  it('localises the message with mkt or Accept-Language', async () => {
    const s = (server = await startTestServer());
    const { body } = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode?mkt=fr-FR`, {
      client_id: CLIENT_ID,
      scope: 'openid',
    });
    expect(body['message']).toMatch(/^Pour vous connecter/);
  });

  it('refuses unknown clients, a disabled device grant and unknown tenants with JSON errors', async () => {
    const s = (server = await startTestServer({
      clients: [{ clientId: 'off', name: 'Off', deviceGrantEnabled: false }],
    }));
    expect(
      (await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: 'nobody', scope: 'openid' })).body[
        'error'
      ],
    ).toBe('invalid_client');
    expect(
      (await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: 'off', scope: 'openid' })).body['error'],
    ).toBe('unauthorized_client');
    expect(
      (await postForm(`${s.url}/nowhere/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: 'openid' })).body[
        'error'
      ],
    ).toBe('invalid_request');
  });
});

describe('device code grant', () => {
  it('pending, slow_down on an early poll (and its reset), then tokens once approved', async () => {
    const { s, deviceCode, userCode } = await start();
    expect((await poll(s, deviceCode)).body['error']).toBe('authorization_pending');
    s.clock.advance(1000);
    expect((await poll(s, deviceCode)).body['error']).toBe('slow_down');
    s.clock.advance(10_000); // the raised interval is 10 s: compliant
    expect((await poll(s, deviceCode)).body['error']).toBe('authorization_pending');
    s.clock.advance(5000); // back to 5 s after compliance
    expect((await poll(s, deviceCode)).body['error']).toBe('authorization_pending');
    await s.approve(userCode);
    s.clock.advance(100); // the pick-up of an approved grant is never throttled
    const { status, body, headers } = await poll(s, deviceCode, { client_info: '1' });
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile offline_access api://demo/read',
    });
    expect(typeof body['refresh_token']).toBe('string');
    expect(JSON.parse(Buffer.from(String(body['client_info']), 'base64url').toString())).toHaveProperty('uid');
  });

  it('declined, expired and unknown codes', async () => {
    const { s, deviceCode, userCode } = await start();
    await s.deny(userCode);
    expect((await poll(s, deviceCode)).body['error']).toBe('access_denied');
    const other = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: 'openid' });
    s.clock.advance(900_001);
    expect((await poll(s, String(other.body['device_code']))).body['error']).toBe('expired_token');
    expect((await poll(s, 'not-a-code')).body['error']).toBe('invalid_grant');
    expect((await poll(s, deviceCode, { client_id: 'someone-else' })).body['error']).toBe('invalid_grant');
  });

  it('accepts MSAL grant_type=device_code; a replayed code revokes the refresh token it issued', async () => {
    const { s, deviceCode, userCode } = await start();
    await s.approve(userCode);
    const first = await poll(s, deviceCode, { grant_type: 'device_code' });
    expect(first.status).toBe(200);
    const replay = await poll(s, deviceCode);
    expect(replay.body['error']).toBe('invalid_grant');
    const refresh = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: String(first.body['refresh_token']),
    });
    expect(refresh.body).toMatchObject({ error: 'invalid_grant', suberror: 'bad_token' });
  });

  it('concurrent pick-ups of one approved code: exactly one gets tokens', async () => {
    const { s, deviceCode, userCode } = await start();
    await s.approve(userCode);
    const results = await Promise.all(Array.from({ length: 8 }, () => poll(s, deviceCode)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });
});

describe('refresh token grant', () => {
  it('rotates; reusing the old token revokes the whole family', async () => {
    const { s, deviceCode, userCode } = await start();
    await s.approve(userCode);
    const rt1 = String((await poll(s, deviceCode)).body['refresh_token']);
    const refresh = (token: string) =>
      postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
        grant_type: 'refresh_token',
        client_id: CLIENT_ID,
        refresh_token: token,
      });
    const second = await refresh(rt1);
    expect(second.status).toBe(200);
    const rt2 = String(second.body['refresh_token']);
    expect(rt2).not.toBe(rt1);
    expect((await refresh(rt1)).body).toMatchObject({ error: 'invalid_grant', suberror: 'bad_token' });
    // the reuse revoked the family: the current token is dead too
    expect((await refresh(rt2)).body).toMatchObject({ error: 'invalid_grant', suberror: 'bad_token' });
  });

  it('a refresh token presented by another client is client_mismatch', async () => {
    const s0 = await start();
    await s0.s.approve(s0.userCode);
    const rt = String((await poll(s0.s, s0.deviceCode)).body['refresh_token']);
    const answer = await postForm(`${s0.s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: 'other',
      refresh_token: rt,
    });
    expect(answer.body).toMatchObject({ error: 'invalid_grant', suberror: 'client_mismatch' });
  });
});

describe('malformed requests get a JSON error, never a 500', () => {
  it.each<[string, RequestInit]>([
    [
      'JSON body',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"refresh_token"}' },
    ],
    ['no body', { method: 'POST' }],
    ['broken JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }],
    [
      'repeated parameter',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=a&grant_type=b',
      },
    ],
    [
      'unknown grant',
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' },
    ],
    [
      'missing device_code',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=${encodeURIComponent(DEVICE_GRANT)}&client_id=x`,
      },
    ],
  ])('%s', async (_name, init) => {
    const s = (server = await startTestServer());
    const response = await fetch(`${s.url}/contoso/oauth2/v2.0/token`, init);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(typeof body['error']).toBe('string');
  });
});

describe('entra error dialect', () => {
  it('answers Entra-style bodies', async () => {
    const s = (server = await startTestServer({ errorDialect: 'entra' }));
    const { body } = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, {
      client_id: CLIENT_ID,
      scope: 'openid',
    });
    await s.deny(String(body['user_code']));
    const answer = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'device_code',
      client_id: CLIENT_ID,
      device_code: String(body['device_code']),
    });
    expect(answer.body).toMatchObject({ error: 'authorization_declined', error_codes: [70000] });
    expect(answer.body['error_description']).toMatch(/^AADSTS70000: /);
    expect(typeof answer.body['trace_id']).toBe('string');
    expect(typeof answer.body['correlation_id']).toBe('string');
  });
});

describe('our client end to end', () => {
  it('signs in through discovery, verifies the id_token, calls /api/me, refreshes silently', async () => {
    const s = (server = await startTestServer());
    const app = new PublicClientApplication({
      auth: { clientId: CLIENT_ID, authority: `${s.url}/contoso`, provider: 'generic' },
      system: { clock: s.clock },
    });
    const result = await app.acquireTokenByDeviceCode({
      scopes: ['openid', 'profile', 'offline_access', 'api://demo/read'],
      // The user answers through the real pages (code, sign-in, Allow) before the first poll.
      onDeviceCode: async (info) => {
        await s.signInAndApprove(info.userCode);
      },
    });
    expect(result.account).toMatchObject({ username: USER.username, name: USER.displayName });
    const me = await fetch(`${s.url}/api/me`, { headers: { authorization: `Bearer ${result.accessToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      preferred_username: USER.username,
      scp: 'api://demo/read',
      aud: 'api://demo',
    });
    const silent = await app.acquireTokenSilent({
      account: result.account!,
      scopes: ['api://demo/read'],
      forceRefresh: true,
    });
    expect(silent.fromCache).toBe(false);
    expect(silent.accessToken).not.toBe(result.accessToken);
    expect((await fetch(`${s.url}/api/me`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });
});
