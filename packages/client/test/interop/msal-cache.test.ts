import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PublicClientApplication as MsalPublicClientApplication,
  type AccountInfo as MsalAccountInfo,
  type AuthenticationResult as MsalAuthenticationResult,
  type ICachePlugin,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { fakeClock, tempDir, type FakeClock } from '@devicelogin/test-utils';
import { PublicClientApplication, type AuthenticationResult } from '@devicelogin/client';
import { useFakeProvider, type Call, type FakeProvider } from '../support/fake-provider.js';
import { clientInfo, entraDeviceReply, entraPaths } from '../support/entra.js';

// MSAL's unified token cache shared both ways with the real @azure/msal-node (PROTOCOL-NOTES §D).
// Both libraries sign in to https://login.microsoftonline.com/<tenant>; their HTTP goes to a fake
// Entra on 127.0.0.1 (our client through `system.fetch`, msal-node through its documented
// `system.networkClient` extension point) and msal-node gets its metadata from its configuration,
// so every request either library makes is seen (and counted) by the fake.

const LOGIN = 'https://login.microsoftonline.com';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const AUTHORITY = `${LOGIN}/${TENANT_ID}`;
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const SCOPES = ['User.Read'];

interface User {
  readonly oid: string;
  readonly username: string;
  readonly name: string;
}
const ADA: User = { oid: '00000000-0000-0000-66f3-3332eca7ea81', username: 'ada@contoso.com', name: 'Ada Lovelace' };
const GRACE: User = {
  oid: '00000000-0000-0000-1d2c-3b4a59687706',
  username: 'grace@contoso.com',
  name: 'Grace Hopper',
};
const homeAccountIdOf = (user: User): string => `${user.oid}.${TENANT_ID}`;

/** The tenant's openid-configuration, as Entra publishes it (given to msal-node as `authorityMetadata`). */
const OPENID_CONFIGURATION = {
  issuer: `${LOGIN}/${TENANT_ID}/v2.0`,
  authorization_endpoint: `${AUTHORITY}/oauth2/v2.0/authorize`,
  token_endpoint: `${AUTHORITY}/oauth2/v2.0/token`,
  device_authorization_endpoint: `${AUTHORITY}/oauth2/v2.0/devicecode`,
  end_session_endpoint: `${AUTHORITY}/oauth2/v2.0/logout`,
  jwks_uri: `${AUTHORITY}/discovery/v2.0/keys`,
  response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
  subject_types_supported: ['pairwise'],
  id_token_signing_alg_values_supported: ['RS256'],
};

/** Entra's instance discovery answer for the public cloud (given to msal-node as `cloudDiscoveryMetadata`). */
const INSTANCE_DISCOVERY = {
  tenant_discovery_endpoint: `${AUTHORITY}/v2.0/.well-known/openid-configuration`,
  'api-version': '1.1',
  metadata: [
    {
      preferred_network: 'login.microsoftonline.com',
      preferred_cache: 'login.windows.net',
      aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
    },
  ],
};

/** A cache document as both libraries write it; entries typed loosely to check unknown fields. */
interface CacheDocument {
  Account: Record<string, Record<string, unknown>>;
  IdToken: Record<string, Record<string, unknown>>;
  AccessToken: Record<string, Record<string, unknown>>;
  RefreshToken: Record<string, Record<string, unknown>>;
  AppMetadata: Record<string, Record<string, unknown>>;
  [section: string]: unknown;
}
const parse = (text: string): CacheDocument => JSON.parse(text) as CacheDocument;
const CREDENTIAL_SECTIONS = ['Account', 'IdToken', 'AccessToken', 'RefreshToken', 'AppMetadata'] as const;

/** Maps a login.microsoftonline.com URL onto the fake; any other host is a test failure. */
function toFake(url: string, fake: FakeProvider): string {
  if (!url.startsWith(`${LOGIN}/`)) throw new Error(`unexpected request outside ${LOGIN}: ${url}`);
  return fake.url + url.slice(LOGIN.length);
}

/** A fake Entra tenant: device code endpoint, token endpoint and JWKS under /{tenant}, no discovery. */
interface FakeEntra {
  readonly provider: FakeProvider;
  /** The user the next token response is for. */
  signInAs(user: User): void;
  /** URLs msal-node asked its network client for (before rewriting). */
  readonly msalRequests: string[];
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});
// registered last, so the providers close before the cleanups run
const startFake = useFakeProvider();

/**
 * Starts the fake Entra. Every token response is an Entra v2 success at once (the first poll
 * succeeds, so neither library waits): an id_token signed by the fake with the tenant's v2.0
 * issuer, client_info when asked, tokens numbered per issuance. `clock` dates the id_token.
 */
async function startEntra(clock: { now(): number } = Date): Promise<FakeEntra> {
  let user = ADA;
  let issued = 0;
  const msalRequests: string[] = [];
  const token = async (call: Call, p: FakeProvider) => {
    issued += 1;
    const idToken = await p.idToken(
      {
        iss: `${LOGIN}/${TENANT_ID}/v2.0`,
        aud: CLIENT_ID,
        tid: TENANT_ID,
        oid: user.oid,
        sub: `sub-of-${user.oid}`,
        preferred_username: user.username,
        name: user.name,
        ver: '2.0',
      },
      Math.floor(clock.now() / 1000),
    );
    return {
      json: {
        // Entra issues Bearer tokens; this fake binds them when asked with a DPoP proof.
        token_type: call.headers['dpop'] === undefined ? 'Bearer' : 'DPoP',
        scope: 'User.Read profile openid email',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: `AT-${issued}-for-${user.username}`,
        refresh_token: `RT-${issued}-for-${user.username}`,
        id_token: idToken,
        ...(call.form['client_info'] === '1' ? { client_info: clientInfo(user.oid, TENANT_ID) } : {}),
      },
    };
  };
  const provider = await startFake({
    paths: entraPaths(TENANT_ID),
    metadata: null,
    device: () => entraDeviceReply(),
    token,
  });
  return {
    provider,
    msalRequests,
    signInAs: (next) => {
      user = next;
    },
  };
}

/** msal-node's network client, forwarding to the fake with fetch (msal-node's documented extension point). */
function networkClientFor(entra: FakeEntra): INetworkModule {
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
  ): Promise<NetworkResponse<T>> => {
    entra.msalRequests.push(`${method} ${url}`);
    const response = await fetch(toFake(url, entra.provider), {
      method,
      headers: options?.headers ?? {},
      ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
    });
    return {
      headers: Object.fromEntries(response.headers),
      body: (await response.json()) as T,
      status: response.status,
    };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}

/** An unmodified msal-node public client for the tenant, with its metadata in the configuration. */
function msalApp(entra: FakeEntra, cachePlugin?: ICachePlugin): MsalPublicClientApplication {
  return new MsalPublicClientApplication({
    auth: {
      clientId: CLIENT_ID,
      authority: AUTHORITY,
      authorityMetadata: JSON.stringify(OPENID_CONFIGURATION),
      cloudDiscoveryMetadata: JSON.stringify(INSTANCE_DISCOVERY),
    },
    system: { networkClient: networkClientFor(entra) },
    ...(cachePlugin === undefined ? {} : { cache: { cachePlugin } }),
  });
}

async function msalSignIn(
  msal: MsalPublicClientApplication,
  entra: FakeEntra,
  user: User,
): Promise<MsalAuthenticationResult & { account: MsalAccountInfo }> {
  entra.signInAs(user);
  const result = await msal.acquireTokenByDeviceCode({ scopes: SCOPES, deviceCodeCallback: () => undefined });
  if (result?.account == null) throw new Error('msal-node returned no account');
  return { ...result, account: result.account };
}

/** Our client for the same tenant and client id, its HTTP sent to the fake. */
function ourApp(entra: FakeEntra, clock?: FakeClock, dpop = false): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: AUTHORITY, dpop },
    system: {
      fetch: (input, init) => fetch(toFake(input, entra.provider), init),
      ...(clock === undefined ? {} : { clock }),
    },
  });
}

async function ourSignIn(app: PublicClientApplication, entra: FakeEntra, user: User): Promise<AuthenticationResult> {
  entra.signInAs(user);
  return app.acquireTokenByDeviceCode({ scopes: SCOPES, onDeviceCode: () => undefined });
}

/**
 * A clock for our client a minute behind real time: its polling sleeps are instant, and what it
 * writes (`cached_at`) is never in msal-node's future (msal-node refreshes a token cached "after
 * now", taking it for a clock turned back).
 */
const clockBehindRealTime = (): FakeClock => fakeClock(Date.now() - 60_000);

describe('MSAL token cache interop with @azure/msal-node', () => {
  it('msal-node → us: we list the account msal-node signed in and serve its access token without a request', async () => {
    const entra = await startEntra();
    const msal = msalApp(entra);
    const signedIn = await msalSignIn(msal, entra, ADA);
    expect(signedIn.account.homeAccountId).toBe(homeAccountIdOf(ADA));
    // msal-node files the public cloud under instance discovery's preferred_cache
    expect(signedIn.account.environment).toBe('login.windows.net');
    expect(entra.msalRequests.map((r) => new URL(r.slice(r.indexOf(' ') + 1)).pathname)).toEqual([
      `/${TENANT_ID}/oauth2/v2.0/devicecode`,
      `/${TENANT_ID}/oauth2/v2.0/token`,
    ]);

    const app = ourApp(entra);
    app.getTokenCache().deserialize(msal.getTokenCache().serialize());
    const accounts = await app.getAccounts();
    expect(accounts).toHaveLength(1);
    const account = accounts[0]!;
    expect(account).toMatchObject({
      homeAccountId: signedIn.account.homeAccountId,
      environment: signedIn.account.environment,
      tenantId: TENANT_ID,
      username: ADA.username,
      localAccountId: ADA.oid,
      name: ADA.name,
    });
    expect(await app.getAccount({ username: 'ADA@contoso.com' })).toEqual(account);

    const seen = entra.provider.requests.length;
    const hit = await app.acquireTokenSilent({ account, scopes: SCOPES });
    expect(hit.fromCache).toBe(true);
    expect(hit.accessToken).toBe(signedIn.accessToken);
    expect(hit.expiresOn?.getTime()).toBe(signedIn.expiresOn?.getTime());
    expect(hit.idTokenClaims?.['preferred_username']).toBe(ADA.username);
    expect(entra.provider.requests).toHaveLength(seen);
  });

  it('msal-node → us: we read the file msal-node wrote through its cache plugin', async () => {
    const entra = await startEntra();
    const dir = await tempDir('devicelogin-msal-');
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'msal-cache.json');
    const plugin: ICachePlugin = {
      beforeCacheAccess: async (context) => {
        const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        });
        if (text !== undefined) context.tokenCache.deserialize(text);
      },
      afterCacheAccess: async (context) => {
        if (context.cacheHasChanged) await writeFile(file, context.tokenCache.serialize(), { mode: 0o600 });
      },
    };
    const signedIn = await msalSignIn(msalApp(entra, plugin), entra, GRACE);

    const app = ourApp(entra);
    app.getTokenCache().deserialize(await readFile(file, 'utf8'));
    const account = await app.getAccount({ homeAccountId: homeAccountIdOf(GRACE) });
    expect(account).toMatchObject({
      username: GRACE.username,
      tenantId: TENANT_ID,
      environment: signedIn.account.environment,
    });
    const seen = entra.provider.requests.length;
    const hit = await app.acquireTokenSilent({ account: account!, scopes: SCOPES });
    expect(hit).toMatchObject({ fromCache: true, accessToken: signedIn.accessToken });
    expect(entra.provider.requests).toHaveLength(seen);
  });

  it('us → msal-node: msal-node lists our account and serves our access token from the cache without a request', async () => {
    const clock = clockBehindRealTime();
    const entra = await startEntra(clock);
    const app = ourApp(entra, clock);
    const signedIn = await ourSignIn(app, entra, ADA);
    expect(signedIn.account?.homeAccountId).toBe(homeAccountIdOf(ADA));

    const msal = msalApp(entra);
    msal.getTokenCache().deserialize(app.getTokenCache().serialize());
    const accounts = await msal.getAllAccounts();
    expect(accounts).toHaveLength(1);
    const account = accounts[0]!;
    expect(account).toMatchObject({
      homeAccountId: homeAccountIdOf(ADA),
      environment: signedIn.account?.environment,
      tenantId: TENANT_ID,
      username: ADA.username,
      localAccountId: ADA.oid,
      name: ADA.name,
    });
    // msal-node found our id token for the account
    expect(account.idTokenClaims?.['preferred_username']).toBe(ADA.username);

    const seen = entra.provider.requests.length;
    const hit = await msal.acquireTokenSilent({ account, scopes: SCOPES });
    expect(hit.fromCache).toBe(true);
    expect(hit.accessToken).toBe(signedIn.accessToken);
    expect(hit.idToken).toBe(signedIn.idToken);
    // our epoch-second strings read back as the same instants
    expect(hit.expiresOn?.getTime()).toBe(Math.floor(signedIn.expiresOn!.getTime() / 1000) * 1000);
    expect(hit.extExpiresOn?.getTime()).toBe(Math.floor(signedIn.extExpiresOn!.getTime() / 1000) * 1000);
    expect(entra.provider.requests).toHaveLength(seen);
    expect(entra.msalRequests).toEqual([]);
  });

  it('unknown sections and fields in the cache survive our writes', async () => {
    const entra = await startEntra();
    const msal = msalApp(entra);
    await msalSignIn(msal, entra, GRACE);
    const original = parse(msal.getTokenCache().serialize());
    // a section and fields from a future MSAL
    original['SomethingNew'] = { 'some-key': { nested: [1, 'two', { three: true }] } };
    for (const section of CREDENTIAL_SECTIONS) {
      for (const entry of Object.values(original[section])) entry['x_future_field'] = { kept: section };
    }

    const clock = clockBehindRealTime();
    const app = ourApp(entra, clock);
    app.getTokenCache().deserialize(JSON.stringify(original));
    const signedIn = await ourSignIn(app, entra, ADA);
    const written = parse(app.getTokenCache().serialize());

    expect(written['SomethingNew']).toEqual(original['SomethingNew']);
    for (const section of CREDENTIAL_SECTIONS) {
      // every entry msal-node wrote is still there, unknown fields included
      for (const [key, entry] of Object.entries(original[section]))
        expect(written[section][key], `${section} ${key}`).toEqual(entry);
    }
    // and our write is there too
    expect(Object.values(written.AccessToken).map((at) => at['secret'])).toContain(signedIn.accessToken);
    expect(
      Object.values(written.Account)
        .map((a) => a['username'])
        .sort(),
    ).toEqual([ADA.username, GRACE.username]);
  });

  it('an entry we rewrite keeps the unknown fields it had', async () => {
    const clock = clockBehindRealTime();
    const entra = await startEntra(clock);
    const app = ourApp(entra, clock);
    await ourSignIn(app, entra, ADA);
    const before = parse(app.getTokenCache().serialize());
    for (const section of CREDENTIAL_SECTIONS) {
      for (const entry of Object.values(before[section])) entry['x_future_field'] = section;
    }
    app.getTokenCache().deserialize(JSON.stringify(before));
    const again = await ourSignIn(app, entra, ADA);
    const after = parse(app.getTokenCache().serialize());
    for (const section of CREDENTIAL_SECTIONS) {
      expect(Object.keys(after[section]), section).toEqual(Object.keys(before[section]));
      for (const entry of Object.values(after[section])) expect(entry['x_future_field'], section).toBe(section);
    }
    expect(Object.values(after.AccessToken).map((at) => at['secret'])).toEqual([again.accessToken]);
  });

  it('round trip msal-node → us → msal-node: msal-node serves both its own and our account from the cache', async () => {
    const entra = await startEntra();
    const first = msalApp(entra);
    const theirs = await msalSignIn(first, entra, GRACE);

    const clock = clockBehindRealTime();
    const app = ourApp(entra, clock);
    app.getTokenCache().deserialize(first.getTokenCache().serialize());
    const ours = await ourSignIn(app, entra, ADA);

    const msal = msalApp(entra);
    msal.getTokenCache().deserialize(app.getTokenCache().serialize());
    const accounts = await msal.getAllAccounts();
    expect(accounts.map((a) => a.username).sort()).toEqual([ADA.username, GRACE.username]);
    const grace = accounts.find((a) => a.homeAccountId === homeAccountIdOf(GRACE))!;
    const ada = accounts.find((a) => a.homeAccountId === homeAccountIdOf(ADA))!;

    const seen = entra.provider.requests.length;
    const theirsAgain = await msal.acquireTokenSilent({ account: grace, scopes: SCOPES });
    const oursAgain = await msal.acquireTokenSilent({ account: ada, scopes: SCOPES });
    expect(theirsAgain).toMatchObject({ fromCache: true, accessToken: theirs.accessToken });
    expect(oursAgain).toMatchObject({ fromCache: true, accessToken: ours.accessToken });
    // and we still serve msal-node's account too
    const ourGrace = await app.getAccount({ homeAccountId: homeAccountIdOf(GRACE) });
    expect(await app.acquireTokenSilent({ account: ourGrace!, scopes: SCOPES })).toMatchObject({
      fromCache: true,
      accessToken: theirs.accessToken,
    });
    expect(entra.provider.requests).toHaveLength(seen);
  });
  // The same user signed in by both libraries into one cache. msal-node files the public cloud
  // under instance discovery's `preferred_cache` (login.windows.net); so do we. Were the
  // environments to differ, msal-node would find two access tokens for one account, delete both
  // (msal-common CacheManager.getAccessToken) and redeem the refresh token instead.
  it('the same user signed in by msal-node, then by us, is one account served from the cache', async () => {
    const entra = await startEntra();
    const msal = msalApp(entra);
    await msalSignIn(msal, entra, ADA);
    const clock = clockBehindRealTime();
    const app = ourApp(entra, clock);
    app.getTokenCache().deserialize(msal.getTokenCache().serialize());
    const ours = await ourSignIn(app, entra, ADA);

    msal.getTokenCache().deserialize(app.getTokenCache().serialize());
    const seen = entra.provider.requests.length;
    const accounts = await msal.getAllAccounts();
    for (const account of accounts) {
      const hit = await msal.acquireTokenSilent({ account, scopes: SCOPES });
      expect.soft(hit, account.environment).toMatchObject({ fromCache: true, accessToken: ours.accessToken });
    }
    expect.soft(entra.provider.requests.slice(seen)).toEqual([]);
    expect.soft(accounts).toHaveLength(1);
    expect.soft(await app.getAccounts()).toHaveLength(1);
  });
});

describe('MSAL token cache interop with DPoP entries', () => {
  it('msal-node → us with auth.dpop: an msal-node cache still loads and its Bearer token is served', async () => {
    const entra = await startEntra();
    const msal = msalApp(entra);
    const theirs = await msalSignIn(msal, entra, GRACE);
    const app = ourApp(entra, undefined, true);
    app.getTokenCache().deserialize(msal.getTokenCache().serialize());
    const account = await app.getAccount({ homeAccountId: homeAccountIdOf(GRACE) });
    const seen = entra.provider.requests.length;
    expect(await app.acquireTokenSilent({ account: account!, scopes: SCOPES })).toMatchObject({
      fromCache: true,
      tokenType: 'Bearer',
      accessToken: theirs.accessToken,
    });
    expect(entra.provider.requests).toHaveLength(seen);
  });

  it('us (DPoP) → msal-node → us: msal-node reads our file, keeps our bound token and key, and never serves them as Bearer', async () => {
    const clock = clockBehindRealTime();
    const entra = await startEntra(clock);
    const app = ourApp(entra, clock, true);
    const ours = await ourSignIn(app, entra, ADA);
    expect(ours.tokenType).toBe('DPoP');
    const written = parse(app.getTokenCache().serialize());
    const [dpopKey, dpopEntry] = Object.entries(written.AccessToken)[0]!;
    // msal-common's names for a bound token (CacheHelpers.createAccessTokenEntity, Serializer)
    expect(dpopEntry).toMatchObject({ credential_type: 'AccessToken_With_AuthScheme', token_type: 'DPoP' });
    expect(dpopEntry['key_id']).toEqual(expect.any(String));
    expect(dpopKey.endsWith('-dpop')).toBe(true);

    const msal = msalApp(entra);
    msal.getTokenCache().deserialize(app.getTokenCache().serialize());
    const accounts = await msal.getAllAccounts();
    expect(accounts.map((a) => a.username)).toEqual([ADA.username]);
    expect(accounts[0]!.idTokenClaims?.['preferred_username']).toBe(ADA.username);

    // msal-node's serialisation keeps our bound token and the account's key fields
    const rewritten = parse(msal.getTokenCache().serialize());
    expect(rewritten.AccessToken[dpopKey]).toEqual(dpopEntry);
    const accountKey = Object.keys(written.Account)[0]!;
    expect(rewritten.Account[accountKey]?.['dpop_key_id']).toBe(dpopEntry['key_id']);
    expect(rewritten.Account[accountKey]?.['dpop_private_jwk']).toEqual(
      written.Account[accountKey]?.['dpop_private_jwk'],
    );

    // and we serve our DPoP token from msal-node's file, bound to the same key
    const again = ourApp(entra, clock, true);
    again.getTokenCache().deserialize(msal.getTokenCache().serialize());
    const seen = entra.provider.requests.length;
    const hit = await again.acquireTokenSilent({ account: ours.account!, scopes: SCOPES });
    expect(hit).toMatchObject({ fromCache: true, tokenType: 'DPoP', accessToken: ours.accessToken });
    expect(entra.provider.requests).toHaveLength(seen);

    // msal-node's Bearer lookup does not take our DPoP token: it redeems the refresh token
    const msalHit = await msal.acquireTokenSilent({ account: accounts[0]!, scopes: SCOPES });
    expect(msalHit.accessToken).not.toBe(ours.accessToken);
    expect(msalHit.tokenType).toBe('Bearer');
  });
});
