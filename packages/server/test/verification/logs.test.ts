import { afterEach, describe, expect, it } from 'vitest';
import { assertNoSecretsIn } from '@devicelogin/test-utils';
import { startVerificationApp, USER, type VerificationApp } from '../support/verification-app.js';
import { browserOn } from './steps.js';
import { manualKeyOf, recoveryCodesOf, totpCode } from '../support/totp.js';
import { afterPassword, postRecovery, postTotp } from './mfa-steps.js';

let server: VerificationApp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('logs', () => {
  it('never contain the user code, the password, cookie values or CSRF tokens', async () => {
    server = await startVerificationApp();
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const secrets = new Set<string>(['BCDF-GHJK', 'BCDFGHJK', 'bcdf-ghjk', 'bcdfghjk', USER.password]);
    const remember = (): void => {
      for (const value of browser.cookies.values()) secrets.add(value);
    };
    // Deep link (the code in the query), a wrong guess, a wrong password, then the real thing.
    const linked = await browser.get('/device?user_code=bcdf-ghjk');
    remember();
    await browser.post('/device', { csrf: linked.csrf ?? '', user_code: 'ZZZZ-ZZZZ' });
    const signIn = await browser.submit(linked, { user_code: 'bcdf-ghjk' });
    remember();
    await browser.post('/device/signin', {
      csrf: signIn.csrf ?? '',
      username: USER.username,
      password: `${USER.password}!`,
    });
    secrets.add(`${USER.password}!`);
    const consent = await browser.submit(signIn, { username: USER.username, password: USER.password });
    remember();
    await browser.submit(consent, { action: 'allow' });
    remember();
    for (const page of [linked, signIn, consent]) if (page.csrf !== undefined) secrets.add(page.csrf);

    const logs = server.logs();
    expect(logs).toContain('"path":"/device"');
    expect(logs).toContain('"path":"/device/consent"');
    assertNoSecretsIn(logs, [...secrets]);
    expect(logs).not.toMatch(/user_code|password|cookie|csrf/i);
  });

  it('never contain a TOTP secret, a TOTP code or a recovery code (enrolment, wrong code, recovery)', async () => {
    server = await startVerificationApp();
    await server.store.setTenantPolicy({ tenant: 'contoso', mfaRequired: true });
    // Enrolment: the key from the page, a wrong code, then the right one; the recovery codes shown.
    const enrolment = await afterPassword(server);
    const secret = manualKeyOf(enrolment.page.html);
    const now = server.clock.now();
    const wrongCode = totpCode(secret, now, 4);
    const enrolCode = totpCode(secret, now);
    await enrolment.browser.post('/device/mfa/enrol', { csrf: enrolment.page.csrf ?? '', code: wrongCode });
    const shown = await enrolment.browser.post('/device/mfa/enrol', {
      csrf: enrolment.page.csrf ?? '',
      code: enrolCode,
    });
    const recoveryCodes = recoveryCodesOf(shown.html);
    expect(recoveryCodes).toHaveLength(10);
    // Verification: a replayed code, a wrong recovery code, a right recovery code, a right TOTP code.
    server.clock.advance(30_000);
    const nextCode = totpCode(secret, server.clock.now());
    const later = await afterPassword(server, '198.51.100.20');
    await postTotp(later.browser, later.page, enrolCode);
    await postRecovery(later.browser, later.page, 'zzzz-zzzz-zzzz-zzzz');
    expect((await postRecovery(later.browser, later.page, recoveryCodes[0] ?? '')).location).toBe('/device/consent');
    const third = await afterPassword(server, '198.51.100.21');
    expect((await postTotp(third.browser, third.page, nextCode)).location).toBe('/device/consent');
    const sealed = (await server.store.findTotpEnrolment(server.user.id))?.sealedSecret ?? '';

    const logs = server.logs();
    expect(logs).toContain('"path":"/device/mfa"');
    expect(logs).toContain('TOTP enrolled');
    expect(logs).toContain('second factor passed');
    const grouped = secret.match(/.{4}/g)?.join(' ') ?? '';
    assertNoSecretsIn(logs, [secret, grouped, sealed, 'zzzz-zzzz-zzzz-zzzz', ...recoveryCodes]);
    for (const code of [wrongCode, enrolCode, nextCode]) expect(logs).not.toMatch(new RegExp(`[":=]${code}\\b`));
    expect(logs).not.toMatch(/recovery_code|"code"|totpEnrolment|otpauth|secret/i);
  });

  it('a failing store gives the HTML failure page (500, same headers) and logs no code', async () => {
    server = await startVerificationApp({
      wrapStore: (store) => ({
        ...store,
        findDeviceCodeByUserCode: () => Promise.reject(new Error('database is locked')),
      }),
    });
    const browser = browserOn(server);
    const form = await browser.get('/device');
    const page = await browser.post('/device', { csrf: form.csrf ?? '', user_code: 'BCDF-GHJK' });
    expect(page.status).toBe(500);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.html).toContain('Something went wrong');
    expect(page.html).not.toContain('database is locked');
    const logs = server.logs();
    expect(logs).toContain('database is locked');
    assertNoSecretsIn(logs, ['BCDF-GHJK', 'BCDFGHJK']);
  });
});
