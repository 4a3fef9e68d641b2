/**
 * Long-poll from the client's side (`Prefer: wait=N` when the metadata advertises it), against
 * the scripted provider on 127.0.0.1. Held requests are held by real promises the test settles;
 * the fake clock shows when the client slept (with long-poll: not before the first request).
 */
import { describe, expect, it } from 'vitest';
import { eventually, fakeClock } from '@devicelogin/test-utils';
import { CancelledError, type LogLevel } from '@devicelogin/client';
import { errorReply, genericApp, tokenReply, useFakeProvider, type Reply } from './support/fake-provider.js';
import { deferred } from './support/outcome.js';

const CLIENT_ID = 'client-long-poll';
const ADVERTISED = { device_authorization_long_poll_max_wait: 30 };
const start = useFakeProvider();

/** What a proxy that cuts long requests answers after 100 ms of real time. */
function gatewayTimeout(): Promise<Reply> {
  return new Promise((resolve) => setTimeout(() => resolve({ status: 504, text: 'Gateway Timeout' }), 100));
}

function logger(lines: string[]): (level: LogLevel, message: string) => void {
  return (level, message) => lines.push(`${level}: ${message}`);
}

describe('long-poll (client)', () => {
  it('when advertised: asks Prefer: wait=min(advertised, 20) at once and gets the tokens as soon as the server answers', async () => {
    const clock = fakeClock();
    const approved = deferred<void>();
    const p = await start({
      metadata: ADVERTISED,
      token: async () => {
        await approved.promise;
        return { ...tokenReply(), headers: { 'preference-applied': 'wait=20' } };
      },
    });
    const result = genericApp(p, CLIENT_ID, clock).acquireTokenByDeviceCode({
      scopes: ['x'],
      onDeviceCode: () => undefined,
    });
    await eventually(() => p.tokenCalls.length === 1);
    approved.resolve();
    expect((await result).accessToken).toBeTruthy();
    expect(p.tokenCalls[0]!.headers['prefer']).toBe('wait=20');
    expect(clock.sleeps).toEqual([]); // no interval before the held request
  });

  it('a pending answer with Preference-Applied keeps long-poll on', async () => {
    const clock = fakeClock();
    const p = await start({
      metadata: ADVERTISED,
      token: (call) =>
        call.attempt === 1
          ? { ...errorReply('authorization_pending'), headers: { 'preference-applied': 'wait=20' } }
          : tokenReply(),
    });
    await genericApp(p, CLIENT_ID, clock).acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode: () => undefined });
    expect(p.tokenCalls.map((call) => call.headers['prefer'])).toEqual(['wait=20', 'wait=20']);
    // The fake clock did not move during the hold: the whole interval is still waited.
    expect(clock.sleeps).toEqual([5500]);
  });

  it('not when the metadata does not advertise it, nor with system.longPoll: false', async () => {
    for (const [metadata, longPoll] of [
      [{}, undefined],
      [ADVERTISED, false],
    ] as const) {
      const clock = fakeClock();
      const p = await start({
        metadata,
        token: (call) => (call.attempt === 1 ? errorReply('authorization_pending') : tokenReply()),
      });
      await genericApp(p, CLIENT_ID, clock, {
        system: longPoll === undefined ? {} : { longPoll },
      }).acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode: () => undefined });
      expect(p.tokenCalls.map((call) => call.headers['prefer'])).toEqual([undefined, undefined]);
      expect(clock.sleeps).toEqual([5500, 5500]);
    }
  });

  it('falls back to polling at the interval when a proxy cuts the held request (504 after 100 ms)', async () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const p = await start({
      metadata: ADVERTISED,
      token: (call) =>
        call.headers['prefer'] !== undefined
          ? gatewayTimeout()
          : call.attempt === 2
            ? errorReply('authorization_pending')
            : tokenReply(),
    });
    const result = await genericApp(p, CLIENT_ID, clock, {
      system: { logger: logger(lines) },
    }).acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode: () => undefined });
    expect(result.accessToken).toBeTruthy();
    expect(p.tokenCalls.map((call) => call.headers['prefer'])).toEqual(['wait=20', undefined, undefined]);
    expect(clock.sleeps).toEqual([5500, 5500]);
    expect(lines).toContainEqual(expect.stringMatching(/^debug: Long-poll off .*HTTP 504/));
  });

  it('falls back when the connection is reset, or when a pending answer lacks Preference-Applied', async () => {
    for (const cut of [{ reset: true } satisfies Reply, errorReply('authorization_pending')]) {
      const clock = fakeClock();
      const p = await start({
        metadata: ADVERTISED,
        token: (call) => (call.attempt === 1 ? cut : tokenReply()),
      });
      await genericApp(p, CLIENT_ID, clock).acquireTokenByDeviceCode({ scopes: ['x'], onDeviceCode: () => undefined });
      expect(p.tokenCalls.map((call) => call.headers['prefer'])).toEqual(['wait=20', undefined]);
      expect(clock.sleeps).toEqual([5500]);
    }
  });

  it('an abort during a held request ends the call at once with CancelledError', async () => {
    const clock = fakeClock();
    const p = await start({ metadata: ADVERTISED, token: () => ({ hang: true }) });
    const controller = new AbortController();
    const pending = genericApp(p, CLIENT_ID, clock).acquireTokenByDeviceCode({
      scopes: ['x'],
      onDeviceCode: () => undefined,
      signal: controller.signal,
    });
    pending.catch(() => undefined);
    await eventually(() => p.tokenCalls.length === 1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(p.tokenCalls).toHaveLength(1);
  });
});
