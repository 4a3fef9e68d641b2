/**
 * DPoP end to end over real HTTP (RFC 9449): device code redemption and refresh bind tokens to
 * the proof key (`token_type: DPoP`, `cnf.jkt`, bound refresh tokens); the demo API only takes a
 * bound token with a proof by its key; nonces are asked for, rotate, and are retried; a client
 * whose policy requires DPoP gets nothing without a proof. What a thief can do with stolen
 * tokens and no key: nothing.
 */
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/defaults.js';
import { DPOP_NONCE_PERIOD_SECONDS } from '../../src/dpop/nonces.js';
import { dpopKey, type DpopKey } from '../support/dpop-key.js';
import { CLIENT_ID, postForm, startTestServer, type TestServer } from '../support/test-server.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const SCOPE = 'openid profile offline_access api://demo/read';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  server = await startTestServer({
    clients: [
      { clientId: CLIENT_ID, name: 'Contoso CLI' },
      { clientId: 'strict', name: 'Strict CLI', dpopRequired: true },
    ],
    ...config,
  });
  return server;
}

const tokenUrl = (s: TestServer) => `${s.url}/contoso/oauth2/v2.0/token`;
const apiUrl = (s: TestServer) => `${s.url}/api/me`;
const iatOf = (s: TestServer) => Math.floor(s.clock.now() / 1000);

/** A token request with a proof by `key` (and the nonce, if any). */
async function tokenRequest(s: TestServer, form: Record<string, string>, key?: DpopKey, nonce?: string) {
  const headers =
    key === undefined
      ? {}
      : { dpop: await key.proof({ htm: 'POST', htu: tokenUrl(s), iat: iatOf(s), ...(nonce ? { nonce } : {}) }) };
  return postForm(tokenUrl(s), form, headers);
}

/** The server's current nonce, learnt the way a client learns it: from a use_dpop_nonce answer. */
async function learnNonce(s: TestServer, key: DpopKey, form: Record<string, string>): Promise<string> {
  const first = await tokenRequest(s, form, key);
  expect(first.status).toBe(400);
  expect(first.body['error']).toBe('use_dpop_nonce');
  const nonce = first.headers.get('dpop-nonce');
  expect(nonce).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  return nonce!;
}

/** Device code sign-in with proofs by `key`; returns the token response and the last nonce. */
async function signIn(s: TestServer, key: DpopKey | undefined, clientId = CLIENT_ID) {
  const issued = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: clientId, scope: SCOPE });
  expect(issued.status).toBe(200);
  const form = { grant_type: DEVICE_GRANT, client_id: clientId, device_code: String(issued.body['device_code']) };
  const nonce = key === undefined ? undefined : await learnNonce(s, key, form);
  await s.approve(String(issued.body['user_code']));
  const tokens = await tokenRequest(s, form, key, nonce);
  return { tokens, nonce, form };
}

/** Calls the demo API with an Authorization header and optional proof. */
async function callApi(s: TestServer, authorization: string, proof?: string) {
  const response = await fetch(apiUrl(s), {
    headers: { authorization, ...(proof === undefined ? {} : { dpop: proof }) },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('DPoP at the token endpoint', () => {
  it('advertises the proof algorithms in the metadata', async () => {
    const s = await start();
    const metadata = (await (await fetch(`${s.url}/contoso/v2.0/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata['dpop_signing_alg_values_supported']).toContain('ES256');
  });

  it('asks for a nonce, then binds the tokens of the redemption to the proof key', async () => {
    const s = await start();
    const key = await dpopKey();
    const { tokens } = await signIn(s, key);
    expect(tokens.status).toBe(200);
    expect(tokens.body['token_type']).toBe('DPoP');
    expect(decodeJwt(String(tokens.body['access_token']))['cnf']).toStrictEqual({ jkt: key.jkt });
    expect(tokens.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // The id_token is about the sign-in, not a credential: never bound.
    expect(decodeJwt(String(tokens.body['id_token']))['cnf']).toBeUndefined();
  });

  it('a request without a proof still gets bearer tokens (DPoP is optional by default)', async () => {
    const s = await start();
    const { tokens } = await signIn(s, undefined);
    expect(tokens.status).toBe(200);
    expect(tokens.body['token_type']).toBe('Bearer');
    expect(decodeJwt(String(tokens.body['access_token']))['cnf']).toBeUndefined();
  });

  it('a stolen bound refresh token is refused without the key and with another key; the owner still refreshes', async () => {
    const s = await start();
    const key = await dpopKey();
    const thief = await dpopKey();
    const { tokens, nonce } = await signIn(s, key);
    const refreshForm = {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: String(tokens.body['refresh_token']),
    };
    const bare = await tokenRequest(s, refreshForm);
    expect(bare.status).toBe(400);
    expect(bare.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(bare.body['error_description'])).toContain('bound to a DPoP key');
    const stolen = await tokenRequest(s, refreshForm, thief, nonce);
    expect(stolen.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(stolen.body['error_description'])).toContain('not made with the key');
    // Refusals revoked nothing: the owner's refresh works and stays bound.
    const owner = await tokenRequest(s, refreshForm, key, nonce);
    expect(owner.status).toBe(200);
    expect(owner.body['token_type']).toBe('DPoP');
    expect(decodeJwt(String(owner.body['access_token']))['cnf']).toStrictEqual({ jkt: key.jkt });
    const next = await tokenRequest(s, { ...refreshForm, refresh_token: String(owner.body['refresh_token']) });
    expect(next.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('a bearer refresh token refreshed with a proof is bound from then on: a thief with another key is refused', async () => {
    const s = await start();
    const owner = await dpopKey();
    const thief = await dpopKey();
    const { tokens } = await signIn(s, undefined);
    const form = {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: String(tokens.body['refresh_token']),
    };
    const nonce = await learnNonce(s, owner, form);
    const bound = await tokenRequest(s, form, owner, nonce);
    expect(bound.status).toBe(200);
    expect(bound.body['token_type']).toBe('DPoP');
    const next = { ...form, refresh_token: String(bound.body['refresh_token']) };
    const stolen = await tokenRequest(s, next, thief, nonce);
    expect(stolen.body).toMatchObject({ error: 'invalid_grant' });
    expect((await tokenRequest(s, next)).body).toMatchObject({ error: 'invalid_grant' });
    expect((await tokenRequest(s, next, owner, nonce)).status).toBe(200);
  });

  it('nonces rotate: an old one gets use_dpop_nonce with a new nonce, and the retry succeeds', async () => {
    const s = await start();
    const key = await dpopKey();
    const { tokens, nonce } = await signIn(s, key);
    s.clock.advance(2 * DPOP_NONCE_PERIOD_SECONDS * 1000);
    const form = {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: String(tokens.body['refresh_token']),
    };
    const stale = await tokenRequest(s, form, key, nonce);
    expect(stale.status).toBe(400);
    expect(stale.body['error']).toBe('use_dpop_nonce');
    const fresh = stale.headers.get('dpop-nonce');
    expect(fresh).not.toBe(nonce);
    const retried = await tokenRequest(s, form, key, fresh!);
    expect(retried.status).toBe(200);
  });

  it('with dpopNonces off, a recent proof without a nonce is accepted', async () => {
    const s = await start({ dpopNonces: false });
    const key = await dpopKey();
    const issued = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: SCOPE });
    await s.approve(String(issued.body['user_code']));
    const form = { grant_type: DEVICE_GRANT, client_id: CLIENT_ID, device_code: String(issued.body['device_code']) };
    const tokens = await tokenRequest(s, form, key);
    expect(tokens.status).toBe(200);
    expect(tokens.body['token_type']).toBe('DPoP');
    expect(tokens.headers.get('dpop-nonce')).toBeNull();
  });

  it('a client that must use DPoP gets no tokens without a proof; the approved code still works with one', async () => {
    const s = await start();
    const key = await dpopKey();
    const issued = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: 'strict', scope: SCOPE });
    await s.approve(String(issued.body['user_code']));
    const form = { grant_type: DEVICE_GRANT, client_id: 'strict', device_code: String(issued.body['device_code']) };
    const bare = await tokenRequest(s, form);
    expect(bare.status).toBe(400);
    expect(bare.body).toStrictEqual({
      error: 'invalid_dpop_proof',
      error_description: 'This application must send a DPoP proof (RFC 9449).',
    });
    const nonce = await learnNonce(s, key, form);
    const tokens = await tokenRequest(s, form, key, nonce);
    expect(tokens.status).toBe(200);
    expect(tokens.body['token_type']).toBe('DPoP');
  });

  it('a malformed proof is invalid_dpop_proof and consumes nothing', async () => {
    const s = await start();
    const issued = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: SCOPE });
    await s.approve(String(issued.body['user_code']));
    const form = { grant_type: DEVICE_GRANT, client_id: CLIENT_ID, device_code: String(issued.body['device_code']) };
    const bad = await postForm(tokenUrl(s), form, { dpop: 'not-a-jwt' });
    expect(bad.status).toBe(400);
    expect(bad.body['error']).toBe('invalid_dpop_proof');
    expect((await postForm(tokenUrl(s), form)).status).toBe(200);
  });
});

describe('DPoP at the demo API', () => {
  it('a stolen bound access token is refused as a bearer token and with a proof by another key', async () => {
    const s = await start();
    const key = await dpopKey();
    const thief = await dpopKey();
    const { tokens } = await signIn(s, key);
    const token = String(tokens.body['access_token']);
    const asBearer = await callApi(s, `Bearer ${token}`);
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP realm="[^"]+", error="invalid_token", algs="/);
    const apiNonce = (
      await callApi(
        s,
        `DPoP ${token}`,
        await thief.proof({ htm: 'GET', htu: apiUrl(s), accessToken: token, iat: iatOf(s) }),
      )
    ).headers.get('dpop-nonce')!;
    const withThiefKey = await callApi(
      s,
      `DPoP ${token}`,
      await thief.proof({ htm: 'GET', htu: apiUrl(s), accessToken: token, iat: iatOf(s), nonce: apiNonce }),
    );
    expect(withThiefKey.status).toBe(401);
    expect(withThiefKey.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
  });

  it('the owner: use_dpop_nonce first, then 200 with the nonce; the same proof twice is refused', async () => {
    const s = await start();
    const key = await dpopKey();
    const { tokens } = await signIn(s, key);
    const token = String(tokens.body['access_token']);
    const first = await callApi(
      s,
      `DPoP ${token}`,
      await key.proof({ htm: 'GET', htu: apiUrl(s), accessToken: token, iat: iatOf(s) }),
    );
    expect(first.status).toBe(401);
    expect(first.headers.get('www-authenticate')).toContain('error="use_dpop_nonce"');
    const nonce = first.headers.get('dpop-nonce')!;
    const proof = await key.proof({ htm: 'GET', htu: apiUrl(s), accessToken: token, iat: iatOf(s), nonce });
    const ok = await callApi(s, `DPoP ${token}`, proof);
    expect(ok.status).toBe(200);
    expect(ok.body['preferred_username']).toBeTypeOf('string');
    const replayed = await callApi(s, `DPoP ${token}`, proof);
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
  });

  it('an unbound token presented as DPoP is refused; as bearer it works', async () => {
    const s = await start();
    const key = await dpopKey();
    const { tokens } = await signIn(s, undefined);
    const token = String(tokens.body['access_token']);
    expect((await callApi(s, `Bearer ${token}`)).status).toBe(200);
    const asDpop = await callApi(
      s,
      `DPoP ${token}`,
      await key.proof({ htm: 'GET', htu: apiUrl(s), accessToken: token, iat: iatOf(s) }),
    );
    expect(asDpop.status).toBe(401);
  });

  it('without credentials it offers both schemes', async () => {
    const s = await start();
    const response = await fetch(apiUrl(s));
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="[^"]+", DPoP realm="[^"]+", algs="ES256 /);
  });
});
