import { describe, expect, it } from 'vitest';
import { fakeClock, type FakeClock } from '@devicelogin/test-utils';
import { PublicClientApplication } from '@devicelogin/client';
import {
  ACCESS_TOKEN,
  DEVICE_CODE,
  tokenReply,
  useFakeProvider,
  type FakeProvider,
  type Reply,
} from '../support/fake-provider.js';

// Auth0: discovery, `audience` for an API token, slow_down sent as HTTP 429, pending as 403
// (PROTOCOL-NOTES §C).

const CLIENT_ID = 'aBcDeFgHiJkLmNoPqRsTuVwXyZ012345';
const AUDIENCE = 'https://api.example.com';

const start = useFakeProvider();

function auth0(p: FakeProvider, clock: FakeClock): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: p.url, provider: 'auth0' },
    system: { clock },
  });
}

const pending: Reply = {
  status: 403,
  json: { error: 'authorization_pending', error_description: 'User has yet to authorize device code.' },
};
const slowDown429: Reply = {
  status: 429,
  json: { error: 'slow_down', error_description: 'You are polling faster than allowed. Try again in 10 seconds.' },
};

describe('Auth0', () => {
  it('slow_down sent as HTTP 429 is a slow_down (+5 s), not a failure nor a generic 429 back-off', async () => {
    const clock = fakeClock();
    const provider = await start({
      token: (call) => (call.attempt === 1 ? slowDown429 : call.attempt === 2 ? pending : tokenReply()),
    });
    const result = await auth0(provider, clock).acquireTokenByDeviceCode({
      scopes: ['read:things'],
      onDeviceCode: () => undefined,
    });
    // a generic 429 would have backed off to 10 000 ms and then returned to 5 500 ms
    expect(clock.sleeps).toEqual([5500, 11_000, 11_000]);
    expect(provider.tokenCalls).toHaveLength(3);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
  });

  it('extraParameters.audience reaches the device authorization request', async () => {
    const clock = fakeClock();
    const provider = await start({ token: () => tokenReply() });
    await auth0(provider, clock).acquireTokenByDeviceCode({
      scopes: ['read:things'],
      extraParameters: { audience: AUDIENCE },
      onDeviceCode: () => undefined,
    });
    expect(provider.deviceCalls[0]!.form).toEqual({
      client_id: CLIENT_ID,
      audience: AUDIENCE,
      scope: 'openid profile offline_access read:things',
    });
    // the token request identifies the grant by the device code alone
    expect(provider.tokenCalls[0]!.form).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: CLIENT_ID,
      device_code: DEVICE_CODE,
    });
  });
});
