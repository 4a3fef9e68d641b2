import { describe, expect, it } from 'vitest';
import { fakeClock } from '@devicelogin/test-utils';
import { DeviceCodeExpiredError, NetworkError, ServerError } from '@devicelogin/client';
import {
  ACCESS_TOKEN,
  errorReply,
  genericApp,
  signIn,
  standardDeviceReply,
  tokenReply,
  useFakeProvider,
  type FakeProviderOptions,
  type Reply,
} from '../support/fake-provider.js';
import { expectNoSecrets, rejectionOf } from '../support/outcome.js';

// Transient failures of the token endpoint are retried within the code's lifetime (Retry-After
// honoured, otherwise bounded exponential back-off from the interval: 10, 20, 40, 60, 60 s);
// final ones end the sign-in with a ServerError. Interval 5 s, margin 10 %.

const CLIENT_ID = 'client-retry';

const start = useFakeProvider();

/** Answers `replies[n-1]` to the n-th poll, the last one forever after. */
function script(...replies: Reply[]): FakeProviderOptions['token'] {
  return (call) => replies[Math.min(call.attempt, replies.length) - 1]!;
}

const busy = (headers: Record<string, string> = {}, status = 503): Reply => ({
  status,
  headers,
  text: 'Service Unavailable',
});

describe('retries of the token endpoint', () => {
  it('503 with Retry-After: 7 → the next poll 7 000 ms later, then success', async () => {
    const clock = fakeClock();
    const p = await start({ token: script(busy({ 'retry-after': '7' }), tokenReply()) });
    const result = await signIn(genericApp(p, CLIENT_ID, clock));
    expect(clock.sleeps).toEqual([5500, 7000]);
    expect(p.tokenCalls).toHaveLength(2);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
  });

  it('a Retry-After shorter than the interval still waits the interval', async () => {
    const clock = fakeClock();
    const p = await start({ token: script(busy({ 'retry-after': '1' }), tokenReply()) });
    await signIn(genericApp(p, CLIENT_ID, clock));
    expect(clock.sleeps).toEqual([5500, 5000]);
  });

  it('a Retry-After HTTP-date is read against the injected clock', async () => {
    const clock = fakeClock();
    const p = await start({
      token: (call) =>
        call.attempt === 1 ? busy({ 'retry-after': new Date(clock.now() + 12_000).toUTCString() }) : tokenReply(),
    });
    await signIn(genericApp(p, CLIENT_ID, clock));
    expect(clock.sleeps).toEqual([5500, 12_000]);
  });

  it('429 without Retry-After → bounded exponential back-off, reset by a pending answer', async () => {
    const clock = fakeClock();
    const tooMany = busy({}, 429);
    const p = await start({
      token: script(
        tooMany,
        tooMany,
        tooMany,
        tooMany,
        tooMany,
        errorReply('authorization_pending'),
        tooMany,
        tokenReply(),
      ),
    });
    const result = await signIn(genericApp(p, CLIENT_ID, clock));
    expect(clock.sleeps).toEqual([5500, 10_000, 20_000, 40_000, 60_000, 60_000, 5500, 10_000]);
    expect(p.tokenCalls).toHaveLength(8);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
  });

  it.each(['temporarily_unavailable', 'server_error'])('the OAuth error %s is retried', async (error) => {
    const clock = fakeClock();
    const p = await start({ token: script(errorReply(error, {}, 503), errorReply(error, {}, 503), tokenReply()) });
    const result = await signIn(genericApp(p, CLIENT_ID, clock));
    expect(clock.sleeps).toEqual([5500, 10_000, 20_000]);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
  });

  it('temporarily_unavailable with Retry-After honours it', async () => {
    const clock = fakeClock();
    const p = await start({
      token: script(
        { status: 503, headers: { 'retry-after': '30' }, json: { error: 'temporarily_unavailable' } },
        tokenReply(),
      ),
    });
    await signIn(genericApp(p, CLIENT_ID, clock));
    expect(clock.sleeps).toEqual([5500, 30_000]);
  });

  it('a connection reset is retried within the expiry, then the sign-in succeeds', async () => {
    const clock = fakeClock();
    const p = await start({ clock, token: script({ reset: true }, { reset: true }, tokenReply()) });
    let expiresAt = 0;
    const result = await signIn(genericApp(p, CLIENT_ID, clock), (info) => (expiresAt = info.expiresAt.getTime()));
    expect(p.tokenCalls).toHaveLength(3);
    expect(clock.sleeps).toEqual([5500, 10_000, 20_000]);
    expect(p.tokenCalls.every((call) => call.at! < expiresAt)).toBe(true);
    expect(result.accessToken).toBe(ACCESS_TOKEN);
  });

  it('resets that never stop end at the expiry with DeviceCodeExpiredError, never in a busy loop', async () => {
    const clock = fakeClock();
    const p = await start({
      clock,
      device: (_call, fake) => standardDeviceReply(fake.url, { expires_in: 120 }),
      token: script({ reset: true }),
    });
    let expiresAt = 0;
    const error = await rejectionOf(
      signIn(genericApp(p, CLIENT_ID, clock), (info) => (expiresAt = info.expiresAt.getTime())),
      DeviceCodeExpiredError,
    );
    // 5.5, then back-off 10, 20, 40 s; the next 60 s wait is cut at the 120 s expiry
    expect(clock.sleeps).toEqual([5500, 10_000, 20_000, 40_000, 44_500]);
    expect(p.tokenCalls).toHaveLength(4);
    expect(p.tokenCalls.every((call) => call.at! < expiresAt)).toBe(true);
    // the last network failure is kept as the cause, so the user learns why
    expect(error.cause).toBeInstanceOf(NetworkError);
    expectNoSecrets(error);
  });

  it('a Retry-After beyond the expiry: no poll after expiry, DeviceCodeExpiredError', async () => {
    const clock = fakeClock();
    const p = await start({ clock, token: script(busy({ 'retry-after': '3600' })) });
    const error = await rejectionOf(signIn(genericApp(p, CLIENT_ID, clock)), DeviceCodeExpiredError);
    expect(p.tokenCalls).toHaveLength(1);
    expect(clock.sleeps).toEqual([5500, 900_000 - 5500]);
    expect(error.server).toBeUndefined();
  });
});

describe('final HTTP failures', () => {
  it('a 400 HTML page from a proxy on the token endpoint → ServerError with status 400, no retry', async () => {
    const clock = fakeClock();
    const p = await start({
      token: script({
        status: 400,
        contentType: 'text/html',
        text: '<html><head><title>400 Bad Request</title></head><body>Request blocked by proxy</body></html>',
      }),
    });
    const error = await rejectionOf(signIn(genericApp(p, CLIENT_ID, clock)), ServerError);
    expect(error.status).toBe(400);
    expect(error.server).toBeUndefined();
    expect(p.tokenCalls).toHaveLength(1);
    expectNoSecrets(error);
  });

  it('a 400 HTML page on the device endpoint → ServerError with status 400', async () => {
    const clock = fakeClock();
    const p = await start({
      device: () => ({ status: 400, contentType: 'text/html', text: '<html><body>Bad Request</body></html>' }),
      token: () => tokenReply(),
    });
    const error = await rejectionOf(signIn(genericApp(p, CLIENT_ID, clock)), ServerError);
    expect(error.status).toBe(400);
    expect(p.tokenCalls).toHaveLength(0);
  });

  it('the device endpoint is not retried: a 503 there ends the call', async () => {
    const clock = fakeClock();
    const p = await start({ device: () => busy({ 'retry-after': '1' }), token: () => tokenReply() });
    const error = await rejectionOf(signIn(genericApp(p, CLIENT_ID, clock)), ServerError);
    expect(error.status).toBe(503);
    expect(p.deviceCalls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each([301, 302, 307, 308])(
    'a %i redirect from the token endpoint is not followed → ServerError',
    async (status) => {
      const clock = fakeClock();
      const p = await start({
        token: (_call, fake) => ({ status, headers: { location: `${fake.url}/elsewhere/token` }, text: '' }),
      });
      const error = await rejectionOf(signIn(genericApp(p, CLIENT_ID, clock)), ServerError);
      expect(error.status).toBe(status);
      expect(p.tokenCalls).toHaveLength(1);
      // the device code was never re-posted to the redirect target
      expect(p.requests.some((r) => r.url.startsWith('/elsewhere'))).toBe(false);
      expectNoSecrets(error);
    },
  );
});
