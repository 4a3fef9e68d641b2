import { afterEach, describe, expect, it } from 'vitest';
import { VERIFICATION_LIMITS, type VerificationLimits } from '../../src/verification/limits.js';
import { STYLESHEET } from '../../src/views/styles.js';
import { enrolDirectly, KNOWN_RECOVERY_CODES, totpCode } from '../support/totp.js';
import { startVerificationApp, USER, type VerificationApp } from '../support/verification-app.js';
import { afterPassword, postRecovery, postTotp } from './mfa-steps.js';
import { browserOn, enterCode, errorText } from './steps.js';

let server: VerificationApp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A verification app whose test user is enrolled (the tenant does not require MFA). */
async function enrolledApp(limits?: VerificationLimits): Promise<{ app: VerificationApp; secret: string }> {
  const app = await startVerificationApp(limits === undefined ? {} : { limits });
  server = app;
  return { app, secret: await enrolDirectly(app.context, app.user, app.clock.now()) };
}

const INVALID =
  'That code didn’t work. Enter the code your authenticator app shows now, or use one of your recovery codes.';

describe('TOTP verification (enrolled user)', () => {
  it('is asked for whatever the tenant says; the current code leads to consent and Allow', async () => {
    const { app, secret } = await enrolledApp();
    expect(await app.store.findTenantPolicy('contoso')).toBeUndefined();
    const { browser, page, userCode } = await afterPassword(app);
    expect(page.status).toBe(200);
    expect(page.actions).toEqual(['/device/mfa', '/device/mfa/recovery']);
    expect(page.html).toMatch(/<label for="code">Verification code<\/label>/);
    expect(page.html).toMatch(/<label for="recovery_code">Recovery code<\/label>/);
    expect(page.html).toContain('inputmode="numeric"');
    expect(page.html).toContain('autocomplete="one-time-code"');
    expect(page.html).toMatch(/<details class="recovery"\s*>\s*<summary>Use a recovery code instead<\/summary>/);
    expect(page.html.length + STYLESHEET.length).toBeLessThan(30 * 1024);
    const passed = await postTotp(browser, page, totpCode(secret, app.clock.now()));
    expect(passed.status).toBe(303);
    expect(passed.location).toBe('/device/consent');
    const consent = await browser.follow(passed);
    const done = await browser.submit(consent, { action: 'allow' });
    expect(done.html).toContain('You have allowed the sign-in on your device.');
    expect((await app.record(userCode)).status).toBe('approved');
  });

  it('consent is out of reach before the code: GET and POST go to the MFA step, the code stays pending', async () => {
    const { app } = await enrolledApp();
    const { browser, page, userCode } = await afterPassword(app);
    expect((await browser.get('/device/consent')).location).toBe('/device/mfa');
    const posted = await browser.post('/device/consent', { csrf: page.csrf ?? '', action: 'allow' });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe('/device/mfa');
    expect((await browser.get('/device/signin')).location).toBe('/device/consent');
    expect((await app.record(userCode)).status).toBe('pending');
  });

  it('a replayed code is refused, and wrong, stale and replayed codes get the very same page', async () => {
    const { app, secret } = await enrolledApp();
    const code = totpCode(secret, app.clock.now());
    const first = await afterPassword(app);
    expect((await postTotp(first.browser, first.page, code)).location).toBe('/device/consent');

    const second = await afterPassword(app, '198.51.100.11');
    const replayed = await postTotp(second.browser, second.page, code);
    const stale = await postTotp(second.browser, second.page, totpCode(secret, app.clock.now(), -2));
    const wrong = await postTotp(second.browser, second.page, code === '000000' ? '111111' : '000000');
    const malformed = await postTotp(second.browser, second.page, 'abc');
    expect(replayed.status).toBe(401);
    expect(errorText(replayed)).toBe(INVALID);
    for (const page of [stale, wrong, malformed]) {
      expect(page.status).toBe(401);
      expect(page.html).toBe(replayed.html);
    }
  });

  it('accepts codes one step either side of the clock, refuses two steps; an earlier step than the last is refused', async () => {
    const { app, secret } = await enrolledApp();
    const at = (steps: number): string => totpCode(secret, app.clock.now(), steps);
    const flow = await afterPassword(app);
    expect((await postTotp(flow.browser, flow.page, at(-2))).status).toBe(401);
    expect((await postTotp(flow.browser, flow.page, at(2))).status).toBe(401);
    expect((await postTotp(flow.browser, flow.page, at(-1))).location).toBe('/device/consent');

    const later = await afterPassword(app, '198.51.100.12');
    expect((await postTotp(later.browser, later.page, at(1))).location).toBe('/device/consent');
    // Step +1 was used: the current step (0) is now "at or before" the last one.
    const earlier = await afterPassword(app, '198.51.100.13');
    expect((await postTotp(earlier.browser, earlier.page, at(0))).status).toBe(401);
    app.clock.advance(60_000);
    expect((await postTotp(earlier.browser, earlier.page, at(0))).location).toBe('/device/consent');
  });

  it('two tabs submitting the same code at once: exactly one gets through', async () => {
    const { app, secret } = await enrolledApp();
    const tabA = await afterPassword(app, '198.51.100.14');
    const tabB = await afterPassword(app, '198.51.100.15');
    const code = totpCode(secret, app.clock.now());
    const answers = await Promise.all([
      postTotp(tabA.browser, tabA.page, code),
      postTotp(tabB.browser, tabB.page, code),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 401]);
  });

  it('a recovery code works once (any case, spaces or dashes), on the same page', async () => {
    const { app } = await enrolledApp();
    const [code] = KNOWN_RECOVERY_CODES;
    const typed = code.toUpperCase().replace(/-/g, ' ');
    const first = await afterPassword(app);
    const used = await postRecovery(first.browser, first.page, typed);
    expect(used.location).toBe('/device/consent');
    expect(await app.store.countRecoveryCodes(app.user.id)).toBe(KNOWN_RECOVERY_CODES.length - 1);

    const second = await afterPassword(app, '198.51.100.16');
    const again = await postRecovery(second.browser, second.page, code);
    expect(again.status).toBe(401);
    expect(errorText(again)).toBe(INVALID);
    // The recovery form is open after a recovery attempt (no JavaScript needed).
    expect(again.html).toMatch(/<details class="recovery"\s+open\s*>/);
    expect((await postRecovery(second.browser, second.page, 'not-a-code')).status).toBe(401);
  });

  it('wrong codes count against the per-account budget: then even the right code waits', async () => {
    const { app, secret } = await enrolledApp();
    const { browser, page } = await afterPassword(app);
    for (let i = 0; i < VERIFICATION_LIMITS.signInPerAccount.max; i += 1) {
      expect((await postTotp(browser, page, totpCode(secret, app.clock.now(), 5 + i))).status).toBe(401);
    }
    const limited = await postTotp(browser, page, totpCode(secret, app.clock.now()));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right code was not even looked at: it still works once the window ends.
    app.clock.advance(Number(limited.headers.get('retry-after')) * 1000);
    const later = await afterPassword(app, '198.51.100.17');
    expect((await postTotp(later.browser, later.page, totpCode(secret, app.clock.now()))).location).toBe(
      '/device/consent',
    );
  });

  it('wrong passwords and wrong codes add up on the device code: the one that uses up its budget denies it', async () => {
    const limits: VerificationLimits = {
      ...VERIFICATION_LIMITS,
      signInPerAccount: { max: 100, windowMs: 15 * 60_000 },
      signInPerCode: { max: 3 },
    };
    const { app, secret } = await enrolledApp(limits);
    await app.issue('BCDF-GHJK');
    const browser = browserOn(app);
    const signIn = await enterCode(browser, 'BCDF-GHJK');
    expect((await browser.submit(signIn, { username: USER.username, password: 'wrong' })).status).toBe(401);
    const page = await browser.submit(signIn, { username: USER.username, password: USER.password });
    expect((await postTotp(browser, page, totpCode(secret, app.clock.now(), 7))).status).toBe(401);
    const blocked = await postTotp(browser, page, totpCode(secret, app.clock.now(), 8));
    expect(blocked.status).toBe(403);
    expect(blocked.html).toContain('<h1>Code blocked</h1>');
    expect((await app.record('BCDF-GHJK')).status).toBe('denied');
    // The browser starts over: the right code now reaches nothing.
    const after = await browser.post('/device/mfa', {
      csrf: blocked.csrf ?? '',
      code: totpCode(secret, app.clock.now()),
    });
    expect(after.status).not.toBe(303);
    expect(after.location).toBeUndefined();
  });
});
