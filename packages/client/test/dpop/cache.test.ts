import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock, tempDir, type FakeClock } from '@devicelogin/test-utils';
import {
  createFilePersistence,
  DpopKeyError,
  staticKeyProvider,
  type CachePersistence,
  type PublicClientApplication,
} from '@devicelogin/client';
import {
  genericApp,
  signIn,
  tokenReply,
  useFakeProvider,
  type Call,
  type FakeProvider,
} from '../support/fake-provider.js';
import { cacheDocument, otherP256Key, verifyProof } from '../support/dpop.js';

// DPoP-bound tokens in the token cache: stored apart from Bearer tokens as MSAL stores its bound
// tokens (AccessToken_With_AuthScheme, token_type, key_id), served only with the account's key,
// and the key itself kept with the account through the real (encrypted) file persistence.

const CLIENT_ID = 'client-dpop-cache';
const start = useFakeProvider();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * Tokens bound when the request carried a proof, except for scope `legacy`, for which the
 * server issues Bearer tokens (as a server does for a resource that does not support DPoP).
 */
async function provider(clock: FakeClock): Promise<FakeProvider> {
  return start({
    clock,
    token: async (call: Call, p) => {
      const legacy = (call.form['scope'] ?? '').split(' ').includes('legacy');
      return tokenReply({
        token_type: call.headers['dpop'] !== undefined && !legacy ? 'DPoP' : 'Bearer',
        access_token: `AT-${call.attempt}-secret-access-token`,
        refresh_token: `RT-${call.attempt}-secret-refresh-token`,
        scope: legacy ? 'legacy' : 'api.read',
        id_token: await p.idToken(
          { sub: 'user-1', aud: CLIENT_ID, preferred_username: 'ada@example.com' },
          clock.now() / 1000,
        ),
      });
    },
  });
}

const thumbprintOf = async (call: Call): Promise<string> =>
  (await verifyProof(call.headers['dpop'], call.at!)).thumbprint;

function app(p: FakeProvider, clock: FakeClock, options: { dpop?: boolean; persistence?: CachePersistence } = {}) {
  return genericApp(p, CLIENT_ID, clock, {
    auth: { dpop: options.dpop ?? true },
    ...(options.persistence === undefined ? {} : { cache: { persistence: options.persistence } }),
  });
}

const signInApi = (client: PublicClientApplication) =>
  client.acquireTokenByDeviceCode({ scopes: ['api.read'], onDeviceCode: () => undefined });

describe('DPoP tokens in the cache', () => {
  it('DPoP and Bearer tokens are separate entries (MSAL field names); each lookup finds only its own kind', async () => {
    const clock = fakeClock();
    const p = await provider(clock);
    const client = app(p, clock);
    const bound = await signInApi(client);
    const account = bound.account!;
    const legacy = await client.acquireTokenSilent({ account, scopes: ['legacy'] });
    expect(bound.tokenType).toBe('DPoP');
    expect(legacy).toMatchObject({ tokenType: 'Bearer', fromCache: false });
    const keyId = await thumbprintOf(p.tokenCalls[0]!);

    const doc = cacheDocument(client.getTokenCache().serialize());
    const entries = Object.entries(doc.AccessToken);
    expect(entries).toHaveLength(2);
    const [dpopKey, dpopEntry] = entries.find(([, e]) => e['secret'] === bound.accessToken)!;
    const [bearerKey, bearerEntry] = entries.find(([, e]) => e['secret'] === legacy.accessToken)!;
    expect(dpopEntry).toMatchObject({
      credential_type: 'AccessToken_With_AuthScheme',
      token_type: 'DPoP',
      key_id: keyId,
    });
    expect(dpopKey).toBe(`user-1-${account.environment}-accesstoken_with_authscheme-${CLIENT_ID}--api.read-dpop`);
    expect(bearerEntry).toMatchObject({ credential_type: 'AccessToken', token_type: 'Bearer' });
    expect(bearerEntry).not.toHaveProperty('key_id');
    expect(bearerKey.endsWith('-legacy-')).toBe(true);
    const [accountEntry] = Object.values(doc.Account);
    expect(accountEntry).toMatchObject({ dpop_key_id: keyId, dpop_private_jwk: { kty: 'EC', crv: 'P-256' } });

    const requests = p.tokenCalls.length;
    expect(await client.acquireTokenSilent({ account, scopes: ['api.read'] })).toMatchObject({
      fromCache: true,
      tokenType: 'DPoP',
      accessToken: bound.accessToken,
    });
    expect(await client.acquireTokenSilent({ account, scopes: ['legacy'] })).toMatchObject({
      fromCache: true,
      tokenType: 'Bearer',
      accessToken: legacy.accessToken,
    });
    expect(p.tokenCalls).toHaveLength(requests);
  });

  it('a DPoP token bound to another key than the account’s is never served: the refresh uses the account key', async () => {
    const clock = fakeClock();
    const p = await provider(clock);
    const first = app(p, clock);
    const bound = await signInApi(first);
    const doc = cacheDocument(first.getTokenCache().serialize());
    const other = await otherP256Key();
    for (const account of Object.values(doc.Account)) {
      account['dpop_key_id'] = other.thumbprint;
      account['dpop_private_jwk'] = other.jwk;
    }
    const client = app(p, clock);
    client.getTokenCache().deserialize(JSON.stringify(doc));
    const result = await client.acquireTokenSilent({ account: bound.account!, scopes: ['api.read'] });
    expect(result).toMatchObject({ fromCache: false, tokenType: 'DPoP' });
    expect(result.accessToken).not.toBe(bound.accessToken);
    expect(await thumbprintOf(p.tokenCalls.at(-1)!)).toBe(other.thumbprint);
  });

  it('an account without a key never gets a DPoP token from the cache (Bearer lookup), nor a proof', async () => {
    const clock = fakeClock();
    const p = await provider(clock);
    const first = app(p, clock);
    const bound = await signInApi(first);
    const doc = cacheDocument(first.getTokenCache().serialize());
    for (const account of Object.values(doc.Account)) {
      delete account['dpop_key_id'];
      delete account['dpop_private_jwk'];
    }
    const client = app(p, clock, { dpop: false });
    client.getTokenCache().deserialize(JSON.stringify(doc));
    const result = await client.acquireTokenSilent({ account: bound.account!, scopes: ['api.read'] });
    expect(result).toMatchObject({ fromCache: false, tokenType: 'Bearer' });
    expect(p.tokenCalls.at(-1)!.headers['dpop']).toBeUndefined();
  });

  it('a sign-in without DPoP removes the account’s old key (its new refresh token is not bound) and its tokens', async () => {
    const clock = fakeClock();
    const p = await provider(clock);
    const client = app(p, clock);
    await signInApi(client);
    const withoutDpop = app(p, clock, { dpop: false });
    withoutDpop.getTokenCache().deserialize(client.getTokenCache().serialize());
    await signInApi(withoutDpop);
    const doc = cacheDocument(withoutDpop.getTokenCache().serialize());
    const [account] = Object.values(doc.Account);
    expect(account).not.toHaveProperty('dpop_key_id');
    expect(account).not.toHaveProperty('dpop_private_jwk');
    // and the tokens bound to the dropped key, useless now, are gone with it
    expect(Object.values(doc.AccessToken).map((at) => at['credential_type'])).toEqual(['AccessToken']);
  });

  it('the key is persisted with the account in the encrypted file and reused by a new client instance; logout removes it', async () => {
    const clock = fakeClock();
    const p = await provider(clock);
    const dir = await tempDir('devicelogin-dpop-');
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'cache.json');
    const persistence = (): CachePersistence =>
      createFilePersistence({ path, encryption: { keyProvider: staticKeyProvider(new Uint8Array(32).fill(3)) } });

    const signedIn = await signInApi(app(p, clock, { persistence: persistence() }));
    const keyId = await thumbprintOf(p.tokenCalls[0]!);

    // Another process: a new client, a new persistence object, the same file.
    const second = app(p, clock, { persistence: persistence() });
    const [account] = await second.getAccounts();
    const hit = await second.acquireTokenSilent({ account: account!, scopes: ['api.read'] });
    expect(hit).toMatchObject({ fromCache: true, tokenType: 'DPoP', accessToken: signedIn.accessToken });
    const headers = await second.createResourceHeaders({ token: hit, method: 'GET', url: 'https://api.example/' });
    expect((await verifyProof(headers.dpop, clock.now())).thumbprint).toBe(keyId);
    await second.acquireTokenSilent({ account: account!, scopes: ['api.read'], forceRefresh: true });
    expect(p.tokenCalls.at(-1)!.form['grant_type']).toBe('refresh_token');
    expect(await thumbprintOf(p.tokenCalls.at(-1)!)).toBe(keyId);

    // The private key is in the cache, and only encrypted on disk.
    const doc = cacheDocument(second.getTokenCache().serialize());
    const privateJwk = Object.values(doc.Account)[0]!['dpop_private_jwk'] as { d: string };
    expect(privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const raw = await readFile(path);
    expect(raw.includes(privateJwk.d)).toBe(false);
    expect(raw.includes('dpop_private_jwk')).toBe(false);

    // Logout removes the key with the account: a token of that account cannot be used any more.
    await second.removeAccount(account!);
    const third = app(p, clock, { persistence: persistence() });
    expect(await third.getAccounts()).toEqual([]);
    expect(third.getTokenCache().serialize()).not.toMatch(/dpop_(key_id|private_jwk)/);
    const error = await third
      .createResourceHeaders({ token: hit, method: 'GET', url: 'https://api.example/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DpopKeyError);
    expect(error).toMatchObject({ code: 'dpop_key_unavailable' });
  });

  it('a DPoP token of a sign-in that could not be cached (no id_token) keeps its key in memory', async () => {
    const clock = fakeClock();
    const p = await start({ token: () => tokenReply({ token_type: 'DPoP' }) });
    const client = app(p, clock);
    const result = await signIn(client);
    expect(result).toMatchObject({ tokenType: 'DPoP', account: undefined });
    const headers = await client.createResourceHeaders({ token: result, method: 'GET', url: 'https://api.example/' });
    expect((await verifyProof(headers.dpop, clock.now())).thumbprint).toBe(
      await thumbprintOf({ ...p.tokenCalls[0]!, at: clock.now() }),
    );
    // another instance knows nothing of it
    const error = await app(p, clock)
      .createResourceHeaders({ token: result, method: 'GET', url: 'https://api.example/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DpopKeyError);
  });
});
