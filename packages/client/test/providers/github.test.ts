import { describe, expect, it } from 'vitest';
import { fakeClock, type FakeClock } from '@devicelogin/test-utils';
import {
  BadVerificationCodeError,
  FlowNotEnabledError,
  PROVIDER_PROFILES,
  PublicClientApplication,
  type DeviceCodeInfo,
} from '@devicelogin/client';
import {
  ACCESS_TOKEN,
  DEVICE_CODE,
  USER_CODE,
  useFakeProvider,
  type FakeProvider,
  type FakeProviderOptions,
  type Reply,
} from '../support/fake-provider.js';
import { expectNoSecrets, rejectionOf } from '../support/outcome.js';

// GitHub: no discovery, fixed endpoints, errors with HTTP 200, form bodies unless JSON is asked
// for, slow_down carrying the new interval, comma-separated scopes (PROTOCOL-NOTES §C).

const CLIENT_ID = 'Iv1.0123456789abcdef';
const PATHS = { device: '/login/device/code', token: '/login/oauth/access_token' };

const startFake = useFakeProvider();

/** The fake at GitHub's fixed paths, without a discovery document. */
function start(options: Omit<FakeProviderOptions, 'paths' | 'metadata'>): Promise<FakeProvider> {
  return startFake({ ...options, paths: PATHS, metadata: null });
}

function github(p: FakeProvider, clock: FakeClock): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: p.url, provider: 'github' },
    system: { clock },
  });
}

/** GitHub's device response in its default form encoding. */
function deviceForm(url: string): Reply {
  return {
    form: {
      device_code: DEVICE_CODE,
      expires_in: '899',
      interval: '5',
      user_code: USER_CODE,
      verification_uri: `${url}/login/device`,
    },
  };
}

/** GitHub's device response as JSON. */
function deviceJson(url: string): Reply {
  return {
    json: {
      device_code: DEVICE_CODE,
      user_code: USER_CODE,
      verification_uri: `${url}/login/device`,
      expires_in: 899,
      interval: 5,
    },
  };
}

/** A GitHub error: HTTP 200 with an `error` field. */
function error200(error: string, extra: Record<string, unknown> = {}): Reply {
  return { status: 200, json: { error, error_description: `${error} (GitHub)`, ...extra } };
}

/** An OAuth-app token: no expiry, no refresh token, comma-separated scopes. */
function githubToken(scope = 'repo,read:org'): Reply {
  return { json: { access_token: ACCESS_TOKEN, token_type: 'bearer', scope } };
}

const signIn = (app: PublicClientApplication, onDeviceCode: (info: DeviceCodeInfo) => void = () => undefined) =>
  app.acquireTokenByDeviceCode({ scopes: ['repo', 'read:org'], onDeviceCode });

describe('GitHub', () => {
  it('asks for JSON on both endpoints but still parses form-encoded device and token responses', async () => {
    const clock = fakeClock();
    const start0 = clock.now();
    const p = await start({
      device: (_call, fake) => deviceForm(fake.url),
      token: (call) =>
        call.attempt === 1
          ? { form: { error: 'authorization_pending', error_description: 'pending' } }
          : {
              form: { access_token: ACCESS_TOKEN, token_type: 'bearer', scope: 'repo,read:org' },
            },
    });
    const seen: DeviceCodeInfo[] = [];
    const result = await signIn(github(p, clock), (info) => seen.push(info));

    expect(p.deviceCalls[0]!.headers.accept).toBe('application/json');
    expect(p.tokenCalls.map((c) => c.headers.accept)).toEqual(['application/json', 'application/json']);
    expect(p.deviceCalls[0]!.form).toEqual({ client_id: CLIENT_ID, scope: 'repo read:org' });
    expect(p.tokenCalls[0]!.form).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: CLIENT_ID,
      device_code: DEVICE_CODE,
    });
    // numbers arrived as form strings and were coerced
    expect(seen[0]!.expiresAt.getTime()).toBe(start0 + 899_000);
    expect(seen[0]!.interval).toBe(5);
    expect(seen[0]!.verificationUri).toBe(`${p.url}/login/device`);
    expect(clock.sleeps).toEqual([5500, 5500]);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
    expect(result.tokenType).toBe('Bearer');
    expect(result.scopes).toEqual(['repo', 'read:org']);
  });

  it('treats errors sent with HTTP 200 as poll outcomes, not as a success', async () => {
    const clock = fakeClock();
    const p = await start({
      device: (_call, fake) => deviceJson(fake.url),
      token: (call) => (call.attempt <= 2 ? error200('authorization_pending') : githubToken()),
    });
    const result = await signIn(github(p, clock));
    expect(p.tokenCalls).toHaveLength(3);
    expect(clock.sleeps).toEqual([5500, 5500, 5500]);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
  });

  it('slow_down with an interval in the body: the next wait uses max(current + 5, body.interval)', async () => {
    const clock = fakeClock();
    const p = await start({
      device: (_call, fake) => deviceJson(fake.url),
      token: (call) =>
        call.attempt === 1
          ? error200('slow_down', { interval: 15 }) // max(5 + 5, 15) = 15
          : call.attempt === 2
            ? error200('slow_down', { interval: 12 }) // max(15 + 5, 12) = 20
            : call.attempt === 3
              ? { status: 200, form: { error: 'slow_down', interval: '27' } } // form body: max(20 + 5, 27) = 27
              : githubToken(),
    });
    await signIn(github(p, clock));
    // interval × 1.1 in floating point: 27 × 1000 × 1.1 is 29700.000000000004
    expect(clock.sleeps.map(Math.round)).toEqual([5500, 16_500, 22_000, 29_700]);
    expect(p.tokenCalls).toHaveLength(4);
  });

  it('splits a comma-separated scope into the result scopes', async () => {
    const p = await start({
      device: (_call, fake) => deviceJson(fake.url),
      token: () => githubToken('repo,gist,read:org'),
    });
    const result = await signIn(github(p, fakeClock()));
    expect(result.scopes).toEqual(['repo', 'gist', 'read:org']);
  });

  it('an OAuth-app token without expires_in never expires (expiresOn undefined)', async () => {
    const p = await start({ device: (_call, fake) => deviceJson(fake.url), token: () => githubToken() });
    const result = await signIn(github(p, fakeClock()));
    expect(result.accessToken).toBe(ACCESS_TOKEN);
    expect(result.expiresOn).toBeUndefined();
    expect(result.refreshToken).toBeUndefined();
  });

  it('incorrect_device_code → BadVerificationCodeError', async () => {
    const p = await start({
      device: (_call, fake) => deviceJson(fake.url),
      token: () => error200('incorrect_device_code'),
    });
    const error = await rejectionOf(signIn(github(p, fakeClock())), BadVerificationCodeError);
    expect(error.code).toBe('bad_verification_code');
    expect(error.server).toMatchObject({ status: 200, error: 'incorrect_device_code' });
    expectNoSecrets(error);
  });

  it.each([
    ['the device endpoint', 'device'],
    ['the token endpoint', 'token'],
  ] as const)('device_flow_disabled from %s → FlowNotEnabledError with the GitHub hint', async (_name, where) => {
    const disabled: Reply = {
      status: where === 'device' ? 400 : 200,
      json: { error: 'device_flow_disabled', error_description: 'Device Flow must be explicitly enabled for this App' },
    };
    const p = await start({
      device: (_call, fake) => (where === 'device' ? disabled : deviceJson(fake.url)),
      token: () => disabled,
    });
    const error = await rejectionOf(signIn(github(p, fakeClock())), FlowNotEnabledError);
    expect(error.code).toBe('flow_not_enabled');
    expect(error.hint).toBe(PROVIDER_PROFILES.github.flowNotEnabledHint);
    expect(error.hint).toMatch(/Enable Device Flow/);
    expect(error.message).toContain(error.hint);
    expect(error.server.error).toBe('device_flow_disabled');
    expect(p.tokenCalls).toHaveLength(where === 'device' ? 0 : 1);
    expectNoSecrets(error);
  });
});
