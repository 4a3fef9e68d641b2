import { describe, expect, it } from 'vitest';
import { fakeClock } from '@devicelogin/test-utils';
import { InvalidResponseError, type DeviceCodeInfo } from '@devicelogin/client';
import {
  DEVICE_CODE,
  REFRESH_TOKEN,
  USER_CODE,
  genericApp,
  signIn,
  standardDeviceReply,
  tokenReply,
  useFakeProvider,
  type Reply,
} from '../support/fake-provider.js';
import { expectNoSecrets, rejectionOf } from '../support/outcome.js';

// Malformed responses end the sign-in with InvalidResponseError naming the culprit field, and
// never echo a code or token. Field rules: PROTOCOL-NOTES §C "Client normalisation rules".

const CLIENT_ID = 'client-bad';

const start = useFakeProvider();

/** A valid device response with some fields replaced (`undefined` removes one). */
function deviceWith(url: string, changes: Record<string, unknown>): Reply {
  const base = standardDeviceReply(url).json as Record<string, unknown>;
  const body = Object.fromEntries(
    Object.entries({ ...base, ...changes }).filter(([, value]) => value !== undefined),
  ) as Record<string, unknown>;
  return { json: body };
}

describe('malformed device authorization responses → InvalidResponseError(field)', () => {
  it.each<[string, string, (url: string) => Reply]>([
    ['missing user_code', 'user_code', (url) => deviceWith(url, { user_code: undefined })],
    [
      'an HTML page (text/html) instead of JSON',
      'content-type',
      () => ({
        contentType: 'text/html; charset=utf-8',
        text: '<!doctype html><html><body><h1>Sign in to the Wi-Fi</h1></body></html>',
      }),
    ],
    [
      'invalid JSON',
      'body',
      () => ({
        contentType: 'application/json',
        text: `{"device_code":"${DEVICE_CODE}","user_code":"${USER_CODE}","expires_in":900,`,
      }),
    ],
    ['a JSON array', 'body', () => ({ json: [DEVICE_CODE, USER_CODE] })],
    ['a negative expires_in', 'expires_in', (url) => deviceWith(url, { expires_in: -5 })],
    ['expires_in "abc"', 'expires_in', (url) => deviceWith(url, { expires_in: 'abc' })],
    ['expires_in 0', 'expires_in', (url) => deviceWith(url, { expires_in: 0 })],
    [
      'a verification_uri that is not a URL',
      'verification_uri',
      (url) => deviceWith(url, { verification_uri: 'go to our site' }),
    ],
    [
      'a javascript: verification_uri',
      'verification_uri',
      (url) => deviceWith(url, { verification_uri: 'javascript:alert(1)' }),
    ],
    ['a numeric device_code', 'device_code', (url) => deviceWith(url, { device_code: 12345678 })],
  ])('%s → field %s, and no poll', async (_name, field, reply) => {
    const clock = fakeClock();
    const provider = await start({ device: (_call, p) => reply(p.url), token: () => tokenReply() });
    const error = await rejectionOf(signIn(genericApp(provider, CLIENT_ID, clock)), InvalidResponseError);
    expect(error.code).toBe('invalid_response');
    expect(error.field).toBe(field);
    expect(error.status).toBe(200);
    expect(provider.tokenCalls).toHaveLength(0);
    expectNoSecrets(error);
  });

  it('invalid JSON quoting a code near the syntax error does not leak it through the cause', async () => {
    const clock = fakeClock();
    // a server that forgot the quotes around a value: the parser's message quotes the text around it
    const provider = await start({
      device: () => ({
        contentType: 'application/json',
        text: `{"device_code":"${DEVICE_CODE}","user_code":${USER_CODE},"expires_in":900}`,
      }),
      token: () => tokenReply(),
    });
    const error = await rejectionOf(signIn(genericApp(provider, CLIENT_ID, clock)), InvalidResponseError);
    expect(error.field).toBe('body');
    expectNoSecrets(error);
  });
});

describe('malformed token responses → InvalidResponseError(field)', () => {
  it.each<[string, string, Reply]>([
    [
      'a 200 without access_token',
      'access_token',
      { json: { token_type: 'Bearer', expires_in: 3600, refresh_token: REFRESH_TOKEN } },
    ],
    ['a 200 HTML page', 'content-type', { contentType: 'text/html', text: '<html><body>OK</body></html>' }],
    ['a 200 with expires_in "soon"', 'expires_in', tokenReply({ expires_in: 'soon' })],
  ])('%s → field %s', async (_name, field, reply) => {
    const clock = fakeClock();
    const provider = await start({
      token: (call) => (call.attempt === 1 ? { status: 400, json: { error: 'authorization_pending' } } : reply),
    });
    const error = await rejectionOf(signIn(genericApp(provider, CLIENT_ID, clock)), InvalidResponseError);
    expect(error.field).toBe(field);
    expect(error.status).toBe(200);
    // a malformed success is final: no retry after it
    expect(provider.tokenCalls).toHaveLength(2);
    expectNoSecrets(error, [REFRESH_TOKEN]);
  });
});

describe('interval normalisation', () => {
  it.each<[string, unknown, number, number]>([
    ['0 is floored to 1 s', 0, 1, 1100],
    ['0.2 is floored to 1 s', 0.2, 1, 1100],
    ['"0" (a string) is floored to 1 s', '0', 1, 1100],
    ['absent defaults to 5 s', undefined, 5, 5500],
  ])('interval %s', async (_name, interval, expectedInterval, expectedWait) => {
    const clock = fakeClock();
    const provider = await start({
      device: (_call, p) => deviceWith(p.url, { interval }),
      token: (call) => (call.attempt === 1 ? { status: 400, json: { error: 'authorization_pending' } } : tokenReply()),
    });
    const seen: DeviceCodeInfo[] = [];
    await signIn(genericApp(provider, CLIENT_ID, clock), (info) => seen.push(info));
    expect(seen[0]!.interval).toBe(expectedInterval);
    // never a busy poll: every wait is the floored interval plus the 10 % margin
    expect(clock.sleeps).toEqual([expectedWait, expectedWait]);
  });
});
