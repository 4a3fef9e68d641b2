import { afterEach, describe, expect, it } from 'vitest';
import { VERIFICATION_LIMITS } from '../../src/verification/limits.js';
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

  it('global: failures from many IPs add up to one budget for everyone', async () => {
    server = await startVerificationApp({
      limits: {
        ...VERIFICATION_LIMITS,
        codeEntryPerIp: { max: 3, windowMs: 15 * 60_000 },
        codeEntryGlobal: { max: 8, windowMs: 15 * 60_000 },
      },
    });
    await server.issue('BCDF-GHJK');
    // Four IPs, two failures each: under the per-IP budget, at the global one.
    for (let ip = 1; ip <= 4; ip += 1) {
      const browser = browserOn(server, `192.0.2.${ip}`);
      for (let i = 0; i < 2; i += 1) expect((await guess(browser, 'ZZZZ-ZZZZ')).status).toBe(400);
    }
    const fresh = browserOn(server, '198.51.100.99');
    expectLimited(await guess(fresh, 'BCDF-GHJK'), server.clock.now());
    expect((await server.record('BCDFGHJK')).status).toBe('pending');
  });

  it('checks the budget before looking the code up: a limited request counts nothing more', async () => {
    server = await startVerificationApp();
    const browser = browserOn(server, '192.0.2.88');
    for (let i = 0; i < 15; i += 1) await guess(browser, 'ZZZZ-ZZZZ');
    const now = server.clock.now();
    expect(await server.store.count('verify:code:ip:192.0.2.88', 15 * 60_000, now)).toBe(10);
    expect(await server.store.count('verify:code:global', 15 * 60_000, now)).toBe(10);
  });
});
