import { describe, expect, it } from 'vitest';
import { fakeClock, type FakeClock } from '@devicelogin/test-utils';
import { ConfigurationError, InvalidResponseError, PublicClientApplication } from '@devicelogin/client';
import {
  errorReply,
  genericApp,
  signIn,
  tokenReply,
  useFakeProvider,
  type FakeProvider,
} from '../support/fake-provider.js';
import { accessTokenHash, cacheDocument, verifyProof } from '../support/dpop.js';

// DPoP proofs (RFC 9449 §4) as they leave the client: on every token endpoint request of a
// sign-in and a refresh, and for resource requests (createResourceHeaders), verified with jose
// against the key embedded in each proof.

const CLIENT_ID = 'client-dpop';
const start = useFakeProvider();

/** A provider whose tokens are DPoP-bound when the request carried a proof (`bind: false`: never). */
async function provider(clock: FakeClock, options: { readonly bind?: boolean; pending?: number } = {}) {
  return start({
    clock,
    token: async (call, p) => {
      if (call.form['grant_type'] !== 'refresh_token' && call.attempt <= (options.pending ?? 0)) {
        return errorReply('authorization_pending');
      }
      const proof = call.headers['dpop'];
      return tokenReply({
        token_type: options.bind !== false && proof !== undefined ? 'DPoP' : 'Bearer',
        access_token: `AT-${call.attempt}-secret-access-token`,
        refresh_token: `RT-${call.attempt}-secret-refresh-token`,
        scope: 'openid api.read',
        id_token: await p.idToken(
          { sub: 'user-1', aud: CLIENT_ID, preferred_username: 'ada@example.com' },
          clock.now() / 1000,
        ),
      });
    },
  });
}

function dpopApp(p: FakeProvider, clock: FakeClock, dpop = true): PublicClientApplication {
  return genericApp(p, CLIENT_ID, clock, { auth: { dpop } });
}

describe('DPoP proofs on token endpoint requests', () => {
  it('every poll of a sign-in carries a fresh proof of one new P-256 key; the token comes back bound', async () => {
    const clock = fakeClock();
    const p = await provider(clock, { pending: 2 });
    const app = dpopApp(p, clock);
    const result = await signIn(app);
    expect(result.tokenType).toBe('DPoP');
    expect(p.tokenCalls).toHaveLength(3);

    const proofs = await Promise.all(p.tokenCalls.map((call) => verifyProof(call.headers['dpop'], call.at!)));
    for (const [index, proof] of proofs.entries()) {
      expect(proof.header.typ).toBe('dpop+jwt');
      expect(proof.header.alg).toBe('ES256');
      // the public key only: no private part, no key_ops/ext from the WebCrypto export
      expect(Object.keys(proof.header.jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
      expect(proof.header.jwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
      expect(proof.payload.htm).toBe('POST');
      expect(proof.payload.htu).toBe(`${p.url}/token`);
      expect(proof.payload.iat).toBe(Math.floor(p.tokenCalls[index]!.at! / 1000));
      expect(proof.payload).not.toHaveProperty('ath');
      expect(proof.payload).not.toHaveProperty('nonce');
      // ≥ 96 random bits (base64url: 6 bits a character)
      expect(proof.payload.jti.length * 6).toBeGreaterThanOrEqual(96);
    }
    expect(new Set(proofs.map((proof) => proof.thumbprint)).size).toBe(1);
    expect(new Set(proofs.map((proof) => proof.payload.jti)).size).toBe(3);
    // the key became the account's
    const [account] = Object.values(cacheDocument(app.getTokenCache().serialize()).Account);
    expect(account!['dpop_key_id']).toBe(proofs[0]!.thumbprint);
  });

  it('a refresh is signed with the account key of the sign-in', async () => {
    const clock = fakeClock();
    const p = await provider(clock);
    const app = dpopApp(p, clock);
    const signedIn = await signIn(app);
    const refreshed = await app.acquireTokenSilent({
      account: signedIn.account!,
      scopes: ['api.read'],
      forceRefresh: true,
    });
    expect(refreshed).toMatchObject({ tokenType: 'DPoP', fromCache: false, accessToken: 'AT-2-secret-access-token' });
    const [poll, refresh] = await Promise.all(p.tokenCalls.map((call) => verifyProof(call.headers['dpop'], call.at!)));
    expect(p.tokenCalls[1]!.form['grant_type']).toBe('refresh_token');
    expect(refresh!.thumbprint).toBe(poll!.thumbprint);
    expect(refresh!.payload.jti).not.toBe(poll!.payload.jti);
  });

  it('no proof at all without auth.dpop', async () => {
    const clock = fakeClock();
    const p = await provider(clock);
    const result = await signIn(dpopApp(p, clock, false));
    expect(result.tokenType).toBe('Bearer');
    expect(p.tokenCalls[0]!.headers['dpop']).toBeUndefined();
  });
});

describe('createResourceHeaders', () => {
  it('a DPoP token: Authorization DPoP and a proof bound to method, URL (no query or fragment) and token', async () => {
    const clock = fakeClock();
    const p = await provider(clock);
    const app = dpopApp(p, clock);
    const result = await signIn(app);
    const signInKey = (await verifyProof(p.tokenCalls[0]!.headers['dpop'], clock.now())).thumbprint;

    const first = await app.createResourceHeaders({
      token: result,
      method: 'get',
      url: 'https://api.example/items/7?expand=all#top',
    });
    expect(first.authorization).toBe(`DPoP ${result.accessToken}`);
    const proof = await verifyProof(first.dpop, clock.now());
    expect(proof.thumbprint).toBe(signInKey);
    expect(proof.header.jwk).not.toHaveProperty('d');
    expect(proof.payload).toMatchObject({
      htm: 'GET',
      htu: 'https://api.example/items/7',
      ath: accessTokenHash(result.accessToken),
      iat: Math.floor(clock.now() / 1000),
    });
    expect(proof.payload).not.toHaveProperty('nonce');

    clock.advance(90_000);
    const second = await app.createResourceHeaders({
      token: result,
      method: 'PATCH',
      url: new URL('https://api.example/items/7'),
    });
    const again = await verifyProof(second.dpop, clock.now());
    expect(again.payload.iat).toBe(proof.payload.iat + 90);
    expect(again.payload.htm).toBe('PATCH');
    expect(again.payload.jti).not.toBe(proof.payload.jti);
    expect(again.thumbprint).toBe(signInKey);
  });

  it('a Bearer token: Authorization Bearer and no proof', async () => {
    const clock = fakeClock();
    const p = await provider(clock);
    const app = dpopApp(p, clock, false);
    const result = await signIn(app);
    expect(await app.createResourceHeaders({ token: result, method: 'GET', url: 'https://api.example/x' })).toEqual({
      authorization: `Bearer ${result.accessToken}`,
    });
  });

  it('refuses a malformed request with ConfigurationError', async () => {
    const clock = fakeClock();
    const app = dpopApp(await provider(clock), clock);
    const token = { accessToken: 'at', tokenType: 'DPoP' } as const;
    const error = (request: Parameters<PublicClientApplication['createResourceHeaders']>[0]) =>
      app.createResourceHeaders(request).then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(await error({ token, method: 'GET', url: '/relative' })).toBeInstanceOf(ConfigurationError);
    expect(await error({ token, method: 'GE T', url: 'https://a.example/' })).toBeInstanceOf(ConfigurationError);
    expect(await error({ token, method: 'GET', url: 'https://a.example/', nonce: 'bad "nonce"' })).toBeInstanceOf(
      ConfigurationError,
    );
    expect(
      await error({
        token: { accessToken: 'at', tokenType: 'MAC' as 'DPoP' },
        method: 'GET',
        url: 'https://a.example/',
      }),
    ).toBeInstanceOf(ConfigurationError);
  });
});

describe('token types', () => {
  it('a server that ignores DPoP answers Bearer: the token is cached and served as Bearer (RFC 9449 §5)', async () => {
    const clock = fakeClock();
    const p = await provider(clock, { bind: false });
    const app = dpopApp(p, clock);
    const result = await signIn(app);
    expect(p.tokenCalls[0]!.headers['dpop']).toEqual(expect.any(String));
    expect(result.tokenType).toBe('Bearer');
    const hit = await app.acquireTokenSilent({ account: result.account!, scopes: ['api.read'] });
    expect(hit).toMatchObject({ fromCache: true, tokenType: 'Bearer', accessToken: result.accessToken });
    expect(await app.createResourceHeaders({ token: hit, method: 'GET', url: 'https://api.example/' })).toEqual({
      authorization: `Bearer ${result.accessToken}`,
    });
    const doc = cacheDocument(app.getTokenCache().serialize());
    const [accessToken] = Object.values(doc.AccessToken);
    expect(accessToken).toMatchObject({ credential_type: 'AccessToken', token_type: 'Bearer' });
    expect(accessToken).not.toHaveProperty('key_id');
    // the key stays with the account: the server may have bound the refresh token to it
    const [account] = Object.values(doc.Account);
    expect(account!['dpop_key_id']).toBe((await verifyProof(p.tokenCalls[0]!.headers['dpop'], clock.now())).thumbprint);
  });

  it('a DPoP token type without a proof, or an unknown type, is an invalid response (RFC 6749 §7.1)', async () => {
    const clock = fakeClock();
    for (const tokenType of ['DPoP', 'MAC']) {
      const p = await start({ token: () => tokenReply({ token_type: tokenType }) });
      const error = await signIn(dpopApp(p, clock, false)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as InvalidResponseError).field).toBe('token_type');
    }
  });

  it('auth.dpop must be a boolean', () => {
    expect(
      () =>
        new PublicClientApplication({
          auth: { clientId: 'c', authority: 'https://id.example', dpop: 'yes' as unknown as boolean },
        }),
    ).toThrow(ConfigurationError);
  });
});
