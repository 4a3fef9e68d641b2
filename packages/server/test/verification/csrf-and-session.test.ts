import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attemptsKey, successesKey } from '../../src/verification/limits.js';
import { startVerificationApp, USER, type VerificationApp } from '../support/verification-app.js';
import { browserOn, enterCode, reachConsent } from './steps.js';

let server: VerificationApp;
beforeEach(async () => {
  server = await startVerificationApp();
});
afterEach(async () => {
  await server.close();
});

const COOKIE = 'devicelogin';

/** The session cookie's JSON payload. */
function payloadOf(value: string): Record<string, unknown> {
  const [, payload = ''] = value.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The cookie with its payload changed and the old signature kept. */
function tampered(value: string, changes: Record<string, unknown>): string {
  const [version, payload = '', signature] = value.split('.');
  const json = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object), ...changes };
  return [version, Buffer.from(JSON.stringify(json)).toString('base64url'), signature].join('.');
}

describe('CSRF', () => {
  it('every POST without the token gets 403 and changes nothing (no approval, no counted failure)', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    await reachConsent(browser, 'BCDF-GHJK');

    const consent = await browser.post('/device/consent', { action: 'allow' });
    expect(consent.status).toBe(403);
    expect(consent.html).toContain('Nothing was changed.');
    const signIn = await browser.post('/device/signin', { username: USER.username, password: 'wrong' });
    expect(signIn.status).toBe(403);
    const code = await browser.post('/device', { user_code: 'ZZZZ-ZZZZ' });
    expect(code.status).toBe(403);

    expect((await server.record('BCDFGHJK')).status).toBe('pending');
    const now = server.clock.now();
    // Failures: attempts not given back by a success (the code entry and sign-in of reachConsent).
    const count = (key: string) => server.store.count(key, 15 * 60_000, now);
    for (const key of ['verify:code:ip:198.51.100.10', 'verify:code:global', 'verify:signin:ip:198.51.100.10']) {
      expect((await count(attemptsKey({ key }))) - (await count(successesKey({ key })))).toBe(0);
      expect(await count(attemptsKey({ key }))).toBe(1);
    }
  });

  it('a token of another session, a wrong token or a token without the cookie get 403', async () => {
    await server.issue('BCDF-GHJK');
    const victim = browserOn(server);
    const consent = await reachConsent(victim, 'BCDF-GHJK');
    const attacker = browserOn(server, '192.0.2.66');
    const attackerForm = await attacker.get('/device');

    const withAttackerToken = await victim.post('/device/consent', { csrf: attackerForm.csrf ?? '', action: 'allow' });
    expect(withAttackerToken.status).toBe(403);
    const wrong = await victim.post('/device/consent', { csrf: `${consent.csrf ?? ''}x`, action: 'allow' });
    expect(wrong.status).toBe(403);
    const noCookie = browserOn(server);
    expect((await noCookie.post('/device/consent', { csrf: consent.csrf ?? '', action: 'allow' })).status).toBe(403);
    const genuine = await victim.post('/device/consent', { csrf: consent.csrf ?? '', action: 'allow' });
    expect(genuine.status).toBe(303); // the victim's own token works
    expect((await server.record('BCDFGHJK')).subject).toBe(server.user.id);
  });
});

describe('session binding', () => {
  it('a session bound to code A cannot approve code B', async () => {
    const a = await server.issue('BCDF-GHJK');
    const b = await server.issue('LMNP-QRST');
    const browser = browserOn(server);
    const consent = await reachConsent(browser, 'BCDF-GHJK');
    const cookie = browser.cookies.get(COOKIE) ?? '';
    expect(payloadOf(cookie)['recordId']).toBe(a.id);

    // Swapping the bound record in the cookie breaks its signature.
    browser.cookies.set(COOKIE, tampered(cookie, { recordId: b.id, recordKey: b.deviceCodeHash }));
    expect((await browser.post('/device/consent', { csrf: consent.csrf ?? '', action: 'allow' })).status).toBe(403);
    expect((await browser.get('/device/consent')).location).toBe('/device');

    // Naming B in the form does nothing: the form has no say in which code is approved.
    browser.cookies.set(COOKIE, cookie);
    const done = await browser.submit(consent, {
      action: 'allow',
      id: b.id,
      recordId: b.id,
      user_code: 'LMNP-QRST',
    });
    expect(done.status).toBe(200);
    expect((await server.record('BCDFGHJK')).status).toBe('approved');
    expect((await server.record('LMNPQRST')).status).toBe('pending');
  });

  it('the cookie of a browser that only entered code B plus the token of a signed-in browser for A get 403', async () => {
    await server.issue('BCDF-GHJK');
    await server.issue('LMNP-QRST');
    const signedIn = browserOn(server);
    const consent = await reachConsent(signedIn, 'BCDF-GHJK');
    const other = browserOn(server);
    await enterCode(other, 'LMNP-QRST');
    const answer = await other.post('/device/consent', { csrf: consent.csrf ?? '', action: 'allow' });
    expect(answer.status).toBe(403);
    expect((await server.record('LMNPQRST')).status).toBe('pending');
  });

  it('the cookie holds ids, a nonce and an expiry: no user code, no password; it is rotated at each step', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    await browser.get('/device');
    const entry = browser.cookies.get(COOKIE) ?? '';
    const consent = await reachConsent(browser, 'BCDF-GHJK');
    const signedIn = browser.cookies.get(COOKIE) ?? '';
    expect(signedIn).not.toBe(entry);
    expect(payloadOf(entry)['nonce']).not.toBe(payloadOf(signedIn)['nonce']);
    expect(Object.keys(payloadOf(signedIn)).sort()).toEqual(['expiresAt', 'nonce', 'recordId', 'recordKey', 'userId']);
    const decoded = Buffer.from(signedIn.split('.')[1] ?? '', 'base64url').toString('utf8');
    for (const secret of ['BCDFGHJK', 'BCDF-GHJK', 'bcdfghjk', USER.password]) {
      expect(decoded).not.toContain(secret);
      expect(signedIn).not.toContain(secret);
    }
    await browser.submit(consent, { action: 'deny' });
    expect(Object.keys(payloadOf(browser.cookies.get(COOKIE) ?? ''))).not.toContain('userId');
  });
});
