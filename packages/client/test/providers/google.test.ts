import { describe, expect, it } from 'vitest';
import { fakeClock, type FakeClock } from '@devicelogin/test-utils';
import {
  AuthorizationDeclinedError,
  ConfigurationError,
  PublicClientApplication,
  type DeviceCodeInfo,
  type PublicClientConfiguration,
} from '@devicelogin/client';
import {
  ACCESS_TOKEN,
  DEVICE_CODE,
  USER_CODE,
  tokenReply,
  useFakeProvider,
  type FakeProvider,
  type FakeProviderOptions,
  type Reply,
} from '../support/fake-provider.js';
import { expectNoSecrets, rejectionOf } from '../support/outcome.js';

// Google: `verification_url`, the installed app's client_secret on the token request, 428 for
// pending and 403 for slow_down / access_denied (PROTOCOL-NOTES §C).

const CLIENT_ID = '123456789012-abcdefghijklmnop.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-installed-app-secret';
const GOOGLE_VERIFICATION_URL = 'https://www.google.com/device';

const startFake = useFakeProvider();

/** The fake answering the device request as Google does. */
function start(options: Omit<FakeProviderOptions, 'device'>): Promise<FakeProvider> {
  return startFake({ device: googleDevice, ...options });
}

/** Google's device response: `verification_url`, 30 minutes, 5 s. */
function googleDevice(): Reply {
  return {
    json: {
      device_code: DEVICE_CODE,
      user_code: USER_CODE,
      verification_url: GOOGLE_VERIFICATION_URL,
      expires_in: 1800,
      interval: 5,
    },
  };
}

function googleError(status: number, error: string, description: string): Reply {
  return { status, json: { error, error_description: description } };
}

function config(p: FakeProvider, clock: FakeClock, explicit = false): PublicClientConfiguration {
  return {
    auth: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      authority: p.url,
      provider: 'google',
      ...(explicit
        ? {
            endpoints: {
              deviceAuthorization: `${p.url}${p.paths.device}`,
              token: `${p.url}${p.paths.token}`,
              jwks: `${p.url}${p.paths.jwks}`,
              issuer: p.url,
            },
          }
        : {}),
    },
    system: { clock },
  };
}

async function googleToken(p: FakeProvider, clock: FakeClock): Promise<Reply> {
  const idToken = await p.idToken(
    { sub: '1078', aud: CLIENT_ID, email: 'ada@example.com', email_verified: true },
    clock.now() / 1000,
  );
  return tokenReply({ id_token: idToken, scope: 'openid https://www.googleapis.com/auth/userinfo.email' });
}

const discoveryRequests = (p: FakeProvider): number =>
  p.requests.filter((r) => r.url === '/.well-known/openid-configuration').length;

describe('Google', () => {
  it('reads verification_url, sends client_secret on the token request and verifies the id_token (discovery)', async () => {
    const clock = fakeClock();
    const p = await start({ token: (_call, fake) => googleToken(fake, clock) });
    const seen: DeviceCodeInfo[] = [];
    const result = await new PublicClientApplication(config(p, clock)).acquireTokenByDeviceCode({
      scopes: ['https://www.googleapis.com/auth/drive.file'],
      onDeviceCode: (info) => {
        seen.push(info);
      },
    });
    expect(discoveryRequests(p)).toBe(1);
    expect(seen[0]!.verificationUri).toBe(GOOGLE_VERIFICATION_URL);
    expect(seen[0]!.message).toContain(GOOGLE_VERIFICATION_URL);
    expect(p.deviceCalls[0]!.form).toEqual({
      client_id: CLIENT_ID,
      scope: 'openid email profile https://www.googleapis.com/auth/drive.file',
    });
    expect(p.tokenCalls[0]!.form).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      device_code: DEVICE_CODE,
    });
    expect(result.accessToken).toBe(ACCESS_TOKEN);
    expect(result.account).toMatchObject({ homeAccountId: '1078', username: 'ada@example.com' });
    expect(result.scopes).toEqual(['openid', 'https://www.googleapis.com/auth/userinfo.email']);
  });

  it('works with explicit auth.endpoints and no discovery document', async () => {
    const clock = fakeClock();
    const p = await start({ metadata: null, token: (_call, fake) => googleToken(fake, clock) });
    const result = await new PublicClientApplication(config(p, clock, true)).acquireTokenByDeviceCode({
      scopes: [],
      onDeviceCode: () => undefined,
    });
    expect(discoveryRequests(p)).toBe(0);
    expect(p.tokenCalls[0]!.form['client_secret']).toBe(CLIENT_SECRET);
    expect(result.idTokenClaims?.['email']).toBe('ada@example.com');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])('clientSecret %s → ConfigurationError when the client is constructed', (_name, clientSecret) => {
    const construct = (): PublicClientApplication =>
      new PublicClientApplication({
        auth: {
          clientId: CLIENT_ID,
          authority: 'https://accounts.google.com',
          provider: 'google',
          ...(clientSecret === undefined ? {} : { clientSecret }),
        },
      });
    expect(construct).toThrow(ConfigurationError);
    expect(construct).toThrow(expect.objectContaining({ option: 'auth.clientSecret' }) as Error);
  });

  it('428 Precondition Required + authorization_pending is handled as pending', async () => {
    const clock = fakeClock();
    const p = await start({
      token: (call, fake) =>
        call.attempt <= 2
          ? googleError(428, 'authorization_pending', 'Precondition Required')
          : googleToken(fake, clock),
    });
    const result = await new PublicClientApplication(config(p, clock)).acquireTokenByDeviceCode({
      scopes: [],
      onDeviceCode: () => undefined,
    });
    expect(p.tokenCalls).toHaveLength(3);
    // plain interval waits: no back-off as for an HTTP error, no slow-down
    expect(clock.sleeps).toEqual([5500, 5500, 5500]);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
  });

  it('403 + slow_down adds 5 s to the interval', async () => {
    const clock = fakeClock();
    const p = await start({
      token: (call, fake) =>
        call.attempt === 1
          ? googleError(403, 'slow_down', 'Forbidden')
          : call.attempt === 2
            ? googleError(428, 'authorization_pending', 'Precondition Required')
            : googleToken(fake, clock),
    });
    await new PublicClientApplication(config(p, clock)).acquireTokenByDeviceCode({
      scopes: [],
      onDeviceCode: () => undefined,
    });
    expect(clock.sleeps).toEqual([5500, 11_000, 11_000]);
  });

  it('403 + access_denied → AuthorizationDeclinedError, without codes, tokens or the client secret', async () => {
    const clock = fakeClock();
    const p = await start({ token: () => googleError(403, 'access_denied', 'Forbidden') });
    const error = await rejectionOf(
      new PublicClientApplication(config(p, clock)).acquireTokenByDeviceCode({
        scopes: [],
        onDeviceCode: () => undefined,
      }),
      AuthorizationDeclinedError,
    );
    expect(error.server.status).toBe(403);
    expectNoSecrets(error, [CLIENT_SECRET]);
  });
});
