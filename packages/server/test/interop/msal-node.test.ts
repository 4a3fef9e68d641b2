import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  InteractionRequiredAuthError,
  ProtocolMode,
  PublicClientApplication,
  type AuthenticationResult,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { tenantId } from '@devicelogin/server';
import { sha256 } from '../../src/crypto.js';
import { CLIENT_ID, USER, postForm, startTestServer, type TestServer } from '../support/test-server.js';

// The real, unmodified @azure/msal-node against our server (PROTOCOL-NOTES §A). msal-node refuses
// an http authority, so the server announces https://127.0.0.1:<port> (its publicUrl, hence the
// issuer and every endpoint in its metadata) while listening on plain http; msal-node's documented
// `system.networkClient` extension point carries each request there with only the scheme changed.
// Nothing else is configured for msal-node: it discovers the tenant's metadata itself (OIDC mode).
// The user answers through the real verification pages over HTTP (code entry, sign-in with the
// password, Allow or Deny) with a cookie jar, from msal-node's `deviceCodeCallback`.

const SCOPES = ['api://demo/read'];

/** A request msal-node made, as it asked for it (https URL) and as the server answered. */
interface Exchange {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly status: number;
  readonly form: URLSearchParams;
  readonly body: Record<string, unknown>;
}

/** msal-node talking to a test server, with what it sent and received. */
interface MsalHarness {
  readonly server: TestServer;
  readonly msal: PublicClientApplication;
  readonly exchanges: Exchange[];
  /** Token endpoint POSTs (device code polls and refreshes). */
  tokenRequests(): Exchange[];
  /** The user's action, started from `deviceCodeCallback`; every request waits for it first. */
  userAction: Promise<void>;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * A network client that rewrites `https://127.0.0.1:<port>` to the server's `http://` URL. It
 * refuses every other destination (so an attempt at Microsoft's instance discovery fails the
 * test) and waits for the pending user action before sending: msal-node calls
 * `deviceCodeCallback` without awaiting it, and the user must have answered before the first poll
 * (the server's fake clock never moves, so a second poll would draw `slow_down`).
 */
function networkClientFor(harness: Omit<MsalHarness, 'msal' | 'tokenRequests'>): INetworkModule {
  const origin = harness.server.context.config.publicUrl;
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
  ): Promise<NetworkResponse<T>> => {
    if (!url.startsWith(`${origin}/`)) throw new Error(`msal-node asked for an unexpected URL: ${url}`);
    await harness.userAction;
    const body = method === 'POST' ? (options?.body ?? '') : undefined;
    const response = await fetch(harness.server.url + url.slice(origin.length), {
      method,
      headers: options?.headers ?? {},
      ...(body === undefined ? {} : { body }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    harness.exchanges.push({ method, url, status: response.status, form: new URLSearchParams(body ?? ''), body: json });
    return { headers: Object.fromEntries(response.headers), body: json as T, status: response.status };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}

/** Starts a server announcing https and an unmodified msal-node public client for its contoso tenant. */
async function startMsal(config: Parameters<typeof startTestServer>[0] = {}): Promise<MsalHarness> {
  // msal-node sleeps `interval` in real time after authorization_pending: 1 s bounds it should a
  // poll ever find the code pending (the user answers before the first poll, so none does).
  const s = (server = await startTestServer({ pollIntervalSeconds: 1, ...config }, { publicScheme: 'https' }));
  const host = new URL(s.context.config.publicUrl).host;
  const partial = { server: s, exchanges: [] as Exchange[], userAction: Promise.resolve() };
  const msal = new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: `https://${host}/contoso`, knownAuthorities: [host] },
    system: { protocolMode: ProtocolMode.OIDC, networkClient: networkClientFor(partial) },
  });
  const harness: MsalHarness = Object.assign(partial, {
    msal,
    tokenRequests: () =>
      partial.exchanges.filter((e) => e.method === 'POST' && new URL(e.url).pathname === '/contoso/oauth2/v2.0/token'),
  });
  return harness;
}

/**
 * `acquireTokenByDeviceCode`, the user answering (approve or deny) through the pages as soon as
 * the code is shown. Should the pages fail, their error (naming the step) is the one thrown, not
 * msal-node's report of the failed request.
 */
async function deviceCodeSignIn(
  harness: MsalHarness,
  answer: 'approve' | 'deny',
): Promise<AuthenticationResult | null> {
  try {
    return await harness.msal.acquireTokenByDeviceCode({
      scopes: SCOPES,
      deviceCodeCallback: (response) => {
        harness.userAction = harness.server
          .signInAndApprove(response.userCode, { allow: answer === 'approve' })
          .then(() => undefined);
      },
    });
  } catch (error) {
    await harness.userAction;
    throw error;
  }
}

/** Claims of a JWT, unverified (msal-node itself does not verify signatures). */
const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe('msal-node 7.2.3 against the server', () => {
  it('signs in with the device code: OIDC discovery, one poll, account oid.tid and id token claims', async () => {
    const harness = await startMsal();
    const { server: s } = harness;
    const result = await deviceCodeSignIn(harness, 'approve');
    const origin = s.context.config.publicUrl;

    // msal-node found the device endpoint by rewriting token_endpoint, and polled once.
    expect(harness.exchanges.map((e) => `${e.method} ${e.url.split('?')[0]} ${e.status}`)).toEqual([
      `GET ${origin}/contoso/.well-known/openid-configuration 200`,
      `POST ${origin}/contoso/oauth2/v2.0/devicecode 200`,
      `POST ${origin}/contoso/oauth2/v2.0/token 200`,
    ]);
    const [poll] = harness.tokenRequests();
    expect(poll?.form.get('grant_type')).toBe('device_code');
    expect(poll?.form.get('client_info')).toBe('1');

    const user = await s.context.store.findUser(USER.tenant, USER.username);
    const tid = tenantId('contoso');
    expect(result).not.toBeNull();
    expect(result?.fromCache).toBe(false);
    expect(result?.account).toMatchObject({
      homeAccountId: `${user!.id}.${tid}`,
      localAccountId: user!.id,
      tenantId: tid,
      username: USER.username,
      name: USER.displayName,
      environment: new URL(origin).host,
    });
    expect(result?.idTokenClaims).toMatchObject({
      iss: `${origin}/contoso`,
      aud: CLIENT_ID,
      oid: user!.id,
      tid,
      preferred_username: USER.username,
    });
    expect(result?.scopes).toEqual(expect.arrayContaining(SCOPES));
    expect(claimsOf(result!.accessToken)).toMatchObject({ aud: 'api://demo', scp: 'api://demo/read', azp: CLIENT_ID });
    expect(result!.expiresOn!.getTime()).toBeGreaterThan(Date.now() + 3000_000);
    expect(await harness.msal.getAllAccounts()).toHaveLength(1);
  });

  it('acquireTokenSilent: cache hit without a request, forceRefresh rotates, a dead refresh token is InteractionRequired', async () => {
    const harness = await startMsal();
    const { server: s, msal } = harness;
    const first = await deviceCodeSignIn(harness, 'approve');
    const account = first!.account!;
    const rt1 = String(harness.tokenRequests()[0]?.body['refresh_token']);
    expect(rt1).not.toBe('undefined');

    // Cache hit: the same access token, and nothing reached the server.
    const sent = harness.exchanges.length;
    const cached = await msal.acquireTokenSilent({ account, scopes: SCOPES });
    expect(cached.fromCache).toBe(true);
    expect(cached.accessToken).toBe(first!.accessToken);
    expect(harness.exchanges).toHaveLength(sent);

    // forceRefresh: one refresh_token grant with the first refresh token, new tokens, rotation.
    const refreshed = await msal.acquireTokenSilent({ account, scopes: SCOPES, forceRefresh: true });
    expect(refreshed.fromCache).toBe(false);
    expect(refreshed.accessToken).not.toBe(first!.accessToken);
    expect(refreshed.account?.homeAccountId).toBe(account.homeAccountId);
    const refresh = harness.tokenRequests().slice(1);
    expect(refresh).toHaveLength(1);
    expect(refresh[0]?.form.get('grant_type')).toBe('refresh_token');
    expect(refresh[0]?.form.get('refresh_token')).toBe(rt1);
    const rt2 = String(refresh[0]?.body['refresh_token']);
    expect(rt2).not.toBe(rt1);
    expect((await s.context.store.findRefreshToken(sha256(rt1)))?.rotatedAt).toBe(s.clock.now());
    expect((await s.context.store.findRefreshToken(sha256(rt2)))?.rotatedAt).toBeUndefined();
    // msal-node cached the rotated token: the next silent call is a hit on the new access token.
    const again = await msal.acquireTokenSilent({ account, scopes: SCOPES });
    expect(again).toMatchObject({ fromCache: true, accessToken: refreshed.accessToken });

    // A stolen copy of rt1 is replayed: the server revokes the family, rt2 (held by msal-node) too.
    const replay = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: rt1,
    });
    expect(replay.body).toMatchObject({ error: 'invalid_grant', suberror: 'bad_token' });
    expect((await s.context.store.findRefreshToken(sha256(rt2)))?.revokedAt).toBe(s.clock.now());

    const failure = await msal
      .acquireTokenSilent({ account, scopes: SCOPES, forceRefresh: true })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InteractionRequiredAuthError);
    expect(failure).toMatchObject({ errorCode: 'invalid_grant', subError: 'bad_token' });
    expect(harness.tokenRequests().at(-1)?.form.get('refresh_token')).toBe(rt2);
  });

  it('a declined sign-in in the Entra dialect: msal-node fails with authorization_declined', async () => {
    const harness = await startMsal({ errorDialect: 'entra' });
    const failure = await deviceCodeSignIn(harness, 'deny').catch((e: unknown) => e);
    // msal-node ends polling on any error but authorization_pending, naming the server's error.
    expect(failure).toBeInstanceOf(AuthError);
    expect(failure).toMatchObject({ errorCode: 'post_request_failed', errorMessage: 'authorization_declined' });
    const [poll] = harness.tokenRequests();
    expect(poll?.body).toMatchObject({ error: 'authorization_declined', error_codes: [70000] });
    expect(harness.tokenRequests()).toHaveLength(1);
    expect(await harness.msal.getAllAccounts()).toEqual([]);
  });
});
