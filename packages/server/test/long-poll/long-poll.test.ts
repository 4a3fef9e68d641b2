/**
 * Long-poll on the token endpoint (`Prefer: wait=N`), SQLite and in-process events, real HTTP on
 * 127.0.0.1. The server's clock is a manual one: a held request waits until the test moves time,
 * so "answered without the clock moving" proves the wake-up came from the decision.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, manualClock } from '@devicelogin/test-utils';
import { resolveServerConfig, ServerConfigError, type ServerConfig } from '@devicelogin/server';
import { CLIENT_ID, postForm, startTestServer, type TestServer } from '../support/test-server.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** The manual clock of the last server started. */
let clock = manualClock();

async function start(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  clock = manualClock(Date.now());
  return (server = await startTestServer(config, { clock }));
}

async function newCode(s: TestServer): Promise<{ deviceCode: string; userCode: string }> {
  const { body } = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, {
    client_id: CLIENT_ID,
    scope: 'openid profile offline_access',
  });
  return { deviceCode: String(body['device_code']), userCode: String(body['user_code']) };
}

/** A device-code poll, with a `Prefer` header when given. */
async function poll(s: TestServer, deviceCode: string, prefer?: string, signal?: AbortSignal): Promise<Answer> {
  const response = await fetch(`${s.url}/contoso/oauth2/v2.0/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(prefer === undefined ? {} : { prefer }),
    },
    body: new URLSearchParams({ grant_type: DEVICE_GRANT, client_id: CLIENT_ID, device_code: deviceCode }).toString(),
    ...(signal === undefined ? {} : { signal }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/**
 * Starts a held poll and resolves once the server is waiting on it, with the answer to come
 * (wrapped: an async function would wait for a returned promise).
 */
async function held(
  s: TestServer,
  deviceCode: string,
  prefer = 'wait=20',
  signal?: AbortSignal,
): Promise<{ readonly answer: Promise<Answer> }> {
  const before = s.context.events.waiting;
  const answer = poll(s, deviceCode, prefer, signal);
  answer.catch(() => undefined);
  await eventually(() => s.context.events.waiting === before + 1);
  return { answer };
}

describe('long-poll (Prefer: wait=N)', () => {
  it('a held poll is answered with tokens as soon as the user approves through the pages', async () => {
    const s = await start();
    const { deviceCode, userCode } = await newCode(s);
    const startedAt = s.clock.now();
    const { answer } = await held(s, deviceCode);
    await s.signInAndApprove(userCode);
    const { status, headers, body } = await answer;
    expect(status).toBe(200);
    expect(typeof body['access_token']).toBe('string');
    expect(headers.get('preference-applied')).toBe('wait=20');
    // Woken by the decision, not by time: the clock never moved (let alone past the 5 s interval).
    expect(s.clock.now() - startedAt).toBeLessThan(5000);
    expect(s.context.events.waiting).toBe(0);
  });

  it('/metrics shows how many token requests are held on the instance right now', async () => {
    const s = await start();
    const heldNow = async (): Promise<string | undefined> =>
      (await (await fetch(`${s.url}/metrics`)).text())
        .split('\n')
        .find((line) => line.startsWith('devicelogin_token_requests_held '));
    expect(await heldNow()).toBe('devicelogin_token_requests_held 0');
    const { deviceCode, userCode } = await newCode(s);
    const { answer } = await held(s, deviceCode);
    expect(await heldNow()).toBe('devicelogin_token_requests_held 1');
    await s.signInAndApprove(userCode);
    expect((await answer).status).toBe(200);
    expect(await heldNow()).toBe('devicelogin_token_requests_held 0');
  });

  it('a denial through the pages wakes it with access_denied', async () => {
    const s = await start();
    const { deviceCode, userCode } = await newCode(s);
    const { answer } = await held(s, deviceCode);
    await s.signInAndDeny(userCode);
    const { status, headers, body } = await answer;
    expect(status).toBe(400);
    expect(body['error']).toBe('access_denied');
    expect(headers.get('preference-applied')).toBe('wait=20');
  });

  it('when N runs out: authorization_pending with Preference-Applied naming the N applied (capped)', async () => {
    const s = await start({ longPollMaxWaitSeconds: 7 });
    const { deviceCode } = await newCode(s);
    const { answer: short } = await held(s, deviceCode, 'wait=3');
    s.clock.advance(2999);
    s.clock.advance(1);
    const first = await short;
    expect(first.status).toBe(400);
    expect(first.body['error']).toBe('authorization_pending');
    expect(first.headers.get('preference-applied')).toBe('wait=3');

    const { answer: capped } = await held(s, deviceCode, 'wait=99999999999999999999999');
    s.clock.advance(7000);
    const second = await capped;
    expect(second.body['error']).toBe('authorization_pending');
    expect(second.headers.get('preference-applied')).toBe('wait=7');
  });

  it('reads RFC 7240 lists: other preferences ignored, the first wait counts, quoted values', async () => {
    const s = await start();
    const { deviceCode } = await newCode(s);
    for (const [prefer, applied] of [
      ['respond-async, wait=2', 'wait=2'],
      ['WAIT = 3 ; foo=bar, wait=9', 'wait=3'],
      ['wait="4"', 'wait=4'],
    ] as const) {
      const { answer } = await held(s, deviceCode, prefer);
      s.clock.advance(10_000);
      expect((await answer).headers.get('preference-applied')).toBe(applied);
    }
  });

  it('ignores junk in the header: answered at once, standard, without Preference-Applied', async () => {
    const s = await start();
    const { deviceCode } = await newCode(s);
    for (const prefer of [
      'wait=-1',
      'wait=abc',
      'wait=',
      'wait=1.5',
      'wait=0',
      'respond-async',
      'wait=1e3',
      '"wait=5"',
    ]) {
      s.clock.advance(5000); // each poll respects the interval
      const { status, headers, body } = await poll(s, deviceCode, prefer);
      expect({ prefer, status, error: body['error'], applied: headers.get('preference-applied') }).toEqual({
        prefer,
        status: 400,
        error: 'authorization_pending',
        applied: null,
      });
    }
    expect(s.context.events.waiting).toBe(0);
  });

  it('without the header the answer is what standard polling answers, with long-poll on or off', async () => {
    const answers: { status: number; headers: string[]; body: Record<string, unknown> }[] = [];
    for (const longPollMaxWaitSeconds of [20, 0]) {
      const s = await start({ longPollMaxWaitSeconds });
      const { deviceCode } = await newCode(s);
      const { status, headers, body } = await poll(s, deviceCode);
      answers.push({ status, headers: [...headers.keys()].filter((h) => h !== 'date').sort(), body });
      await s.close();
      server = undefined;
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]!.headers).not.toContain('preference-applied');
  });

  it('a held poll with long-poll off (0) is answered at once', async () => {
    const s = await start({ longPollMaxWaitSeconds: 0 });
    const { deviceCode } = await newCode(s);
    const { body, headers } = await poll(s, deviceCode, 'wait=20');
    expect(body['error']).toBe('authorization_pending');
    expect(headers.get('preference-applied')).toBeNull();
  });

  it('a client that disconnects frees its waiter (and its timer) at once', async () => {
    const s = await start();
    const { deviceCode } = await newCode(s);
    const gone = new AbortController();
    const { answer } = await held(s, deviceCode, 'wait=20', gone.signal);
    expect(clock.pending).toBe(1);
    gone.abort();
    await expect(answer).rejects.toThrow();
    await eventually(() => s.context.events.waiting === 0);
    expect(clock.pending).toBe(0);
  });

  it('a held poll counts as respecting the interval: no slow_down for the poll right after it', async () => {
    const s = await start();
    const { deviceCode } = await newCode(s);
    const { answer } = await held(s, deviceCode, 'wait=2'); // shorter than the 5 s interval
    s.clock.advance(2000);
    expect((await answer).body['error']).toBe('authorization_pending');
    expect((await poll(s, deviceCode)).body['error']).toBe('authorization_pending');
    // …and a standard poll right after that one is early again: the tracker still works.
    expect((await poll(s, deviceCode)).body['error']).toBe('slow_down');
  });

  it('an early held poll gets slow_down at once, unheld', async () => {
    const s = await start();
    const { deviceCode } = await newCode(s);
    expect((await poll(s, deviceCode)).body['error']).toBe('authorization_pending');
    const { body, headers } = await poll(s, deviceCode, 'wait=20');
    expect(body['error']).toBe('slow_down');
    expect(headers.get('preference-applied')).toBeNull();
  });

  it('a code decided before the hold is answered at once (approved between poll and subscription)', async () => {
    const s = await start();
    const { deviceCode, userCode } = await newCode(s);
    await s.approve(userCode);
    const { status, headers } = await poll(s, deviceCode, 'wait=20');
    expect(status).toBe(200);
    expect(headers.get('preference-applied')).toBeNull();
  });

  it('closing the server answers held polls (pending) instead of waiting N', async () => {
    const s = await start();
    const { deviceCode } = await newCode(s);
    const { answer } = await held(s, deviceCode);
    const closing = s.close();
    server = undefined;
    expect((await answer).body['error']).toBe('authorization_pending');
    await closing;
  });

  it('advertises the maximum wait in the metadata, and nothing when long-poll is off', async () => {
    const on = await start({ longPollMaxWaitSeconds: 15 });
    const metadata = (await (await fetch(`${on.url}/contoso/v2.0/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata['device_authorization_long_poll_max_wait']).toBe(15);
    await on.close();
    const off = await start({ longPollMaxWaitSeconds: 0 });
    const none = (await (await fetch(`${off.url}/contoso/v2.0/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(none).not.toHaveProperty('device_authorization_long_poll_max_wait');
  });

  it('longPollMaxWaitSeconds must be an integer from 0 to 120', () => {
    for (const value of [-1, 121, 1.5]) {
      expect(() => resolveServerConfig({ publicUrl: 'http://127.0.0.1', longPollMaxWaitSeconds: value })).toThrow(
        ServerConfigError,
      );
    }
    expect(resolveServerConfig({ publicUrl: 'http://127.0.0.1' }).longPollMaxWaitSeconds).toBe(20);
  });
});
