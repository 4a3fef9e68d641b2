import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from '@devicelogin/test-utils';
import {
  InteractionRequiredError,
  PublicClientApplication,
  type AuthenticationResult,
  type DeviceCodeInfo,
} from '@devicelogin/client';
import { startOidcProvider, DEFAULT_ACCOUNT, type OidcProviderServer } from './support/oidc-provider-server.js';
import { cacheDocument, otherP256Key, verifyProof } from '../support/dpop.js';

// Our client with auth.dpop against the real node-oidc-provider 9.13.3 (features.dPoP): the
// device flow and a silent refresh give tokens bound to our key, as the provider's own models
// record it; its userinfo endpoint, a resource server that checks DPoP proofs itself, accepts
// ours; and a refresh signed with another key is refused (public clients' refresh tokens are
// bound, lib/helpers/set_rt_bindings.js).

const SCOPES = ['openid', 'profile', 'offline_access'];

let server: OidcProviderServer | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  await running?.close();
  expect(running?.serverErrors ?? []).toEqual([]);
});

/** node-oidc-provider checks `iat` against real time: the fake clock starts at the real now. */
function dpopClient(provider: OidcProviderServer): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: provider.clientId, authority: provider.issuer, provider: 'generic', dpop: true },
    system: { clock: fakeClock(Date.now()) },
  });
}

/** A device code sign-in the "user" approves right after the provider answered the first poll. */
async function signIn(provider: OidcProviderServer, app: PublicClientApplication): Promise<AuthenticationResult> {
  let info: DeviceCodeInfo | undefined;
  let approved = false;
  provider.setPollHooks({
    answered: async (poll) => {
      if (approved || info === undefined || poll.error !== 'authorization_pending') return;
      approved = true;
      await provider.approve(info.userCode);
    },
  });
  return app.acquireTokenByDeviceCode({ scopes: SCOPES, onDeviceCode: (i) => void (info = i) });
}

/** The key id (thumbprint) of the account's DPoP key, from our cache. */
function accountKeyId(app: PublicClientApplication): string {
  const [account] = Object.values(cacheDocument(app.getTokenCache().serialize()).Account);
  return String(account?.['dpop_key_id']);
}

describe('DPoP with node-oidc-provider', () => {
  it('device flow and silent refresh: DPoP tokens bound to our key; userinfo accepts our proofs', async () => {
    server = await startOidcProvider();
    const provider = server;
    const app = dpopClient(provider);
    const result = await signIn(provider, app);
    expect(result.tokenType).toBe('DPoP');
    expect(result.account?.username).toBe(DEFAULT_ACCOUNT.preferred_username);
    const keyId = accountKeyId(app);
    // every token request carried a proof of that key
    expect(provider.tokenProofs.length).toBeGreaterThanOrEqual(2);
    for (const proof of provider.tokenProofs) expect((await verifyProof(proof, Date.now())).thumbprint).toBe(keyId);
    // the provider bound both tokens to it (cnf.jkt)
    expect(await provider.bindingOf('AccessToken', result.accessToken)).toBe(keyId);
    expect(await provider.bindingOf('RefreshToken', result.refreshToken!)).toBe(keyId);

    const me = await app.fetchResource({ token: result, url: provider.metadata.userinfoEndpoint });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ sub: DEFAULT_ACCOUNT.sub });

    const refreshed = await app.acquireTokenSilent({ account: result.account!, scopes: SCOPES, forceRefresh: true });
    expect(refreshed).toMatchObject({ tokenType: 'DPoP', fromCache: false });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    expect(await provider.bindingOf('AccessToken', refreshed.accessToken)).toBe(keyId);
    expect(provider.polls.at(-1)).toMatchObject({ grantType: 'refresh_token', status: 200 });
    const again = await app.fetchResource({ token: refreshed, url: provider.metadata.userinfoEndpoint });
    expect(again.status).toBe(200);

    // and served from the cache afterwards, still a DPoP token
    expect(await app.acquireTokenSilent({ account: result.account!, scopes: SCOPES })).toMatchObject({
      fromCache: true,
      tokenType: 'DPoP',
      accessToken: refreshed.accessToken,
    });
  });

  it('a refresh signed with another key is refused: the refresh token is bound to ours', async () => {
    server = await startOidcProvider();
    const provider = server;
    const app = dpopClient(provider);
    const result = await signIn(provider, app);

    const doc = cacheDocument(app.getTokenCache().serialize());
    const other = await otherP256Key();
    for (const account of Object.values(doc.Account)) {
      account['dpop_key_id'] = other.thumbprint;
      account['dpop_private_jwk'] = other.jwk;
    }
    const thief = dpopClient(provider);
    thief.getTokenCache().deserialize(JSON.stringify(doc));
    const error = await thief
      .acquireTokenSilent({ account: result.account!, scopes: SCOPES, forceRefresh: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredError);
    expect((error as InteractionRequiredError).server).toMatchObject({
      error: 'invalid_grant',
      errorDescription: 'grant request is invalid',
    });
    expect(provider.polls.at(-1)).toMatchObject({ grantType: 'refresh_token', status: 400, error: 'invalid_grant' });
  });

  it('a provider that requires nonces: use_dpop_nonce is answered at once, at the token endpoint and at userinfo', async () => {
    server = await startOidcProvider({ dpop: { requireNonce: true } });
    const provider = server;
    const app = dpopClient(provider);
    const result = await signIn(provider, app);
    expect(result.tokenType).toBe('DPoP');
    // the first poll had no nonce: use_dpop_nonce, then the retry went through
    expect(provider.polls[0]).toMatchObject({ status: 400, error: 'use_dpop_nonce' });
    expect(provider.polls[1]?.error).not.toBe('use_dpop_nonce');
    const nonces = await Promise.all(
      provider.tokenProofs.map(async (p) => (await verifyProof(p, Date.now())).payload.nonce),
    );
    expect(nonces[0]).toBeUndefined();
    expect(nonces.slice(1).every((nonce) => typeof nonce === 'string')).toBe(true);
    expect(provider.polls.filter((poll) => poll.error === 'use_dpop_nonce')).toHaveLength(1);

    // userinfo is on the same origin: the nonce of the token endpoint is good there too
    const userinfo = `GET ${new URL(provider.metadata.userinfoEndpoint).pathname}`;
    const count = (): number => provider.requests.filter((r) => r === userinfo).length;
    const me = await app.fetchResource({ token: result, url: provider.metadata.userinfoEndpoint });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ sub: DEFAULT_ACCOUNT.sub });
    expect(count()).toBe(1);

    // another process (the same cache, no nonce yet): userinfo answers 401 use_dpop_nonce, one retry
    const other = dpopClient(provider);
    other.getTokenCache().deserialize(app.getTokenCache().serialize());
    const second = await other.fetchResource({ token: result, url: provider.metadata.userinfoEndpoint });
    expect(second.status).toBe(200);
    expect(count()).toBe(3);

    const refreshed = await app.acquireTokenSilent({ account: result.account!, scopes: SCOPES, forceRefresh: true });
    expect(await provider.bindingOf('AccessToken', refreshed.accessToken)).toBe(accountKeyId(app));
  });
});
