/**
 * Pending polls from memory (endpoints/grants/pending-codes.ts), SQLite and in-process events:
 * once the server has read a code as pending, its next polls read nothing from the store; a
 * decision on the pages is seen at the very next poll; expiry is still answered on time.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '@devicelogin/test-utils';
import { buildApp, type BuiltApp } from '../../src/app.js';
import { PendingCodes } from '../../src/endpoints/grants/pending-codes.js';
import { InProcessDeviceCodeEvents } from '../../src/events/in-process-events.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { BrowserSession } from '../support/browser-session.js';
import { decide, reachConsent } from '../support/page-steps.js';
import { CLIENT_ID, TEST_BROWSER_AGENT, USER } from '../support/test-server.js';

let built: BuiltApp | undefined;
afterEach(async () => {
  await built?.app.close();
  built = undefined;
});

/** The server on a SQLite store whose device-code lookups by hash are counted. */
async function start() {
  const clock = manualClock(Date.now());
  const store = openSqliteStore({ path: ':memory:' });
  const reads = { byHash: 0 };
  const counting: Store = {
    ...store,
    findDeviceCodeByHash: (hash) => {
      reads.byHash += 1;
      return store.findDeviceCodeByHash(hash);
    },
  };
  built = await buildApp({
    config: { publicUrl: 'http://127.0.0.1', clients: [{ clientId: CLIENT_ID, name: 'CLI' }], users: [USER] },
    store: counting,
    clock,
  });
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}`;
  const issued = (await (
    await fetch(`${base}/contoso/oauth2/v2.0/devicecode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `client_id=${CLIENT_ID}&scope=openid%20offline_access`,
    })
  ).json()) as Record<string, string>;
  const poll = async (): Promise<{ status: number; error: string | undefined }> => {
    const response = await fetch(`${base}/contoso/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'device_code',
        client_id: CLIENT_ID,
        device_code: issued['device_code']!,
      }).toString(),
    });
    return { status: response.status, error: ((await response.json()) as Record<string, string>)['error'] };
  };
  return { base, clock, reads, poll, userCode: issued['user_code']! };
}

describe('pending polls from memory', () => {
  it('after the first read, polls of a pending code read nothing; an approval is seen at the next poll', async () => {
    const { base, clock, reads, poll, userCode } = await start();
    expect(await poll()).toStrictEqual({ status: 400, error: 'authorization_pending' });
    expect(reads.byHash).toBe(1);
    for (let i = 0; i < 5; i += 1) {
      clock.advance(5000);
      expect((await poll()).error).toBe('authorization_pending');
    }
    expect(reads.byHash).toBe(1);
    const browser = new BrowserSession(base, { userAgent: TEST_BROWSER_AGENT });
    await decide(browser, await reachConsent(browser, userCode, USER), 'allow');
    clock.advance(5000);
    expect((await poll()).status).toBe(200);
  });

  it('memory is trusted for 60 s at most, and expiry is answered on time', async () => {
    const { clock, reads, poll } = await start();
    await poll();
    clock.advance(59_000);
    await poll();
    expect(reads.byHash).toBe(1);
    clock.advance(2_000);
    await poll();
    expect(reads.byHash).toBe(2);
    clock.advance(900_000 - 61_000); // the default code lifetime
    expect(await poll()).toStrictEqual({ status: 400, error: 'expired_token' });
  });

  it('a read overtaken by a decision is not remembered, and a read that finds the code decided forgets it', async () => {
    const events = new InProcessDeviceCodeEvents((ms, signal) => manualClock().sleep(ms, signal));
    const codes = new PendingCodes(events);
    const record = {
      id: 'code-1',
      deviceCodeHash: 'hash-1',
      userCodeHash: 'user-1',
      clientId: CLIENT_ID,
      tenant: 'contoso',
      scope: 'openid',
      createdAt: 0,
      expiresAt: 900_000,
      interval: 5,
      status: 'pending' as const,
      requestIp: '127.0.0.1',
      requestUserAgent: 'test',
      subject: undefined,
      grantedScope: undefined,
      decidedAt: undefined,
      consumedAt: undefined,
      grantId: undefined,
    };
    const before = codes.generation;
    await events.publish('code-1'); // the approval's NOTIFY, processed while the read was in flight
    codes.remember(record, 1_000, before);
    expect(codes.get('hash-1', 1_000)).toBeUndefined();
    codes.remember(record, 1_000, codes.generation);
    expect(codes.get('hash-1', 1_000)).toMatchObject({ id: 'code-1' });
    codes.remember({ ...record, status: 'approved' }, 2_000, codes.generation);
    expect(codes.get('hash-1', 2_000)).toBeUndefined();
  });
});
