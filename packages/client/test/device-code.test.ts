import { describe, expect, it } from 'vitest';
import { fakeClock, stuckClock } from '@devicelogin/test-utils';
import {
  AuthorizationDeclinedError,
  CancelledError,
  ConfigurationError,
  TimeoutError,
  DeviceCodeExpiredError,
  type PublicClientApplication,
  type DeviceCodeInfo,
} from '@devicelogin/client';
import { errorReply, genericApp, tokenReply, useFakeProvider } from './support/fake-provider.js';

const start = useFakeProvider();

const CLIENT_ID = 'client-123';

describe('acquireTokenByDeviceCode against a generic discovery provider', () => {
  it('shows the code, polls through pending, verifies the id_token and returns the tokens', async () => {
    const clock = fakeClock();
    const provider = await start({
      token: async (call, p) =>
        call.attempt < 3
          ? errorReply('authorization_pending')
          : tokenReply({
              id_token: await p.idToken(
                { sub: 'user-1', aud: CLIENT_ID, preferred_username: 'ada@example.com', name: 'Ada' },
                clock.now() / 1000,
              ),
            }),
    });
    const seen: DeviceCodeInfo[] = [];
    const result = await genericApp(provider, CLIENT_ID, clock).acquireTokenByDeviceCode({
      scopes: ['openid', 'api.read'],
      onDeviceCode: async (info) => {
        await Promise.resolve();
        seen.push(info);
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.userCode).toBe('BCDF-GHJK');
    expect(seen[0]!.message).toContain('BCDF-GHJK');
    expect(seen[0]!.interval).toBe(5);
    expect(provider.deviceCalls[0]!.form).toMatchObject({ client_id: CLIENT_ID, scope: 'openid api.read' });
    expect(provider.tokenCalls).toHaveLength(3);
    expect(provider.tokenCalls[0]!.form).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: 'DEVICE-CODE-0123456789abcdef',
      client_id: CLIENT_ID,
    });
    // each poll waited the interval plus the 10 % margin
    expect(clock.sleeps).toEqual([5500, 5500, 5500]);
    expect(result.accessToken).toBe('ACCESS-TOKEN-secret-value-1234');
    expect(result.refreshToken).toBe('REFRESH-TOKEN-secret-value-5678');
    expect(result.account).toMatchObject({ homeAccountId: 'user-1', username: 'ada@example.com', name: 'Ada' });
    expect(result.expiresOn?.getTime()).toBe(clock.now() + 3599_000);
  });

  it('slow_down adds 5 s to the interval', async () => {
    const clock = fakeClock();
    const provider = await start({
      token: (call) =>
        call.attempt === 1
          ? errorReply('slow_down')
          : call.attempt === 2
            ? errorReply('authorization_pending')
            : tokenReply(),
    });
    await genericApp(provider, CLIENT_ID, clock).acquireTokenByDeviceCode({
      scopes: ['x'],
      onDeviceCode: () => undefined,
    });
    expect(clock.sleeps).toEqual([5500, 11000, 11000]);
  });

  it('declined → AuthorizationDeclinedError', async () => {
    const provider = await start({ token: () => errorReply('access_denied') });
    await expect(
      genericApp(provider, CLIENT_ID, fakeClock()).acquireTokenByDeviceCode({
        scopes: ['x'],
        onDeviceCode: () => undefined,
      }),
    ).rejects.toBeInstanceOf(AuthorizationDeclinedError);
  });

  it('stops at expires_in by itself when the server keeps answering pending', async () => {
    const clock = fakeClock();
    const provider = await start({ token: () => errorReply('authorization_pending') });
    const started = clock.now();
    const error = await genericApp(provider, CLIENT_ID, clock)
      .acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode: () => undefined })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceCodeExpiredError);
    expect((error as DeviceCodeExpiredError).server).toBeUndefined();
    expect(clock.now() - started).toBe(900_000);
    // 900 s / 5.5 s per poll = 163 polls, none after expiry
    expect(provider.tokenCalls).toHaveLength(163);
  });

  it('an abort during the sleep ends the call at once with CancelledError', async () => {
    const clock = stuckClock();
    const provider = await start({ token: () => tokenReply() });
    const controller = new AbortController();
    const pending = genericApp(provider, CLIENT_ID, clock).acquireTokenByDeviceCode({
      scopes: ['x'],
      onDeviceCode: () => undefined,
      signal: controller.signal,
    });
    await clock.sleeping;
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(provider.tokenCalls).toHaveLength(0);
  });

  it('a missing onDeviceCode is a ConfigurationError before any request', async () => {
    const provider = await start({ token: () => tokenReply() });
    const options = { scopes: ['x'] } as unknown as Parameters<PublicClientApplication['acquireTokenByDeviceCode']>[0];
    await expect(genericApp(provider, CLIENT_ID, fakeClock()).acquireTokenByDeviceCode(options)).rejects.toBeInstanceOf(
      ConfigurationError,
    );
    expect(provider.deviceCalls).toHaveLength(0);
  });

  it('an onDeviceCode that never returns still ends at timeoutMs', async () => {
    const provider = await start({ token: () => tokenReply() });
    const error = await genericApp(provider, CLIENT_ID, fakeClock())
      .acquireTokenByDeviceCode({
        scopes: ['x'],
        timeoutMs: 50,
        onDeviceCode: () => new Promise<void>(() => undefined),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(provider.tokenCalls).toHaveLength(0);
  });
});
