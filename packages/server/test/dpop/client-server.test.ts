/**
 * Our client against our server with DPoP required (RFC 9449), over real HTTP: the sign-in binds
 * the tokens to the client's key, the demo API is called with proofs, and what a thief holding
 * copies of the tokens (but not the key) gets: nothing. Nonces rotate on the server and the
 * client follows without the caller noticing. One fake clock for both sides, so time can jump.
 */
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type FetchLike,
} from '@devicelogin/client';
import { DPOP_NONCE_PERIOD_SECONDS } from '../../src/dpop/nonces.js';
import { dpopKey } from '../support/dpop-key.js';
import { CLIENT_ID, USER, postForm, startTestServer, type TestServer } from '../support/test-server.js';

const SCOPES = ['openid', 'profile', 'offline_access', 'api://demo/read'];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A fetch that records the status of every token endpoint answer. */
function recording(): { fetch: FetchLike; tokenStatuses: number[] } {
  const tokenStatuses: number[] = [];
  return {
    tokenStatuses,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (new URL(input).pathname.endsWith('/oauth2/v2.0/token')) tokenStatuses.push(response.status);
      return response;
    },
  };
}

/** Signs in with DPoP against a server whose client must use it. */
async function signIn() {
  const s = (server = await startTestServer({ clients: [{ clientId: CLIENT_ID, name: 'CLI', dpopRequired: true }] }));
  const recorder = recording();
  const app = new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: `${s.url}/contoso`, provider: 'generic', dpop: true },
    system: { clock: s.clock, fetch: recorder.fetch },
  });
  const result = await app.acquireTokenByDeviceCode({
    scopes: SCOPES,
    onDeviceCode: (info) => s.approve(info.userCode),
  });
  return { s, app, result, recorder };
}

/** The account of a sign-in (there always is one with `openid`). */
function accountOf(result: AuthenticationResult): AccountInfo {
  if (result.account === undefined) throw new Error('no account in the result');
  return result.account;
}

/** The refresh token the client keeps in its cache (what malware reading the file would take). */
function cachedRefreshToken(app: PublicClientApplication): string {
  const cache = JSON.parse(app.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
  const [entry] = Object.values(cache.RefreshToken);
  if (entry === undefined) throw new Error('no refresh token cached');
  return entry.secret;
}

describe('our client and our server, DPoP required', () => {
  it('signs in with DPoP-bound tokens and calls the demo API with proofs', async () => {
    const { s, app, result } = await signIn();
    expect(result.tokenType).toBe('DPoP');
    const cnf = decodeJwt(result.accessToken)['cnf'] as { jkt: string };
    expect(cnf.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await app.fetchResource({ token: result, url: `${s.url}/api/me` });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ preferred_username: USER.username });
  });

  it('a stolen access token is refused without the key: as a bearer token and with a proof by another key', async () => {
    const { s, result } = await signIn();
    const token = result.accessToken;
    const asBearer = await fetch(`${s.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(asBearer.status).toBe(401);
    const thief = await dpopKey();
    const iat = Math.floor(s.clock.now() / 1000);
    const first = await fetch(`${s.url}/api/me`, {
      headers: {
        authorization: `DPoP ${token}`,
        dpop: await thief.proof({ htm: 'GET', htu: `${s.url}/api/me`, accessToken: token, iat }),
      },
    });
    const nonce = first.headers.get('dpop-nonce') ?? '';
    const withNonce = await fetch(`${s.url}/api/me`, {
      headers: {
        authorization: `DPoP ${token}`,
        dpop: await thief.proof({ htm: 'GET', htu: `${s.url}/api/me`, accessToken: token, iat, nonce }),
      },
    });
    expect(withNonce.status).toBe(401);
    expect(withNonce.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
  });

  it('a refresh token stolen from the cache is refused without the key; the client still refreshes', async () => {
    const { s, app, result } = await signIn();
    const stolen = cachedRefreshToken(app);
    const form = { grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: stolen };
    const bare = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, form);
    expect(bare.status).toBe(400);
    expect(bare.body['error']).toBe('invalid_grant'); // bound to a key: no proof, no token
    const thief = await dpopKey();
    const proof = (nonce?: string) =>
      thief.proof({
        htm: 'POST',
        htu: `${s.url}/contoso/oauth2/v2.0/token`,
        iat: Math.floor(s.clock.now() / 1000),
        ...(nonce === undefined ? {} : { nonce }),
      });
    const asked = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, form, { dpop: await proof() });
    const withThiefKey = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, form, {
      dpop: await proof(asked.headers.get('dpop-nonce') ?? ''),
    });
    expect(withThiefKey.status).toBe(400);
    expect(withThiefKey.body['error']).toBe('invalid_grant');
    const refreshed = await app.acquireTokenSilent({ account: accountOf(result), scopes: SCOPES, forceRefresh: true });
    expect(refreshed.tokenType).toBe('DPoP');
    expect(refreshed.accessToken).not.toBe(result.accessToken);
  });

  it("nonce rotation: after the server's nonce changes, the client's next refresh is retried once and the API call just works", async () => {
    const { s, app, result, recorder } = await signIn();
    s.clock.advance(2 * DPOP_NONCE_PERIOD_SECONDS * 1000);
    const before = recorder.tokenStatuses.length;
    const refreshed = await app.acquireTokenSilent({ account: accountOf(result), scopes: SCOPES, forceRefresh: true });
    expect(recorder.tokenStatuses.slice(before)).toEqual([400, 200]); // use_dpop_nonce, then tokens
    const me = await app.fetchResource({ token: refreshed, url: `${s.url}/api/me` });
    expect(me.status).toBe(200);
  });
});
