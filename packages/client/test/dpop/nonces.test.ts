import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock, readBody, sendJson, startServer, type FakeClock, type TestServer } from '@devicelogin/test-utils';
import { DpopNonceError, dpopNonceChallenge, type PublicClientApplication } from '@devicelogin/client';
import {
  errorReply,
  genericApp,
  signIn,
  tokenReply,
  useFakeProvider,
  type Call,
  type FakeProvider,
  type Reply,
} from '../support/fake-provider.js';
import { accessTokenHash, verifyProof } from '../support/dpop.js';

// Server nonces (RFC 9449 §8 at the token endpoint, §9 at resource servers), against real HTTP
// servers on 127.0.0.1 that demand them.

const CLIENT_ID = 'client-dpop-nonce';
const start = useFakeProvider();
let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** `use_dpop_nonce` as an authorization server answers it: 400 and the new nonce in `DPoP-Nonce`. */
const useNonce = (nonce: string): Reply => ({
  ...errorReply('use_dpop_nonce', { error_description: 'Authorization server requires nonce in DPoP proof' }),
  headers: { 'DPoP-Nonce': nonce },
});

async function nonceOf(call: Call): Promise<string | undefined> {
  return (await verifyProof(call.headers['dpop'], call.at!)).payload.nonce;
}

async function tokens(call: Call, clock: FakeClock, provider: FakeProvider) {
  return tokenReply({
    token_type: 'DPoP',
    access_token: `AT-${call.attempt}-secret-access-token`,
    refresh_token: `RT-${call.attempt}-secret-refresh-token`,
    id_token: await provider.idToken({ sub: 'user-1', aud: CLIENT_ID }, clock.now() / 1000),
  });
}

describe('nonces at the token endpoint', () => {
  it('use_dpop_nonce is retried at once with the nonce (not a poll: no wait), and nonces are kept for later requests', async () => {
    const clock = fakeClock();
    const p = await start({
      clock,
      token: async (call, provider) => {
        const nonce = await nonceOf(call);
        switch (call.attempt) {
          case 1: // a first proof without a nonce
            return useNonce('nonce-1');
          case 2: // the retry carries it; the user has not approved yet; a new nonce rides along
            expect(nonce).toBe('nonce-1');
            return { ...errorReply('authorization_pending'), headers: { 'DPoP-Nonce': 'nonce-2' } };
          case 3:
            expect(nonce).toBe('nonce-2');
            return { ...(await tokens(call, clock, provider)), headers: { 'DPoP-Nonce': 'nonce-3' } };
          case 4: // the refresh starts with the latest nonce, which has expired meanwhile
            expect(nonce).toBe('nonce-3');
            return useNonce('nonce-4');
          default:
            expect(nonce).toBe('nonce-4');
            return tokens(call, clock, provider);
        }
      },
    });
    const app = genericApp(p, CLIENT_ID, clock, { auth: { dpop: true } });
    const result = await signIn(app);
    expect(result).toMatchObject({ tokenType: 'DPoP', accessToken: 'AT-3-secret-access-token' });
    // one interval before the first poll and one before the third: the retry went at once
    expect(clock.sleeps).toEqual([5500, 5500]);
    expect(p.tokenCalls.map((c) => c.at! - p.tokenCalls[0]!.at!)).toEqual([0, 0, 5500]);

    const refreshed = await app.acquireTokenSilent({ account: result.account!, scopes: ['x'], forceRefresh: true });
    expect(refreshed).toMatchObject({ tokenType: 'DPoP', accessToken: 'AT-5-secret-access-token' });
    expect(p.tokenCalls.map((c) => c.form['grant_type'])).toEqual([
      ...Array<string>(3).fill('urn:ietf:params:oauth:grant-type:device_code'),
      'refresh_token',
      'refresh_token',
    ]);
  });

  it('use_dpop_nonce twice in a row is a DpopNonceError (a poll and a refresh alike)', async () => {
    const clock = fakeClock();
    let issued = 0;
    const p = await start({ clock, token: () => useNonce(`nonce-${(issued += 1)}`) });
    const error = await signIn(genericApp(p, CLIENT_ID, clock, { auth: { dpop: true } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DpopNonceError);
    expect(error).toMatchObject({ code: 'dpop_nonce_rejected', endpoint: `${p.url}/token` });
    expect(p.tokenCalls).toHaveLength(2);
    expect(await nonceOf(p.tokenCalls[1]!)).toBe('nonce-1');
  });
});

/** A resource server that checks each request's proof and records what it saw. */
async function resourceServer(
  clock: FakeClock,
  answer: (request: IncomingMessage, index: number) => Reply,
): Promise<{
  readonly server: TestServer;
  readonly seen: { nonce: string | undefined; ath: string | undefined; body: string }[];
}> {
  const seen: { nonce: string | undefined; ath: string | undefined; body: string }[] = [];
  const server = await startServer(async (request, response) => {
    const proof = await verifyProof(request.headers['dpop'], clock.now());
    const authorization = request.headers.authorization ?? '';
    expect(authorization).toMatch(/^DPoP /);
    expect(proof.payload.ath).toBe(accessTokenHash(authorization.slice('DPoP '.length)));
    expect(proof.payload.htm).toBe(request.method);
    seen.push({ nonce: proof.payload.nonce, ath: proof.payload.ath, body: await readBody(request) });
    const reply = answer(request, seen.length);
    sendJson(response, reply.status ?? 200, reply.json ?? {}, { ...reply.headers });
  });
  servers.push(server);
  return { server, seen };
}

const challenge = (nonce: string): Reply => ({
  status: 401,
  json: { error: 'use_dpop_nonce' },
  headers: {
    'WWW-Authenticate': 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
    'DPoP-Nonce': nonce,
  },
});

async function signedIn(
  clock: FakeClock,
): Promise<{ app: PublicClientApplication; result: Awaited<ReturnType<typeof signIn>> }> {
  const p = await start({ clock, token: (call, provider) => tokens(call, clock, provider) });
  const app = genericApp(p, CLIENT_ID, clock, { auth: { dpop: true } });
  return { app, result: await signIn(app) };
}

describe('nonces at a resource server', () => {
  it('fetchResource answers a nonce challenge by sending the request once more with the nonce, then keeps using it', async () => {
    const clock = fakeClock();
    const { app, result } = await signedIn(clock);
    const api = await resourceServer(clock, (_request, index) =>
      index === 1 ? challenge('rs-nonce-1') : { json: { ok: index }, headers: { 'DPoP-Nonce': 'rs-nonce-2' } },
    );
    const url = `${api.server.url}/items?page=1`;
    const response = await app.fetchResource({ token: result, url, method: 'POST', body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: 2 });
    expect(api.seen.map((s) => s.body)).toEqual(['{"a":1}', '{"a":1}']);

    // the nonce of the success is the one the next request starts with: no challenge this time
    const next = await app.fetchResource({ token: result, url });
    expect(await next.json()).toEqual({ ok: 3 });
    expect(api.seen.map((s) => s.nonce)).toEqual([undefined, 'rs-nonce-1', 'rs-nonce-2']);
  });

  it('only one retry: a second challenge is returned to the caller', async () => {
    const clock = fakeClock();
    const { app, result } = await signedIn(clock);
    const api = await resourceServer(clock, (_request, index) => challenge(`rs-${index}`));
    const response = await app.fetchResource({ token: result, url: `${api.server.url}/me` });
    expect(response.status).toBe(401);
    expect(dpopNonceChallenge(response)).toBe('rs-2');
    expect(api.seen).toHaveLength(2);
  });

  it('with createResourceHeaders, the caller passes the nonce of dpopNonceChallenge', async () => {
    const clock = fakeClock();
    const { app, result } = await signedIn(clock);
    const api = await resourceServer(clock, (_request, index) =>
      index === 1 ? challenge('rs-a') : { json: { ok: true } },
    );
    const url = `${api.server.url}/me`;
    let response = await fetch(url, {
      headers: { ...(await app.createResourceHeaders({ token: result, method: 'GET', url })) },
    });
    const nonce = dpopNonceChallenge(response);
    expect(nonce).toBe('rs-a');
    response = await fetch(url, {
      headers: { ...(await app.createResourceHeaders({ token: result, method: 'GET', url, nonce })) },
    });
    expect(response.status).toBe(200);
    expect(api.seen.map((s) => s.nonce)).toEqual([undefined, 'rs-a']);
  });

  it('dpopNonceChallenge reads only a DPoP use_dpop_nonce 401 with a nonce', () => {
    const response = (status: number, headers: Record<string, string>) => new Response(null, { status, headers });
    const dpop = { 'www-authenticate': 'Bearer realm="x", DPoP error="use_dpop_nonce"', 'dpop-nonce': 'n1' };
    expect(dpopNonceChallenge(response(401, dpop))).toBe('n1');
    expect(dpopNonceChallenge(response(400, dpop))).toBeUndefined();
    expect(dpopNonceChallenge(response(401, { ...dpop, 'dpop-nonce': 'bad nonce"' }))).toBeUndefined();
    expect(
      dpopNonceChallenge(response(401, { 'www-authenticate': 'Bearer error="use_dpop_nonce"', 'dpop-nonce': 'n1' })),
    ).toBeUndefined();
    expect(
      dpopNonceChallenge(response(401, { 'www-authenticate': 'DPoP error="invalid_token"', 'dpop-nonce': 'n1' })),
    ).toBeUndefined();
  });
});
