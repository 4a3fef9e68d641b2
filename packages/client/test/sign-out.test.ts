/**
 * `signOut` against our authorization server over real HTTP on 127.0.0.1: the refresh token is
 * revoked (RFC 7009) and then refused at the token endpoint; without a revocation endpoint, with
 * a revocation endpoint that fails (HTTP 503, an error answer, connection refused) or with
 * `revoke: false`, the outcome says so and the account is removed locally all the same.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CancelledError,
  ConfigurationError,
  InteractionRequiredError,
  NetworkError,
  PublicClientApplication,
  ServerError,
  type AccountInfo,
  type ExplicitEndpoints,
  type FetchLike,
  type PublicClientConfiguration,
} from '@devicelogin/client';
import { assertNoSecretsIn, describeErrorFully, readForm, sendJson, startServer } from '@devicelogin/test-utils';
import { CLIENT_ID, postForm, startTestServer, type TestServer } from '../../server/test/support/test-server.js';

const SCOPES = ['openid', 'profile', 'offline_access', 'api://demo/read'];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function server(config: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(config);
  closers.push(() => s.close());
  return s;
}

/** A fetch that records the form of every request to a path ending in `/revoke`. */
function recording(): { fetch: FetchLike; revocations: Record<string, string>[] } {
  const revocations: Record<string, string>[] = [];
  return {
    revocations,
    fetch: (input, init) => {
      if (new URL(input).pathname.endsWith('/revoke')) {
        revocations.push(Object.fromEntries(new URLSearchParams(typeof init?.body === 'string' ? init.body : '')));
      }
      return fetch(input, init);
    },
  };
}

interface SignedIn {
  readonly app: PublicClientApplication;
  readonly account: AccountInfo;
  /** Every token the cache holds (refresh, access, id): none may appear in a message. */
  readonly secrets: string[];
  readonly refreshToken: string;
}

/** Signs the test user in through the device flow (approved in the store, no pages needed). */
async function signIn(
  s: TestServer,
  auth: Partial<PublicClientConfiguration['auth']> = {},
  fetchImpl?: FetchLike,
): Promise<SignedIn> {
  const app = new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: `${s.url}/contoso`, provider: 'generic', ...auth },
    system: { clock: s.clock, ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }) },
  });
  const result = await app.acquireTokenByDeviceCode({
    scopes: SCOPES,
    onDeviceCode: (info) => s.approve(info.userCode),
  });
  if (result.account === undefined) throw new Error('no account');
  const cache = JSON.parse(app.getTokenCache().serialize()) as Record<string, Record<string, { secret: string }>>;
  const secrets = ['RefreshToken', 'AccessToken', 'IdToken'].flatMap((section) =>
    Object.values(cache[section] ?? {}).map((entry) => entry.secret),
  );
  const refreshToken = Object.values(cache['RefreshToken'] ?? {})[0]?.secret;
  if (refreshToken === undefined) throw new Error('no refresh token cached');
  return { app, account: result.account, secrets, refreshToken };
}

/** The server's endpoints as explicit settings, without its revocation endpoint unless given. */
async function explicitEndpoints(s: TestServer, revocation?: string): Promise<ExplicitEndpoints> {
  const metadata = (await (await fetch(`${s.url}/contoso/.well-known/openid-configuration`)).json()) as Record<
    string,
    string
  >;
  return {
    deviceAuthorization: metadata['device_authorization_endpoint']!,
    token: metadata['token_endpoint']!,
    jwks: metadata['jwks_uri']!,
    issuer: metadata['issuer']!,
    ...(revocation === undefined ? {} : { revocation }),
  };
}

/** Redeems a refresh token at the contoso token endpoint. */
const redeem = (s: TestServer, refreshToken: string) =>
  postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    refresh_token: refreshToken,
  });

describe('signOut', () => {
  it('revokes the refresh token at the advertised endpoint: the token endpoint then refuses it; the account is gone', async () => {
    const s = await server();
    const recorder = recording();
    const { app, account, refreshToken } = await signIn(s, {}, recorder.fetch);
    const result = await app.signOut(account);
    expect(result).toEqual({
      account,
      removed: true,
      revocation: { status: 'revoked', endpoint: `${s.url}/contoso/oauth2/v2.0/revoke` },
    });
    expect(recorder.revocations).toEqual([
      { token: refreshToken, token_type_hint: 'refresh_token', client_id: CLIENT_ID },
    ]);
    const refused = await redeem(s, refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toBe('invalid_grant');
    expect(await app.getAccounts()).toEqual([]);
    expect(app.getTokenCache().serialize()).not.toContain(refreshToken);
  });

  it('with DPoP: the revocation carries a proof of the account key, and the bound refresh token is dead afterwards', async () => {
    const s = await server({ clients: [{ clientId: CLIENT_ID, name: 'CLI', dpopRequired: true }] });
    const recorder = recording();
    const headers: string[] = [];
    const withHeaders: FetchLike = (input, init) => {
      if (new URL(input).pathname.endsWith('/revoke'))
        headers.push((init?.headers as Record<string, string>)['dpop'] ?? '');
      return recorder.fetch(input, init);
    };
    const { app, account } = await signIn(s, { dpop: true }, withHeaders);
    // A second client with a copy of the cache (and so of the key) tries the refresh token afterwards.
    const copy = new PublicClientApplication({
      auth: { clientId: CLIENT_ID, authority: `${s.url}/contoso`, provider: 'generic', dpop: true },
      system: { clock: s.clock },
    });
    copy.getTokenCache().deserialize(app.getTokenCache().serialize());
    expect((await app.signOut(account)).revocation.status).toBe('revoked');
    expect(headers).toHaveLength(1);
    expect(headers[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // a JWS: the proof
    await expect(copy.acquireTokenSilent({ account, scopes: SCOPES, forceRefresh: true })).rejects.toBeInstanceOf(
      InteractionRequiredError,
    );
  });

  it('a provider without revocation_endpoint: reported as no_endpoint, the account removed, the token still valid there', async () => {
    const s = await server();
    const { app, account, refreshToken } = await signIn(s, { endpoints: await explicitEndpoints(s) });
    expect(await app.signOut(account)).toEqual({ account, removed: true, revocation: { status: 'no_endpoint' } });
    expect(await app.getAccounts()).toEqual([]);
    expect((await redeem(s, refreshToken)).status).toBe(200);
  });

  it('revoke: false is local only', async () => {
    const s = await server();
    const { app, account, refreshToken } = await signIn(s);
    expect((await app.signOut(account, { revoke: false })).revocation).toEqual({ status: 'not_requested' });
    expect(await app.getAccounts()).toEqual([]);
    expect((await redeem(s, refreshToken)).status).toBe(200);
  });

  it('the revocation endpoint answers 503: failed with a ServerError, the account removed anyway, no token in the error', async () => {
    const s = await server();
    const seen: Record<string, string>[] = [];
    const failing = await startServer(async (request, response) => {
      seen.push(await readForm(request));
      sendJson(response, 503, { message: 'down for maintenance' }, { 'retry-after': '120' });
    });
    closers.push(() => failing.close());
    const { app, account, refreshToken, secrets } = await signIn(s, {
      endpoints: await explicitEndpoints(s, `${failing.url}/revoke`),
    });
    const result = await app.signOut(account);
    expect(result.removed).toBe(true);
    expect(result.revocation.status).toBe('failed');
    const error = result.revocation.status === 'failed' ? result.revocation.error : undefined;
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 503, message: expect.stringContaining('HTTP 503') as unknown });
    expect(seen.map((form) => form['token'])).toEqual([refreshToken]);
    assertNoSecretsIn(describeErrorFully(error), secrets);
    expect(await app.getAccounts()).toEqual([]);
    expect((await redeem(s, refreshToken)).status).toBe(200); // not revoked
  });

  it('an error answer that echoes the token: failed, and the token is scrubbed from the error', async () => {
    const s = await server();
    const echoing = await startServer(async (request, response) => {
      const form = await readForm(request);
      sendJson(response, 400, { error: 'invalid_request', error_description: `cannot revoke ${form['token']}` });
    });
    closers.push(() => echoing.close());
    const { app, account, secrets } = await signIn(s, { endpoints: await explicitEndpoints(s, `${echoing.url}/r`) });
    const { revocation } = await app.signOut(account);
    const error = revocation.status === 'failed' ? revocation.error : undefined;
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).server?.error).toBe('invalid_request');
    expect((error as ServerError).server?.errorDescription).toBe('cannot revoke [redacted]');
    assertNoSecretsIn(describeErrorFully(error), secrets);
    expect(await app.getAccounts()).toEqual([]);
  });

  it('connection refused: failed with a NetworkError, the account removed anyway, no token in the error', async () => {
    const s = await server();
    const gone = await startServer(() => undefined);
    await gone.close(); // nothing listens on its port any more
    const { app, account, refreshToken, secrets } = await signIn(s, {
      endpoints: await explicitEndpoints(s, `${gone.url}/revoke`),
    });
    const { removed, revocation } = await app.signOut(account);
    expect(removed).toBe(true);
    const error = revocation.status === 'failed' ? revocation.error : undefined;
    expect(error).toBeInstanceOf(NetworkError);
    assertNoSecretsIn(describeErrorFully(error), secrets);
    expect(await app.getAccounts()).toEqual([]);
    expect((await redeem(s, refreshToken)).status).toBe(200);
  });

  it('an aborted signal: failed with CancelledError, nothing sent, the account removed anyway', async () => {
    const s = await server();
    const recorder = recording();
    const { app, account } = await signIn(s, {}, recorder.fetch);
    const controller = new AbortController();
    controller.abort();
    const { removed, revocation } = await app.signOut(account, { signal: controller.signal });
    expect(removed).toBe(true);
    expect(revocation.status === 'failed' ? revocation.error : undefined).toBeInstanceOf(CancelledError);
    expect(recorder.revocations).toEqual([]);
    expect(await app.getAccounts()).toEqual([]);
  });

  it('an account that is not cached: removed false; not an AccountInfo: ConfigurationError, nothing sent', async () => {
    const s = await server();
    const recorder = recording();
    const { app, account } = await signIn(s, {}, recorder.fetch);
    const stranger = { ...account, homeAccountId: 'someone-else' };
    expect(await app.signOut(stranger)).toEqual({
      account: stranger,
      removed: false,
      revocation: { status: 'no_refresh_token' },
    });
    await expect(app.signOut(undefined as unknown as AccountInfo)).rejects.toBeInstanceOf(ConfigurationError);
    expect(recorder.revocations).toEqual([]);
    expect(await app.getAccounts()).toHaveLength(1);
  });

  it("an account of another provider (a shared cache): nothing sent to this app's provider, by signOut or a silent refresh", async () => {
    const a = await server();
    const b = await server();
    const { app: appA, account, refreshToken } = await signIn(a);
    // Application B (same client id, another provider) reads A's cache.
    const sent: string[] = [];
    const appB = new PublicClientApplication({
      auth: { clientId: CLIENT_ID, authority: `${b.url}/contoso`, provider: 'generic' },
      system: {
        clock: b.clock,
        fetch: (input, init) => {
          if (typeof init?.body === 'string' && init.body.includes(encodeURIComponent(refreshToken))) sent.push(input);
          return fetch(input, init);
        },
      },
    });
    appB.getTokenCache().deserialize(appA.getTokenCache().serialize());
    const [foreign] = await appB.getAccounts();
    expect(foreign?.homeAccountId).toBe(account.homeAccountId);

    const silent = await appB
      .acquireTokenSilent({ account: foreign!, scopes: SCOPES, forceRefresh: true })
      .catch((error: unknown) => error);
    expect(silent).toBeInstanceOf(InteractionRequiredError);
    const result = await appB.signOut(foreign!);
    expect(result.revocation).toEqual({ status: 'other_authority' });
    expect(sent).toEqual([]);
    // Still valid at its own provider, which B never reached.
    expect((await redeem(a, refreshToken)).status).toBe(200);
  });
});
