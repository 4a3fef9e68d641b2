import { afterEach, describe, expect, it } from 'vitest';
import {
  assertNoSecretsIn,
  createTestIssuer,
  describeErrorFully,
  fakeClock,
  sendJson,
  startServer,
  stuckClock,
  type FakeClock,
  type TestServer,
} from '@devicelogin/test-utils';
import {
  AuthorizationDeclinedError,
  CancelledError,
  DeviceCodeExpiredError,
  IdTokenValidationError,
  PublicClientApplication,
  TimeoutError,
  type Clock,
  type DeviceCodeInfo,
  type ExplicitEndpoints,
} from '@devicelogin/client';
import {
  DEFAULT_ACCOUNT,
  DEVICE_CODE_GRANT_TYPE,
  TTL,
  startOidcProvider,
  type OidcProviderServer,
} from './support/oidc-provider-server.js';

// Our client against the real node-oidc-provider 9.13.3 (features.deviceFlow), over HTTP on
// 127.0.0.1. The user's side (enter the code, approve or refuse) is driven through the
// provider's own models, between two polls of the client.

const SCOPES = ['openid', 'profile', 'email', 'offline_access'];

let server: OidcProviderServer | undefined;
let otherServers: TestServer[] = [];
afterEach(async () => {
  const running = server;
  server = undefined;
  await Promise.all([running?.close(), ...otherServers.map((s) => s.close())]);
  otherServers = [];
  // Whatever the test did, node-oidc-provider must not have failed internally.
  expect(running?.serverErrors ?? []).toEqual([]);
});

function clientFor(provider: OidcProviderServer, clock: Clock, endpoints?: ExplicitEndpoints): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId: provider.clientId,
      authority: provider.issuer,
      provider: 'generic',
      ...(endpoints === undefined ? {} : { endpoints }),
    },
    system: { clock },
  });
}

/** node-oidc-provider uses real time for token times: the fake clock starts at the real now. */
function clockNow(): FakeClock {
  return fakeClock(Date.now());
}

/** Records what `onDeviceCode` received; `userCode()`/`deviceCode()` read it back. */
function recorder(): {
  readonly onDeviceCode: (info: DeviceCodeInfo) => void;
  readonly info: () => DeviceCodeInfo;
  readonly userCode: () => string;
  readonly deviceCode: () => string;
} {
  const seen: DeviceCodeInfo[] = [];
  const info = (): DeviceCodeInfo => {
    expect(seen).toHaveLength(1);
    return seen[0]!;
  };
  return {
    onDeviceCode: (i) => void seen.push(i),
    info,
    userCode: () => info().userCode,
    deviceCode: () => {
      const value = info().raw['device_code'];
      if (typeof value !== 'string') throw new Error('no device_code in the device authorization response');
      return value;
    },
  };
}

/** Runs `act` on the user code right after the provider answered the first poll. */
function afterFirstPoll(
  provider: OidcProviderServer,
  device: ReturnType<typeof recorder>,
  act: (userCode: string) => Promise<void>,
): void {
  provider.setPollHooks({ answered: (poll) => (poll.index === 1 ? act(device.userCode()) : undefined) });
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail, it succeeded');
    },
    (error: unknown) => error,
  );
}

/** Requirement 7: nothing secret in anything observable about the error. */
function expectNoSecrets(error: unknown, secrets: readonly string[]): void {
  expect(secrets.length).toBeGreaterThan(0);
  const text = describeErrorFully(error);
  expect(text.length).toBeGreaterThan(0);
  assertNoSecretsIn(text, secrets);
}

function secretsOf(provider: OidcProviderServer, device: ReturnType<typeof recorder>): string[] {
  const issued = provider.issued
    .flatMap((t) => [t.accessToken, t.refreshToken, t.idToken])
    .filter((t) => t !== undefined);
  return [device.deviceCode(), device.userCode(), ...issued];
}

describe('acquireTokenByDeviceCode against node-oidc-provider 9.13.3', () => {
  it('approved: tokens, refresh token for offline_access, id_token verified with the jwks_uri, account from the claims', async () => {
    server = await startOidcProvider();
    const clock = clockNow();
    const device = recorder();
    afterFirstPoll(server, device, (userCode) => server!.approve(userCode));

    const result = await clientFor(server, clock).acquireTokenByDeviceCode({
      scopes: SCOPES,
      onDeviceCode: device.onDeviceCode,
    });

    // What the user was shown comes from node-oidc-provider's device authorization response.
    const info = device.info();
    expect(info.userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(info.verificationUri).toBe(`${server.issuer}/device`);
    expect(info.verificationUriComplete).toBe(`${server.issuer}/device?user_code=${info.userCode}`);
    expect(info.message).toContain(info.userCode);
    // node-oidc-provider sends no `interval`: the client's RFC 8628 default of 5 s applies.
    expect(info.raw['interval']).toBeUndefined();
    expect(info.interval).toBe(5);
    expect(info.raw['expires_in']).toBe(TTL.DeviceCode);

    // One pending poll, the approval, one successful poll, all with the RFC grant type.
    expect(server.polls.map((p) => p.error ?? p.status)).toEqual(['authorization_pending', 200]);
    expect(server.polls.every((p) => p.grantType === DEVICE_CODE_GRANT_TYPE)).toBe(true);

    // The tokens are the ones the provider issued.
    expect(server.issued).toHaveLength(1);
    const issued = server.issued[0]!;
    expect(result.accessToken).toBe(issued.accessToken);
    expect(result.tokenType).toBe('Bearer');
    expect(result.expiresOn?.getTime()).toBe(clock.now() + TTL.AccessToken * 1000);
    expect(issued.refreshToken).toBeDefined();
    expect(result.refreshToken).toBe(issued.refreshToken);
    expect(result.scopes).toEqual(expect.arrayContaining(SCOPES));
    expect(result.idToken).toBe(issued.idToken);

    // The id_token was verified against the discovered jwks_uri, and its claims are the provider's.
    expect(server.jwksRequests()).toBe(1);
    expect(result.idTokenClaims).toMatchObject({
      iss: server.issuer,
      aud: server.clientId,
      sub: DEFAULT_ACCOUNT.sub,
      preferred_username: DEFAULT_ACCOUNT.preferred_username,
      name: DEFAULT_ACCOUNT.name,
    });
    expect(result.account).toEqual({
      homeAccountId: DEFAULT_ACCOUNT.sub,
      environment: new URL(server.issuer).host,
      tenantId: '',
      username: DEFAULT_ACCOUNT.preferred_username,
      localAccountId: DEFAULT_ACCOUNT.sub,
      name: DEFAULT_ACCOUNT.name,
    });
    expect(result.fromCache).toBe(false);
  });

  it('declined: the user aborts on the verification page → AuthorizationDeclinedError', async () => {
    server = await startOidcProvider();
    const device = recorder();
    afterFirstPoll(server, device, (userCode) => server!.deny(userCode));

    const error = await rejectionOf(
      clientFor(server, clockNow()).acquireTokenByDeviceCode({ scopes: SCOPES, onDeviceCode: device.onDeviceCode }),
    );

    expect(error).toBeInstanceOf(AuthorizationDeclinedError);
    const declined = error as AuthorizationDeclinedError;
    expect(declined.code).toBe('authorization_declined');
    expect(declined.server).toMatchObject({
      status: 400,
      error: 'access_denied',
      errorDescription: 'End-User aborted interaction',
    });
    expect(server.polls.map((p) => p.error)).toEqual(['authorization_pending', 'access_denied']);
    expect(server.issued).toHaveLength(0);
    expectNoSecrets(error, secretsOf(server, device));
  });

  it("expired: the provider's expired_token is mapped to DeviceCodeExpiredError carrying the server's answer", async () => {
    server = await startOidcProvider();
    const clock = clockNow();
    const device = recorder();
    afterFirstPoll(server, device, (userCode) => server!.expire(userCode));

    const error = await rejectionOf(
      clientFor(server, clock).acquireTokenByDeviceCode({ scopes: SCOPES, onDeviceCode: device.onDeviceCode }),
    );

    expect(error).toBeInstanceOf(DeviceCodeExpiredError);
    const expired = error as DeviceCodeExpiredError;
    expect(expired.code).toBe('device_code_expired');
    // Server-side expiry: the client's own clock is far from expires_in, and `server` is the answer.
    expect(clock.now()).toBeLessThan(device.info().expiresAt.getTime());
    expect(expired.server).toBeDefined();
    expect(expired.server).toMatchObject({ status: 400, error: 'expired_token' });
    expect(server.polls.map((p) => p.error)).toEqual(['authorization_pending', 'expired_token']);
    expectNoSecrets(error, secretsOf(server, device));
  });

  it('cancel during the wait between polls → CancelledError at once, no poll sent', async () => {
    server = await startOidcProvider();
    // Its sleeps never end on their own: only the abort can end the call.
    const clock = stuckClock(Date.now());
    const device = recorder();
    const controller = new AbortController();
    const reason = new Error('user pressed Ctrl+C');

    const pending = rejectionOf(
      clientFor(server, clock).acquireTokenByDeviceCode({
        scopes: SCOPES,
        onDeviceCode: device.onDeviceCode,
        signal: controller.signal,
      }),
    );
    expect(await clock.sleeping).toBeGreaterThan(0);
    controller.abort(reason);
    const error = await pending;

    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).code).toBe('cancelled');
    expect((error as CancelledError).cause).toBe(reason);
    expect(server.pollsReceived()).toBe(0);
    expectNoSecrets(error, secretsOf(server, device));
  });

  it('cancel while a poll is in flight → CancelledError without waiting for the answer', async () => {
    server = await startOidcProvider();
    const device = recorder();
    const controller = new AbortController();
    const reason = new Error('user pressed Ctrl+C');
    let settled: Promise<unknown> = Promise.resolve();
    // The provider holds the first poll until the client's call has settled: the call can only
    // end through the abort, not through an answer.
    server.setPollHooks({
      received: async (index) => {
        if (index !== 1) return;
        controller.abort(reason);
        await settled;
      },
    });

    settled = rejectionOf(
      clientFor(server, clockNow()).acquireTokenByDeviceCode({
        scopes: SCOPES,
        onDeviceCode: device.onDeviceCode,
        signal: controller.signal,
      }),
    );
    const error = await settled;

    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).cause).toBe(reason);
    expect(server.pollsReceived()).toBe(1);
    expectNoSecrets(error, secretsOf(server, device));
  });

  it('timeoutMs shorter than expires_in → TimeoutError after exactly timeoutMs of (fake) time', async () => {
    server = await startOidcProvider();
    const clock = clockNow();
    const device = recorder();
    const timeoutMs = 60_000;
    const started = clock.now();

    const error = await rejectionOf(
      clientFor(server, clock).acquireTokenByDeviceCode({
        scopes: SCOPES,
        onDeviceCode: device.onDeviceCode,
        timeoutMs,
      }),
    );

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('timeout');
    expect((error as TimeoutError).timeoutMs).toBe(timeoutMs);
    expect(timeoutMs).toBeLessThan(TTL.DeviceCode * 1000);
    expect(clock.now() - started).toBe(timeoutMs);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(timeoutMs);
    // It kept polling the real provider, which kept answering pending, until the deadline.
    expect(server.polls.length).toBeGreaterThan(1);
    expect(server.polls.every((p) => p.error === 'authorization_pending')).toBe(true);
    expectNoSecrets(error, secretsOf(server, device));
  });

  describe('id_token verification', () => {
    async function signInWith(
      endpoints: (provider: OidcProviderServer) => ExplicitEndpoints,
    ): Promise<{ error: unknown; device: ReturnType<typeof recorder> }> {
      server = await startOidcProvider();
      const device = recorder();
      afterFirstPoll(server, device, (userCode) => server!.approve(userCode));
      const error = await rejectionOf(
        clientFor(server, clockNow(), endpoints(server)).acquireTokenByDeviceCode({
          scopes: SCOPES,
          onDeviceCode: device.onDeviceCode,
        }),
      );
      // The provider did issue tokens: the refusal is the client's.
      expect(server.issued).toHaveLength(1);
      expect(server.issued[0]!.idToken).toBeDefined();
      return { error, device };
    }

    it("a key set that is not the issuer's (same kid, other key) → IdTokenValidationError, signature", async () => {
      const impostor = await createTestIssuer();
      let keySetRequests = 0;
      let kid = '';
      const otherKeys = await startServer((_request, response) => {
        keySetRequests += 1;
        sendJson(response, 200, { keys: impostor.jwks.keys.map((k) => ({ ...k, kid })) });
      });
      otherServers.push(otherKeys);

      const { error, device } = await signInWith((provider) => {
        kid = provider.signingKeyId;
        return {
          deviceAuthorization: provider.metadata.deviceAuthorizationEndpoint,
          token: provider.metadata.tokenEndpoint,
          jwks: `${otherKeys.url}/jwks`,
          issuer: provider.issuer,
        };
      });

      expect(error).toBeInstanceOf(IdTokenValidationError);
      expect((error as IdTokenValidationError).code).toBe('invalid_id_token');
      expect((error as IdTokenValidationError).reason).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
      expect(keySetRequests).toBeGreaterThan(0);
      expect(server!.jwksRequests()).toBe(0);
      expectNoSecrets(error, secretsOf(server!, device));
    });

    it('an issuer other than the expected one → IdTokenValidationError, iss', async () => {
      const { error, device } = await signInWith((provider) => ({
        deviceAuthorization: provider.metadata.deviceAuthorizationEndpoint,
        token: provider.metadata.tokenEndpoint,
        jwks: provider.metadata.jwksUri,
        issuer: `${provider.issuer}/another-tenant`,
      }));

      expect(error).toBeInstanceOf(IdTokenValidationError);
      expect((error as IdTokenValidationError).code).toBe('invalid_id_token');
      expect((error as IdTokenValidationError).reason).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
      expect((error as IdTokenValidationError).message).toContain('"iss"');
      // The signature itself was checked with the real keys first.
      expect(server!.jwksRequests()).toBe(1);
      expectNoSecrets(error, secretsOf(server!, device));
    });
  });
});
