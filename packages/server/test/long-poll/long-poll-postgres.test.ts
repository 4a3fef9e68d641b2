/**
 * Long-poll across instances: two apps on one PostgreSQL database (`databaseUrl`, so each opens
 * its own LISTEN connection). A token request held on one is woken by the approval made through
 * the pages of the other; with the listener cut, a held request still ends at N.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  freshPostgresDatabase,
  manualClock,
  startTcpRelay,
  type TestDatabase,
} from '@devicelogin/test-utils';
import { buildApp, type BuiltApp } from '../../src/app.js';
import { openPostgresEvents } from '../../src/events/postgres-events.js';
import { BrowserSession } from '../support/browser-session.js';
import { decide, reachConsent } from '../support/page-steps.js';
import { CLIENT_ID, TEST_BROWSER_AGENT, USER } from '../support/test-server.js';

let database: TestDatabase | undefined;
afterAll(async () => database?.drop());
const dispose: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of dispose.splice(0).reverse()) await step();
});

async function databaseUrl(): Promise<string> {
  database ??= await freshPostgresDatabase();
  return database.url;
}

/** An instance listening on 127.0.0.1:0 (publicUrl fixed after listening is not needed here). */
async function instance(
  url: string,
  clock: ReturnType<typeof manualClock>,
  extra: Partial<Parameters<typeof buildApp>[0]> = {},
): Promise<{ built: BuiltApp; base: string }> {
  const built = await buildApp({
    config: {
      publicUrl: 'http://127.0.0.1',
      databaseUrl: url,
      clients: [{ clientId: CLIENT_ID, name: 'CLI' }],
      users: [USER],
    },
    clock,
    ...extra,
  });
  dispose.push(() => built.app.close());
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  return { built, base: `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}` };
}

async function deviceCode(base: string): Promise<{ deviceCode: string; userCode: string }> {
  const response = await fetch(`${base}/contoso/oauth2/v2.0/devicecode`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `client_id=${CLIENT_ID}&scope=openid%20offline_access`,
  });
  const body = (await response.json()) as Record<string, string>;
  return { deviceCode: body['device_code']!, userCode: body['user_code']! };
}

function heldPoll(base: string, code: string, wait: number): Promise<Response> {
  return fetch(`${base}/contoso/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', prefer: `wait=${wait}` },
    body: new URLSearchParams({ grant_type: 'device_code', client_id: CLIENT_ID, device_code: code }).toString(),
  });
}

/** A long-poll channel whose LISTEN connection goes through a TCP relay the test can cut. */
async function relayedEvents() {
  const url = new URL(await databaseUrl());
  const relay = await startTcpRelay(Number(url.port || 5432), url.hostname);
  dispose.push(() => relay.close());
  const relayed = new URL(url);
  relayed.port = String(relay.port);
  const clock = manualClock(Date.now());
  const events = await openPostgresEvents({
    connectionString: relayed.toString(),
    sleep: (ms, signal) => clock.sleep(ms, signal),
  });
  return { url, relay, clock, events };
}

describe('long-poll on PostgreSQL (LISTEN/NOTIFY)', () => {
  it('an approval through the pages of one instance wakes a request held on another', async () => {
    const url = await databaseUrl();
    const clock = manualClock(Date.now());
    const a = await instance(url, clock);
    const b = await instance(url, clock);
    const { deviceCode: code, userCode } = await deviceCode(a.base);
    const answer = heldPoll(a.base, code, 20);
    await eventually(() => a.built.context.events.waiting === 1);

    const browser = new BrowserSession(b.base, { userAgent: TEST_BROWSER_AGENT });
    await decide(browser, await reachConsent(browser, userCode, USER), 'allow');

    const response = await answer;
    expect(response.status).toBe(200);
    expect(response.headers.get('preference-applied')).toBe('wait=20');
    expect(typeof ((await response.json()) as Record<string, unknown>)['access_token']).toBe('string');
    expect(clock.pending).toBe(0); // woken by the notification: the 20 s timer never ran out
  });

  it('with the listener cut, a held request still ends at N; once it is back, notifications arrive again', async () => {
    const { url, relay, clock, events } = await relayedEvents();
    expect(events.listening).toBe(true);
    const a = await instance(url.toString(), clock, { events });
    const b = await instance(url.toString(), clock);
    const { deviceCode: code, userCode } = await deviceCode(a.base);

    await relay.cut();
    await eventually(() => !events.listening);
    const answer = heldPoll(a.base, code, 5);
    await eventually(() => events.waiting === 1);
    clock.advance(5000);
    const timedOut = await answer;
    expect(((await timedOut.json()) as Record<string, unknown>)['error']).toBe('authorization_pending');
    expect(timedOut.headers.get('preference-applied')).toBe('wait=5');

    await relay.restore();
    await eventually(() => events.listening);
    const again = heldPoll(a.base, code, 20);
    await eventually(() => events.waiting === 1);
    const browser = new BrowserSession(b.base, { userAgent: TEST_BROWSER_AGENT });
    await decide(browser, await reachConsent(browser, userCode, USER), 'deny');
    const denied = await again;
    expect(((await denied.json()) as Record<string, unknown>)['error']).toBe('access_denied');
  });

  it('a pending poll answered from memory on one instance sees an approval made on the other at its next poll', async () => {
    const url = await databaseUrl();
    const clock = manualClock(Date.now());
    const a = await instance(url, clock);
    const b = await instance(url, clock);
    const { deviceCode: code, userCode } = await deviceCode(a.base);
    const decided: (string | undefined)[] = [];
    a.built.context.events.watch((id) => decided.push(id));
    expect(await pollError(a.base, code)).toBe('authorization_pending'); // now known pending on a
    clock.advance(5000);
    expect(await pollError(a.base, code)).toBe('authorization_pending');
    const browser = new BrowserSession(b.base, { userAgent: TEST_BROWSER_AGENT });
    await decide(browser, await reachConsent(browser, userCode, USER), 'allow');
    await eventually(() => decided.length === 1); // b's NOTIFY reached a
    clock.advance(5000);
    const tokens = await heldPoll(a.base, code, 0);
    expect(tokens.status).toBe(200);
  });

  it('with its listener cut, an instance stops answering from memory: a decision it did not hear of is still seen', async () => {
    const { url, relay, clock, events } = await relayedEvents();
    const a = await instance(url.toString(), clock, { events });
    const b = await instance(url.toString(), clock);
    const { deviceCode: code, userCode } = await deviceCode(a.base);
    expect(await pollError(a.base, code)).toBe('authorization_pending'); // known pending on a
    await relay.cut();
    await eventually(() => !events.listening);
    const browser = new BrowserSession(b.base, { userAgent: TEST_BROWSER_AGENT });
    await decide(browser, await reachConsent(browser, userCode, USER), 'deny');
    clock.advance(5000);
    expect(await pollError(a.base, code)).toBe('access_denied');
  });
});

/** A plain poll's OAuth error code (undefined when it got tokens). */
async function pollError(base: string, code: string): Promise<string | undefined> {
  const response = await heldPoll(base, code, 0);
  return ((await response.json()) as Record<string, string | undefined>)['error'];
}
