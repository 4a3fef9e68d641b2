import { afterEach, describe, expect, it } from 'vitest';
import { attemptsKey, codeFailureKey, VERIFICATION_LIMITS } from '../../src/verification/limits.js';
import { BrowserSession, type PageResponse } from '../support/browser-session.js';
import { CLIENT_ID, postForm, startTestServer, type TestServer } from '../support/test-server.js';
import { startVerificationApp, USER, type VerificationApp } from '../support/verification-app.js';
import { browserOn, enterCode, errorText, reachConsent } from './steps.js';

const MAX = VERIFICATION_LIMITS.signInPerCode.max;
const BLOCKED =
  'There were too many failed sign-in attempts with this code, so it has been blocked and nothing was granted. Start again on your device to get a new code.';

let server: VerificationApp | undefined;
let full: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  await full?.close();
  server = full = undefined;
});

/**
 * Failure number `i` against the code held by `browser` (at its sign-in page `signIn`): each from
 * its own username, so that the per-account budget (5) never answers first.
 */
function failSignIn(browser: BrowserSession, signIn: PageResponse, i: number): Promise<PageResponse> {
  return browser.post('/device/signin', {
    csrf: signIn.csrf ?? '',
    username: `guess${i}@contoso.example`,
    password: `wrong ${i}`,
  });
}

/** A browser from its own IP at the sign-in page of `code`. */
async function atSignIn(app: VerificationApp, code: string, ip: string): Promise<[BrowserSession, PageResponse]> {
  const browser = browserOn(app, ip);
  const signIn = await enterCode(browser, code);
  expect(signIn.actions).toEqual(['/device/signin']);
  return [browser, signIn];
}

describe('per-code sign-in budget', () => {
  it('is 10 failed sign-ins per device code (docs/security.md)', () => {
    expect(MAX).toBe(10);
  });

  it('the failure that uses up the budget denies the code, across browsers and IPs; nobody can approve it after', async () => {
    const app = (server = await startVerificationApp());
    const record = await app.issue('BCDF-GHJK');
    // The victim signed in before the attack: a success does not reset the code's budget.
    const victim = browserOn(app, '198.51.100.10');
    const consent = await reachConsent(victim, 'BCDF-GHJK');

    // MAX - 1 failures from three IPs (under the per-IP budget of 20): the code is still pending.
    const attackers = [
      await atSignIn(app, 'BCDF-GHJK', '192.0.2.1'),
      await atSignIn(app, 'BCDF-GHJK', '192.0.2.2'),
      await atSignIn(app, 'BCDF-GHJK', '192.0.2.3'),
    ];
    for (let i = 0; i < MAX - 1; i += 1) {
      const [browser, signIn] = attackers[i % attackers.length]!;
      const page = await failSignIn(browser, signIn, i);
      expect(page.status).toBe(401);
      expect(errorText(page)).toBe('Your username or password is incorrect.');
    }
    expect((await app.record('BCDFGHJK')).status).toBe('pending');
    expect(await app.store.count(codeFailureKey(record), 15 * 60_000, app.clock.now())).toBe(MAX - 1);

    // The MAX-th: the code is denied and the page says so, with a way to start again.
    const [last, lastSignIn] = attackers[0]!;
    const blocked = await failSignIn(last, lastSignIn, MAX);
    expect(blocked.status).toBe(403);
    expect(blocked.html).toContain('<h1>Code blocked</h1>');
    expect(errorText(blocked)).toBe(BLOCKED);
    expect(blocked.html).toContain('<a href="/device">Enter a new code</a>');
    expect(blocked.actions).toEqual([]);
    expect(blocked.setCookies).toHaveLength(1); // a new session, bound to no code
    const denied = await app.record('BCDFGHJK');
    expect(denied).toMatchObject({ status: 'denied', subject: undefined, decidedAt: app.clock.now() });
    expect(app.logs()).toContain('device code denied: too many failed sign-ins');
    expect(app.logs()).toContain(record.id);

    // The blocked browser is sent back to code entry; the other attackers can no longer sign in,
    // not even with the right password.
    expect((await last.get('/device/signin')).location).toBe('/device');
    const [other, otherSignIn] = attackers[1]!;
    const late = await other.post('/device/signin', {
      csrf: otherSignIn.csrf ?? '',
      username: USER.username,
      password: USER.password,
    });
    expect(late.status).toBe(409);
    expect(late.actions).toEqual([]);
    // The victim's earlier sign-in cannot approve it either.
    const allow = await victim.submit(consent, { action: 'allow' });
    expect(allow.status).toBe(409);
    expect(await app.record('BCDFGHJK')).toMatchObject({ status: 'denied', subject: undefined });

    // Entering the code again gets the one answer for unknown codes.
    const fresh = browserOn(app, '198.51.100.77');
    const form = await fresh.get('/device');
    const again = await fresh.post('/device', { csrf: form.csrf ?? '', user_code: 'BCDF-GHJK' });
    const unknown = await fresh.post('/device', { csrf: form.csrf ?? '', user_code: 'ZZZZ-ZZZZ' });
    expect(again.status).toBe(400);
    expect(again.html).toBe(unknown.html);
  });

  it('each code has its own budget', async () => {
    const app = (server = await startVerificationApp());
    await app.issue('BCDF-GHJK');
    await app.issue('LMNP-QRST');
    const [a, signInA] = await atSignIn(app, 'BCDF-GHJK', '192.0.2.1');
    const [b, signInB] = await atSignIn(app, 'LMNP-QRST', '192.0.2.2');
    for (let i = 0; i < MAX - 1; i += 1) {
      expect((await failSignIn(a, signInA, i)).status).toBe(401);
      expect((await failSignIn(b, signInB, 100 + i)).status).toBe(401);
    }
    expect((await failSignIn(a, signInA, MAX)).status).toBe(403);
    expect((await app.record('BCDFGHJK')).status).toBe('denied');
    expect((await app.record('LMNPQRST')).status).toBe('pending');
    // B still signs in with the right password.
    const consent = await b.submit(signInB, { username: USER.username, password: USER.password });
    expect(consent.actions).toEqual(['/device/consent']);
  });

  it('attempts out at once beyond the budget deny the code before any password is checked', async () => {
    const app = (server = await startVerificationApp());
    const record = await app.issue('BCDF-GHJK');
    const [browser, signIn] = await atSignIn(app, 'BCDF-GHJK', '192.0.2.1');
    // MAX attempts counted against the code and not back yet: a burst still being evaluated (on
    // PostgreSQL; see guessing-postgres.test.ts). They are counted in the window holding the
    // code's expiry, one counter for its whole life.
    const lifetime = record.expiresAt - record.createdAt;
    const gate = attemptsKey({ key: codeFailureKey(record) });
    for (let i = 0; i < MAX; i += 1) await app.store.hit(gate, lifetime, record.expiresAt);
    // One more, even with the right password: the code is denied, as by the failure using up its budget.
    const page = await browser.submit(signIn, { username: USER.username, password: USER.password });
    expect(page.status).toBe(403);
    expect(errorText(page)).toBe(BLOCKED);
    expect((await app.record('BCDFGHJK')).status).toBe('denied');
    expect(app.logs()).toContain('device code denied: too many failed sign-ins');
  });

  it('a right password gives the code back its attempt: only failures use up its budget', async () => {
    const app = (server = await startVerificationApp());
    await app.issue('BCDF-GHJK');
    for (let i = 0; i < 3; i += 1) {
      const victim = browserOn(app, `198.51.100.${10 + i}`);
      expect((await reachConsent(victim, 'BCDF-GHJK')).actions).toEqual(['/device/consent']);
    }
    const [browser, signIn] = await atSignIn(app, 'BCDF-GHJK', '192.0.2.1');
    for (let i = 0; i < MAX - 1; i += 1) expect((await failSignIn(browser, signIn, i)).status).toBe(401);
    expect((await app.record('BCDFGHJK')).status).toBe('pending');
    expect((await failSignIn(browser, signIn, MAX)).status).toBe(403);
  });

  it("counts over the code's whole life, across the store's counter windows", async () => {
    const app = (server = await startVerificationApp());
    // Issue the code half a lifetime before a counter window boundary (windows are aligned on
    // multiples of the lifetime): its failures fall into two windows.
    const lifetime = 15 * 60_000;
    const now = app.clock.now();
    const start = Math.floor(now / lifetime) * lifetime + lifetime / 2;
    app.clock.advance(start >= now ? start - now : start + lifetime - now);
    await app.issue('BCDF-GHJK');
    const [browser, signIn] = await atSignIn(app, 'BCDF-GHJK', '192.0.2.1');
    for (let i = 0; i < 5; i += 1) expect((await failSignIn(browser, signIn, i)).status).toBe(401);

    app.clock.advance(lifetime / 2 + 1); // into the next window; the code lives for another 7.5 min
    for (let i = 5; i < MAX - 1; i += 1) expect((await failSignIn(browser, signIn, i)).status).toBe(401);
    expect((await app.record('BCDFGHJK')).status).toBe('pending');
    expect((await failSignIn(browser, signIn, MAX)).status).toBe(403);
    expect((await app.record('BCDFGHJK')).status).toBe('denied');
  });

  it('through buildApp: the device polling a blocked code gets access_denied', async () => {
    const s = (full = await startTestServer());
    const device = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: 'openid' });
    expect(device.status).toBe(200);
    const poll = () =>
      postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: CLIENT_ID,
        device_code: String(device.body['device_code']),
      });
    expect((await poll()).body['error']).toBe('authorization_pending');

    // buildApp does not trust X-Forwarded-For: every failure comes from 127.0.0.1.
    const browser = new BrowserSession(s.url);
    const signIn = await enterCode(browser, String(device.body['user_code']));
    expect(signIn.actions).toEqual(['/device/signin']);
    const statuses: number[] = [];
    for (let i = 1; i <= MAX; i += 1) statuses.push((await failSignIn(browser, signIn, i)).status);
    expect(statuses).toEqual([...Array.from({ length: MAX - 1 }, () => 401), 403]);

    s.clock.advance(5000); // a compliant poll
    const answer = await poll();
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toBe('access_denied');
  });
});
