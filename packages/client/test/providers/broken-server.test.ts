import { describe, expect, it } from 'vitest';
import { fakeClock } from '@devicelogin/test-utils';
import { DeviceCodeExpiredError, ServerError, type DeviceCodeInfo } from '@devicelogin/client';
import {
  ACCESS_TOKEN,
  DEVICE_CODE,
  USER_CODE,
  errorReply,
  genericApp,
  standardDeviceReply,
  useFakeProvider,
} from '../support/fake-provider.js';
import { expectNoSecrets, rejectionOf } from '../support/outcome.js';

// Servers that do not keep their side of RFC 8628: the client must hold its own.

const CLIENT_ID = 'client-broken';

const start = useFakeProvider();

describe('a broken server', () => {
  it('answering authorization_pending after expiry: the client raises DeviceCodeExpiredError at expires_in, no poll after', async () => {
    const clock = fakeClock();
    // 60 s lifetime, 7 s interval: polls every 7.7 s at 7.7 … 53.9 s, then one shortened wait to 60 s
    const provider = await start({
      clock,
      device: (_call, p) => standardDeviceReply(p.url, { expires_in: 60, interval: 7 }),
      token: () => errorReply('authorization_pending'),
    });
    let expiresAt = 0;
    const error = await rejectionOf(
      genericApp(provider, CLIENT_ID, clock).acquireTokenByDeviceCode({
        scopes: ['x'],
        onDeviceCode: (info: DeviceCodeInfo) => {
          expiresAt = info.expiresAt.getTime();
        },
      }),
      DeviceCodeExpiredError,
    );
    expect(error.code).toBe('device_code_expired');
    expect(error.server).toBeUndefined();
    expect(error.message).toMatch(/checked by the client/);
    expect(provider.tokenCalls).toHaveLength(7);
    expect(provider.tokenCalls.every((call) => call.at! < expiresAt)).toBe(true);
    expect(clock.sleeps.map(Math.round)).toEqual([7700, 7700, 7700, 7700, 7700, 7700, 7700, 6100]);
    expect(clock.now()).toBe(expiresAt);
    expectNoSecrets(error);
  });

  it('answering slow_down forever: the interval keeps growing and the client still stops at expiry', async () => {
    const clock = fakeClock();
    const provider = await start({ clock, token: () => errorReply('slow_down') });
    let expiresAt = 0;
    await rejectionOf(
      genericApp(provider, CLIENT_ID, clock).acquireTokenByDeviceCode({
        scopes: ['x'],
        onDeviceCode: (info) => {
          expiresAt = info.expiresAt.getTime();
        },
      }),
      DeviceCodeExpiredError,
    );
    // intervals 5, 10, 15, … s (+10 %) until 900 s are used up
    const waits = clock.sleeps.map(Math.round);
    expect(waits.slice(0, 5)).toEqual([5500, 11_000, 16_500, 22_000, 27_500]);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(900_000);
    expect(provider.tokenCalls.every((call) => call.at! < expiresAt)).toBe(true);
    expect(clock.now()).toBe(expiresAt);
  });

  it('answering expired_token early: DeviceCodeExpiredError carrying the server details', async () => {
    const clock = fakeClock();
    const provider = await start({ clock, token: () => errorReply('expired_token', {}, 400) });
    const error = await rejectionOf(
      genericApp(provider, CLIENT_ID, clock).acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode: () => undefined }),
      DeviceCodeExpiredError,
    );
    expect(error.server).toMatchObject({ status: 400, error: 'expired_token' });
    expect(provider.tokenCalls).toHaveLength(1);
    expectNoSecrets(error);
  });

  it('echoing the device code (and secret fields) in an error body: the ServerError keeps none of them', async () => {
    const clock = fakeClock();
    const provider = await start({
      clock,
      token: (call) =>
        errorReply('invalid_request', {
          // the description echoes what the server received; secret-named fields are dropped whole
          error_description: `device_code ${call.form['device_code']} was rejected (user code ${USER_CODE})`,
          device_code: call.form['device_code'],
          user_code: USER_CODE,
          access_token: ACCESS_TOKEN,
        }),
    });
    const error = await rejectionOf(
      genericApp(provider, CLIENT_ID, clock).acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode: () => undefined }),
      ServerError,
    );
    expect(error.server?.error).toBe('invalid_request');
    expect(error.message).toContain('[redacted] was rejected (user code [redacted])');
    expect(error.server?.body['device_code']).toBe('[redacted]');
    expect(error.server?.body['user_code']).toBe('[redacted]');
    expect(error.server?.body['access_token']).toBe('[redacted]');
    expect(provider.tokenCalls[0]!.form['device_code']).toBe(DEVICE_CODE);
    expectNoSecrets(error);
  });
});
