import { describe, expect, it } from 'vitest';
import { fakeClock } from '@devicelogin/test-utils';
import { CancelledError, RequestTimeoutError, TimeoutError, type DeviceCodeInfo } from '@devicelogin/client';
import { ACCESS_TOKEN, errorReply, genericApp, tokenReply, useFakeProvider } from '../support/fake-provider.js';
import { deferred, expectNoSecrets, rejectionOf } from '../support/outcome.js';

// The operation's own deadline (`timeoutMs`, in clock time), the per-request timeout
// (`system.requestTimeoutMs`, a real timer inside the transport: 200 ms here) and cancellation.
// A request that "never answers" is the fake's `hang` reply; close() in afterEach destroys it.

const CLIENT_ID = 'client-timeouts';

const start = useFakeProvider();

describe('the operation deadline (timeoutMs)', () => {
  it('timeoutMs shorter than the expiry → TimeoutError after exactly timeoutMs of clock time, no poll after it', async () => {
    const clock = fakeClock();
    const p = await start({ clock, token: () => errorReply('authorization_pending') });
    const started = clock.now();
    const error = await rejectionOf(
      genericApp(p, CLIENT_ID, clock).acquireTokenByDeviceCode({
        scopes: ['x'],
        timeoutMs: 20_000,
        onDeviceCode: () => undefined,
      }),
      TimeoutError,
    );
    expect(error.code).toBe('timeout');
    expect(error.timeoutMs).toBe(20_000);
    expect(clock.now() - started).toBe(20_000);
    // polls at 5.5, 11 and 16.5 s; the last wait is cut to the 3.5 s left
    expect(clock.sleeps).toEqual([5500, 5500, 5500, 3500]);
    expect(p.tokenCalls.map((call) => call.at! - started)).toEqual([5500, 11_000, 16_500]);
    expectNoSecrets(error);
  });

  it('completeDeviceCode honours timeoutMs the same way', async () => {
    const clock = fakeClock();
    const p = await start({ clock, token: () => errorReply('authorization_pending') });
    const client = genericApp(p, CLIENT_ID, clock);
    const flow = await client.startDeviceCode({ scopes: ['x'] });
    const started = clock.now();
    await rejectionOf(client.completeDeviceCode(flow, { timeoutMs: 12_000 }), TimeoutError);
    expect(clock.now() - started).toBe(12_000);
    expect(p.tokenCalls.every((call) => call.at! < started + 12_000)).toBe(true);
  });
});

describe('the per-request timeout (system.requestTimeoutMs)', () => {
  it('a token endpoint that never answers is retried as a transient failure', async () => {
    const clock = fakeClock();
    const p = await start({ token: (call) => (call.attempt === 1 ? { hang: true } : tokenReply()) });
    const result = await genericApp(p, CLIENT_ID, clock, {
      system: { requestTimeoutMs: 200 },
    }).acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode: () => undefined });
    expect(p.tokenCalls).toHaveLength(2);
    // the timed-out poll backs off like a network failure: 2 × interval
    expect(clock.sleeps).toEqual([5500, 10_000]);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
  });

  it('a device endpoint that never answers → RequestTimeoutError (not retried)', async () => {
    const clock = fakeClock();
    const p = await start({ device: () => ({ hang: true }), token: () => tokenReply() });
    const error = await rejectionOf(
      genericApp(p, CLIENT_ID, clock, { system: { requestTimeoutMs: 200 } }).acquireTokenByDeviceCode({
        scopes: ['x'],
        onDeviceCode: () => undefined,
      }),
      RequestTimeoutError,
    );
    expect(error.code).toBe('request_timeout');
    expect(error.timeoutMs).toBe(200);
    expect(error.endpoint).toBe(`${p.url}/device/code`);
    expect(p.deviceCalls).toHaveLength(1);
    expect(p.tokenCalls).toHaveLength(0);
  });
});

describe('cancellation', () => {
  // requestTimeoutMs is far beyond the test timeout: only the abort can end these calls.
  const NEVER = 3_600_000;

  it('an AbortSignal aborted while a poll is in flight → CancelledError at once, with the reason as cause', async () => {
    const clock = fakeClock();
    const inFlight = deferred();
    const p = await start({
      token: () => {
        inFlight.resolve();
        return { hang: true };
      },
    });
    const controller = new AbortController();
    const reason = new Error('stopped by the user');
    const pending = genericApp(p, CLIENT_ID, clock, { system: { requestTimeoutMs: NEVER } }).acquireTokenByDeviceCode({
      scopes: ['x'],
      signal: controller.signal,
      onDeviceCode: () => undefined,
    });
    await inFlight.promise;
    controller.abort(reason);
    const error = await rejectionOf(pending, CancelledError);
    expect(error.code).toBe('cancelled');
    expect(error.cause).toBe(reason);
    expect(p.tokenCalls).toHaveLength(1);
    expect(clock.sleeps).toEqual([5500]);
  });

  it('an AbortSignal aborted while the device request is in flight → CancelledError, no poll', async () => {
    const clock = fakeClock();
    const inFlight = deferred();
    const p = await start({
      device: () => {
        inFlight.resolve();
        return { hang: true };
      },
      token: () => tokenReply(),
    });
    const controller = new AbortController();
    const shown: DeviceCodeInfo[] = [];
    const pending = genericApp(p, CLIENT_ID, clock, { system: { requestTimeoutMs: NEVER } }).acquireTokenByDeviceCode({
      scopes: ['x'],
      signal: controller.signal,
      onDeviceCode: (info) => {
        shown.push(info);
      },
    });
    await inFlight.promise;
    controller.abort();
    await rejectionOf(pending, CancelledError);
    expect(shown).toEqual([]);
    expect(p.tokenCalls).toHaveLength(0);
  });
});
