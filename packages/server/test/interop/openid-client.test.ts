import { afterEach, describe, expect, it } from 'vitest';
import {
  ResponseBodyError,
  None,
  allowInsecureRequests,
  customFetch,
  discovery,
  enableNonRepudiationChecks,
  fetchProtectedResource,
  getDPoPHandle,
  initiateDeviceAuthorization,
  randomDPoPKeyPair,
  pollDeviceAuthorizationGrant,
  refreshTokenGrant,
  type Configuration,
} from 'openid-client';
import { calculateJwkThumbprint, decodeJwt, exportJWK } from 'jose';
import { tenantId } from '@devicelogin/server';
import type { ClientConfig } from '../../src/config/defaults.js';
import { sha256 } from '../../src/crypto.js';
import { CLIENT_ID, USER, startTestServer, type TestServer } from '../support/test-server.js';

// The real, unmodified openid-client 6.9.0 (panva; RFC 8628 by the book) against our server over
// plain http on 127.0.0.1. openid-client waits `interval` seconds before every poll, in real
// time: the server advertises 1 s and the user answers before polling starts, so each sign-in
// costs one wait and one poll. The user answers through the real verification pages over HTTP
// (code entry, sign-in with the password, Allow or Deny) with a cookie jar.

const SCOPE = 'openid profile offline_access api://demo/read';

/** A request openid-client sent (through its documented `customFetch` hook). */
interface Sent {
  readonly method: string;
  readonly path: string;
  readonly form: URLSearchParams;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Starts a server and configures openid-client from its contoso discovery document. */
async function start(
  clients?: readonly ClientConfig[],
): Promise<{ s: TestServer; config: Configuration; sent: Sent[] }> {
  const s = (server = await startTestServer({ pollIntervalSeconds: 1, ...(clients === undefined ? {} : { clients }) }));
  const config = await discovery(new URL(`${s.url}/contoso`), CLIENT_ID, undefined, None(), {
    execute: [allowInsecureRequests],
  });
  // Verify id_token signatures against the server's jwks_uri too (off by default).
  enableNonRepudiationChecks(config);
  const sent: Sent[] = [];
  config[customFetch] = (url, options) => {
    const { body, ...rest } = options;
    const form = new URLSearchParams(body instanceof URLSearchParams || typeof body === 'string' ? body : '');
    sent.push({ method: options.method, path: new URL(url).pathname, form });
    return fetch(url, { ...rest, ...(body === undefined ? {} : { body }) });
  };
  return { s, config, sent };
}

describe('openid-client 6.9.0 against the server', () => {
  it('discovers, signs in with the device code, refreshes with rotation; reuse of the old token fails', async () => {
    const { s, config, sent } = await start();
    const issuer = `${s.url}/contoso`;
    expect(config.serverMetadata()).toMatchObject({
      issuer,
      device_authorization_endpoint: `${issuer}/oauth2/v2.0/devicecode`,
      token_endpoint: `${issuer}/oauth2/v2.0/token`,
    });

    const device = await initiateDeviceAuthorization(config, { scope: SCOPE });
    expect(device).toMatchObject({ interval: 1, expires_in: 900, verification_uri: `${s.url}/device` });
    await s.signInAndApprove(device.user_code);
    const tokens = await pollDeviceAuthorizationGrant(config, device);

    const polls = sent.filter((r) => r.path === '/contoso/oauth2/v2.0/token');
    expect(polls).toHaveLength(1);
    expect(polls[0]?.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:device_code');
    const user = await s.context.store.findUser(USER.tenant, USER.username);
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: SCOPE });
    // claims() are the id_token's, validated by openid-client (iss, aud, exp, iat, signature).
    expect(tokens.claims()).toMatchObject({
      iss: issuer,
      aud: CLIENT_ID,
      sub: user!.id,
      oid: user!.id,
      tid: tenantId('contoso'),
      preferred_username: USER.username,
      name: USER.displayName,
    });
    // The JWKS was fetched to check the signature.
    expect(sent.some((r) => r.method === 'GET' && r.path === '/contoso/discovery/v2.0/keys')).toBe(true);
    const rt1 = tokens.refresh_token!;
    expect(typeof rt1).toBe('string');

    const refreshed = await refreshTokenGrant(config, rt1);
    const rt2 = refreshed.refresh_token!;
    expect(typeof rt2).toBe('string');
    expect(rt2).not.toBe(rt1);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.id_token).toBeDefined();
    expect(refreshed.claims()).toMatchObject({ iss: issuer, aud: CLIENT_ID, sub: user!.id });
    expect((await s.context.store.findRefreshToken(sha256(rt1)))?.rotatedAt).toBe(s.clock.now());
    expect(await s.context.store.findRefreshToken(sha256(rt2))).toMatchObject({
      rotatedAt: undefined,
      revokedAt: undefined,
      scope: SCOPE,
    });

    // Reuse of the rotated token: invalid_grant, and the whole family is revoked (rt2 included).
    const reuse = await refreshTokenGrant(config, rt1).catch((e: unknown) => e);
    expect(reuse).toBeInstanceOf(ResponseBodyError);
    expect(reuse).toMatchObject({ error: 'invalid_grant', status: 400 });
    expect((await s.context.store.findRefreshToken(sha256(rt2)))?.revokedAt).toBe(s.clock.now());
    await expect(refreshTokenGrant(config, rt2)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a declined sign-in ends polling with access_denied', async () => {
    const { s, config, sent } = await start();
    const device = await initiateDeviceAuthorization(config, { scope: SCOPE });
    await s.signInAndDeny(device.user_code);
    const failure = await pollDeviceAuthorizationGrant(config, device).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResponseBodyError);
    expect(failure).toMatchObject({ error: 'access_denied', status: 400 });
    expect(sent.filter((r) => r.path === '/contoso/oauth2/v2.0/token')).toHaveLength(1);
  });

  it('with DPoP (its own key and nonce handling): bound tokens, bound refresh, the demo API, a thief refused', async () => {
    const { s, config, sent } = await start([{ clientId: CLIENT_ID, name: 'Contoso CLI', dpopRequired: true }]);
    const keyPair = await randomDPoPKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    const DPoP = getDPoPHandle(config, keyPair);
    const device = await initiateDeviceAuthorization(config, { scope: SCOPE });
    await s.signInAndApprove(device.user_code);
    // The first poll is answered use_dpop_nonce; openid-client retries once with the nonce.
    const tokens = await pollDeviceAuthorizationGrant(config, device, undefined, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token)['cnf']).toStrictEqual({ jkt });
    const polls = sent.filter((r) => r.path === '/contoso/oauth2/v2.0/token');
    expect(polls).toHaveLength(2);
    expect((await s.context.store.findRefreshToken(sha256(tokens.refresh_token!)))?.dpopJkt).toBe(jkt);

    const refreshed = await refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    expect(refreshed.token_type).toBe('dpop');
    expect(decodeJwt(refreshed.access_token)['cnf']).toStrictEqual({ jkt });

    // The demo API through openid-client's own DPoP resource request (use_dpop_nonce retried).
    const me = await fetchProtectedResource(
      config,
      refreshed.access_token,
      new URL(`${s.url}/api/me`),
      'GET',
      undefined,
      undefined,
      { DPoP },
    );
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ preferred_username: USER.username });

    // The same refresh token with another key: refused, and the owner's key still works.
    const thief = getDPoPHandle(config, await randomDPoPKeyPair('ES256'));
    await expect(refreshTokenGrant(config, refreshed.refresh_token!, undefined, { DPoP: thief })).rejects.toMatchObject(
      {
        error: 'invalid_grant',
      },
    );
    const again = await refreshTokenGrant(config, refreshed.refresh_token!, undefined, { DPoP });
    expect(again.token_type).toBe('dpop');
  });
});
