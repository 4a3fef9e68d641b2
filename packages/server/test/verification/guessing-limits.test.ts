import { afterEach, describe, expect, it } from 'vitest';
import { attemptsKey, successesKey, VERIFICATION_LIMITS } from '../../src/verification/limits.js';
import type { BrowserSession, PageResponse } from '../support/browser-session.js';
import { startVerificationApp, type VerificationApp } from '../support/verification-app.js';
import { browserOn } from './steps.js';

let server: VerificationApp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function guess(browser: BrowserSession, code: string): Promise<PageResponse> {
  const form = await browser.get('/device');
  return browser.post('/device', { csrf: form.csrf ?? '', user_code: code });
}

function expectLimited(page: PageResponse, now: number): void {
  expect(page.status).toBe(429);
  const retryAfter = Number(page.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  const minutes = Math.ceil(retryAfter / 60);
  expect(page.html).toContain(`Try again in ${minutes} minute${minutes === 1 ? '' : 's'} (after `);
  const when = new Date(now + retryAfter * 1000).toISOString().slice(0, 16).replace('T', ' ');
  expect(page.html).toContain(`${when} UTC`);
  expect(page.actions).toEqual([]);
}

describe('user-code guessing limits', () => {
  it('per IP: 10 failures (malformed included) then 429, even for a right code; another IP still gets through', async () => {
    server = await startVerificationApp();
    await server.issue('BCDF-GHJK');
    const attacker = browserOn(server, '192.0.2.66');
    for (let i = 0; i < VERIFICATION_LIMITS.codeEntryPerIp.max; i += 1) {
      const page = await guess(attacker, i % 2 === 0 ? 'ZZZZ-ZZZZ' : '!!');
      expect(page.status).toBe(400);
    }
    const wrong = await guess(attacker, 'ZZZZ-ZZZZ');
    const right = await guess(attacker, 'BCDF-GHJK');
    expectLimited(wrong, server.clock.now());
    // No oracle: the right code gets the very same answer while limited.
    expect(right.status).toBe(429);
    expect(right.html).toBe(wrong.html);
    expect(right.setCookies).toEqual([]);

    const user = browserOn(server, '198.51.100.10');
    const signIn = await guess(user, 'BCDF-GHJK');
    expect(signIn.status).toBe(303);
    expect(signIn.location).toBe('/device/signin');

    // The window ends: the attacker's IP may try again.
    server.clock.advance(Number(wrong.headers.get('retry-after')) * 1000);
    expect((await guess(attacker, 'ZZZZ-ZZZZ')).status).toBe(400);
  });

  it('a success never resets the IP budget', async () => {
    server = await startVerificationApp();
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server, '192.0.2.77');
    for (let i = 0; i < 9; i += 1) expect((await guess(browser, 'ZZZZ-ZZZZ')).status).toBe(400);
    expect((await guess(browser, 'bcdf ghjk')).status).toBe(303);
    expect((await guess(browser, 'ZZZZ-ZZZZ')).status).toBe(400); // the 10th failure
    expectLimited(await guess(browser, 'BCDF-GHJK'), server.clock.now());
  });

  it('per network: addresses of one /24 share a budget; the next network is not affected', async () => {
    server = await startVerificationApp({
      limits: {
        ...VERIFICATION_LIMITS,
        codeEntryPerIp: { max: 3, windowMs: 15 * 60_000 },
        codeEntryPerPrefix: { max: 4, windowMs: 15 * 60_000 },
      },
    });
    await server.issue('BCDF-GHJK');
    for (const ip of ['192.0.2.1', '192.0.2.2']) {
      const browser = browserOn(server, ip);
      for (let i = 0; i < 2; i += 1) expect((await guess(browser, 'ZZZZ-ZZZZ')).status).toBe(400);
    }
    expectLimited(await guess(browserOn(server, '192.0.2.3'), 'BCDF-GHJK'), server.clock.now());
    expect((await guess(browserOn(server, '192.0.3.3'), 'BCDF-GHJK')).status).toBe(303);
  });

  it('global spent: networks that failed wait, a clean network gets one try; then the second budget stops everyone', async () => {
    server = await startVerificationApp({
      limits: {
        ...VERIFICATION_LIMITS,
        codeEntryPerIp: { max: 3, windowMs: 15 * 60_000 },
        codeEntryGlobal: { max: 8, windowMs: 15 * 60_000 },
        codeEntryUnderAttack: { max: 2, windowMs: 15 * 60_000 },
      },
    });
    await server.issue('BCDF-GHJK');
    // Four networks, two failures each: under the per-IP budget, at the global one.
    for (let net = 1; net <= 4; net += 1) {
      const browser = browserOn(server, `192.0.${net}.1`);
      for (let i = 0; i < 2; i += 1) expect((await guess(browser, 'ZZZZ-ZZZZ')).status).toBe(400);
    }
    // The attacker's networks, even from new addresses and with the right code: refused.
    expectLimited(await guess(browserOn(server, '192.0.1.1'), 'BCDF-GHJK'), server.clock.now());
    expectLimited(await guess(browserOn(server, '192.0.4.200'), 'BCDF-GHJK'), server.clock.now());
    // A user from a network that did nothing wrong enters their code (the finding of issue 8).
    expect((await guess(browserOn(server, '198.51.100.99'), 'BCDF-GHJK')).status).toBe(303);
    // A clean network's wrong code is evaluated once, then that network waits like the others.
    const clean = browserOn(server, '203.0.113.5');
    expect((await guess(clean, 'ZZZZ-ZZZZ')).status).toBe(400);
    expectLimited(await guess(clean, 'BCDF-GHJK'), server.clock.now());
    expect((await guess(browserOn(server, '203.0.114.5'), 'ZZZZ-ZZZZ')).status).toBe(400);
    // Two failures while under attack: the second budget is spent, everyone waits for the window.
    expectLimited(await guess(browserOn(server, '203.0.115.5'), 'BCDF-GHJK'), server.clock.now());
    // Ten guesses evaluated: eight within the global budget, two under attack. The under-attack
    // budget counted four attempts (one refused) and gave the right code's back; the global one
    // refused seven and gives nothing back for a success it did not let through.
    const now = server.clock.now();
    const count = (key: string) => server!.store.count(key, 15 * 60_000, now);
    expect(await count(attemptsKey({ key: 'verify:code:global' }))).toBe(15);
    expect(await count(successesKey({ key: 'verify:code:global' }))).toBe(0);
    expect(await count(attemptsKey({ key: 'verify:code:under-attack' }))).toBe(4);
    expect(await count(successesKey({ key: 'verify:code:under-attack' }))).toBe(1);
  });

  it('checks the budget before looking the code up: a limited request counts nothing more', async () => {
    let lookups = 0;
    server = await startVerificationApp({
      wrapStore: (store) => ({
        ...store,
        findDeviceCodeByUserCode: (hash) => {
          lookups += 1;
          return store.findDeviceCodeByUserCode(hash);
        },
      }),
    });
    const browser = browserOn(server, '192.0.2.88');
    for (let i = 0; i < 15; i += 1) await guess(browser, 'ZZZZ-ZZZZ');
    expect(lookups).toBe(10);
    // Each request counts as an attempt against its address first; the five refused there were
    // charged to nothing else (network, global).
    const now = server.clock.now();
    const count = (key: string) => server!.store.count(attemptsKey({ key }), 15 * 60_000, now);
    expect(await count('verify:code:ip:192.0.2.88')).toBe(15);
    expect(await count('verify:code:prefix:192.0.2.0/24')).toBe(10);
    expect(await count('verify:code:global')).toBe(10);
  });
});
