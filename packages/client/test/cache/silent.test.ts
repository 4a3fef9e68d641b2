import { describe, expect, it } from 'vitest';
import { assertNoSecretsIn, describeErrorFully, fakeClock, type FakeClock } from '@devicelogin/test-utils';
import { InteractionRequiredError, type PublicClientApplication, type AuthenticationResult } from '@devicelogin/client';
import {
  errorReply,
  genericApp,
  useFakeProvider,
  type Call,
  type FakeProvider,
  type Reply,
} from '../support/fake-provider.js';

const CLIENT_ID = 'client-silent';

const start = useFakeProvider();

interface Harness {
  readonly app: PublicClientApplication;
  readonly clock: FakeClock;
  readonly provider: FakeProvider;
  readonly refreshCalls: Call[];
  readonly signIn: () => Promise<AuthenticationResult>;
}

/**
 * A provider that signs in at once (device code grant) and answers refresh grants with
 * `onRefresh`; each issued token pair is numbered so rotation is visible.
 */
async function harness(
  onRefresh: (call: Call, n: number) => Reply | undefined | Promise<Reply | undefined> = () => undefined,
  extra: Record<string, unknown> = {},
): Promise<Harness> {
  const clock = fakeClock();
  let issued = 0;
  const refreshCalls: Call[] = [];
  const tokens = async (p: FakeProvider): Promise<Reply> => {
    issued += 1;
    return {
      json: {
        access_token: `AT-${issued}-secret-access-token`,
        refresh_token: `RT-${issued}-secret-refresh-token`,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'api.read api.write',
        id_token: await p.idToken(
          { sub: 'user-1', aud: CLIENT_ID, preferred_username: 'ada@example.com', tid: 'tenant-1' },
          clock.now() / 1000,
        ),
        ...extra,
      },
    };
  };
  const provider = await start({
    token: async (call, p) => {
      if (call.form['grant_type'] === 'refresh_token') {
        refreshCalls.push(call);
        return (await onRefresh(call, refreshCalls.length)) ?? tokens(p);
      }
      return tokens(p);
    },
  });
  const app = genericApp(provider, CLIENT_ID, clock);
  return {
    app,
    clock,
    provider,
    refreshCalls,
    signIn: () => app.acquireTokenByDeviceCode({ scopes: ['api.read', 'api.write'], onDeviceCode: () => undefined }),
  };
}

describe('acquireTokenSilent', () => {
  it('serves the cached token while it is valid, for the same or a subset of scopes', async () => {
    const h = await harness();
    const signedIn = await h.signIn();
    const account = signedIn.account!;
    const hit = await h.app.acquireTokenSilent({ account, scopes: ['api.read'] });
    expect(hit.fromCache).toBe(true);
    expect(hit.accessToken).toBe(signedIn.accessToken);
    expect(hit.account).toEqual(account);
    expect(hit.idTokenClaims?.['preferred_username']).toBe('ada@example.com');
    expect(h.refreshCalls).toHaveLength(0);
  });

  it('refreshes within the 300 s buffer, saves the rotated refresh token and serves the new token', async () => {
    const h = await harness();
    const account = (await h.signIn()).account!;
    h.clock.advance((3600 - 299) * 1000);
    const refreshed = await h.app.acquireTokenSilent({ account, scopes: ['api.read'] });
    expect(refreshed.fromCache).toBe(false);
    expect(refreshed.accessToken).toBe('AT-2-secret-access-token');
    expect(h.refreshCalls[0]!.form).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'RT-1-secret-refresh-token',
      client_id: CLIENT_ID,
    });
    // the rotated refresh token is the one used next
    await h.app.acquireTokenSilent({ account, scopes: ['api.read'], forceRefresh: true });
    expect(h.refreshCalls[1]!.form['refresh_token']).toBe('RT-2-secret-refresh-token');
    const cache = JSON.parse(h.app.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
    expect(Object.values(cache.RefreshToken).map((rt) => rt.secret)).toEqual(['RT-3-secret-refresh-token']);
  });

  it('the buffer is configurable', async () => {
    const h = await harness();
    const account = (await h.signIn()).account!;
    const app = genericApp(h.provider, CLIENT_ID, h.clock, { cache: { expiryBufferSeconds: 0 } });
    app.getTokenCache().deserialize(h.app.getTokenCache().serialize());
    h.clock.advance((3600 - 10) * 1000);
    expect((await app.acquireTokenSilent({ account, scopes: ['api.read'] })).fromCache).toBe(true);
    expect((await h.app.acquireTokenSilent({ account, scopes: ['api.read'] })).fromCache).toBe(false);
  });

  it('past refresh_on it refreshes, and falls back to the cached token when the refresh fails', async () => {
    const h = await harness((_call, n) => (n === 1 ? { status: 503, text: 'down' } : undefined), { refresh_in: 1800 });
    const signedIn = await h.signIn();
    h.clock.advance(1801 * 1000);
    const fallback = await h.app.acquireTokenSilent({ account: signedIn.account!, scopes: ['api.read'] });
    expect(h.refreshCalls).toHaveLength(1);
    expect(fallback.fromCache).toBe(true);
    expect(fallback.accessToken).toBe(signedIn.accessToken);
    const refreshed = await h.app.acquireTokenSilent({ account: signedIn.account!, scopes: ['api.read'] });
    expect(refreshed.fromCache).toBe(false);
    expect(refreshed.accessToken).toBe('AT-2-secret-access-token');
  });

  it('forceRefresh and non-empty claims bypass the cache; the claims are sent', async () => {
    const h = await harness();
    const account = (await h.signIn()).account!;
    expect((await h.app.acquireTokenSilent({ account, scopes: ['api.read'], forceRefresh: true })).fromCache).toBe(
      false,
    );
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
    expect((await h.app.acquireTokenSilent({ account, scopes: ['api.read'], claims })).fromCache).toBe(false);
    expect(h.refreshCalls[1]!.form['claims']).toBe(claims);
    // empty claims do not bypass
    expect((await h.app.acquireTokenSilent({ account, scopes: ['api.read'], claims: '{}' })).fromCache).toBe(true);
  });

  it('a scope not covered by the cached token is requested with the refresh token', async () => {
    const h = await harness();
    const account = (await h.signIn()).account!;
    const result = await h.app.acquireTokenSilent({ account, scopes: ['other.scope'] });
    expect(result.fromCache).toBe(false);
    expect(h.refreshCalls[0]!.form['scope']).toBe('other.scope');
  });

  it('invalid_grant removes the dead refresh token and raises InteractionRequiredError, without secrets', async () => {
    const h = await harness(() =>
      errorReply('invalid_grant', {
        error_description: 'AADSTS70008: expired',
        suberror: 'bad_token',
        error_codes: [70008],
      }),
    );
    const account = (await h.signIn()).account!;
    const error = await h.app
      .acquireTokenSilent({ account, scopes: ['api.read'], forceRefresh: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredError);
    expect((error as InteractionRequiredError).server?.suberror).toBe('bad_token');
    assertNoSecretsIn(describeErrorFully(error), ['RT-1-secret-refresh-token', 'AT-1-secret-access-token']);
    const cache = JSON.parse(h.app.getTokenCache().serialize()) as { RefreshToken: Record<string, unknown> };
    expect(Object.keys(cache.RefreshToken)).toEqual([]);
    // no refresh token left: interaction required without a request
    const again = await h.app
      .acquireTokenSilent({ account, scopes: ['api.read'], forceRefresh: true })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(InteractionRequiredError);
    expect(h.refreshCalls).toHaveLength(1);
  });

  it('invalid_grant with suberror client_mismatch is not interaction required and keeps the token', async () => {
    const h = await harness(() => errorReply('invalid_grant', { suberror: 'client_mismatch' }));
    const account = (await h.signIn()).account!;
    const error = await h.app
      .acquireTokenSilent({ account, scopes: ['api.read'], forceRefresh: true })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(InteractionRequiredError);
    const cache = JSON.parse(h.app.getTokenCache().serialize()) as { RefreshToken: Record<string, unknown> };
    expect(Object.keys(cache.RefreshToken)).toHaveLength(1);
  });

  it('a network failure with a still-valid token (inside the buffer) serves that token', async () => {
    const h = await harness(() => ({ reset: true }));
    const signedIn = await h.signIn();
    h.clock.advance((3600 - 100) * 1000);
    const result = await h.app.acquireTokenSilent({ account: signedIn.account!, scopes: ['api.read'] });
    expect(result.fromCache).toBe(true);
    expect(result.accessToken).toBe(signedIn.accessToken);
    h.clock.advance(200 * 1000);
    await expect(h.app.acquireTokenSilent({ account: signedIn.account!, scopes: ['api.read'] })).rejects.toMatchObject({
      code: 'network_error',
    });
  });

  it('forceRefresh never falls back to the cached token it was asked to bypass', async () => {
    const h = await harness(() => ({ status: 503, text: 'down' }));
    const account = (await h.signIn()).account!;
    await expect(h.app.acquireTokenSilent({ account, scopes: ['api.read'], forceRefresh: true })).rejects.toMatchObject(
      {
        code: 'server_error',
        status: 503,
      },
    );
  });

  it('an already-aborted signal starts no request', async () => {
    const h = await harness();
    const account = (await h.signIn()).account!;
    await expect(
      h.app.acquireTokenSilent({ account, scopes: ['api.read'], forceRefresh: true, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(h.refreshCalls).toHaveLength(0);
  });

  it('an unknown account is interaction required', async () => {
    const h = await harness();
    const account = (await h.signIn()).account!;
    await expect(
      h.app.acquireTokenSilent({ account: { ...account, homeAccountId: 'someone-else' }, scopes: ['api.read'] }),
    ).rejects.toBeInstanceOf(InteractionRequiredError);
  });

  it('identical concurrent calls share one refresh request', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await harness(async () => {
      await gate;
      return undefined;
    });
    const account = (await h.signIn()).account!;
    const calls = [1, 2, 3].map(() => h.app.acquireTokenSilent({ account, scopes: ['api.read'], forceRefresh: true }));
    // let the first request reach the server before releasing it
    await expect.poll(() => h.refreshCalls.length).toBe(1);
    release();
    const results = await Promise.all(calls);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    expect(h.refreshCalls).toHaveLength(1);
  });
});

describe('accounts', () => {
  it('lists, finds by home id or username, and removes accounts with their tokens', async () => {
    const h = await harness();
    const account = (await h.signIn()).account!;
    expect(await h.app.getAccounts()).toEqual([account]);
    expect(await h.app.getAccount({ username: 'ADA@example.com' })).toEqual(account);
    expect(await h.app.getAccount({ homeAccountId: account.homeAccountId })).toEqual(account);
    expect(JSON.parse(JSON.stringify(account))).toEqual(account);
    await h.app.removeAccount(account);
    expect(await h.app.getAccounts()).toEqual([]);
    const cache = JSON.parse(h.app.getTokenCache().serialize()) as Record<string, Record<string, unknown>>;
    expect(
      [cache['AccessToken'], cache['RefreshToken'], cache['IdToken']].map((s) => Object.keys(s ?? {}).length),
    ).toEqual([0, 0, 0]);
    await expect(h.app.acquireTokenSilent({ account, scopes: ['api.read'] })).rejects.toBeInstanceOf(
      InteractionRequiredError,
    );
  });
});
