import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STYLESHEET } from '../../src/views/styles.js';
import { manualKeyOf, recoveryCodesOf, totpCode } from '../support/totp.js';
import { startVerificationApp, type VerificationApp } from '../support/verification-app.js';
import { afterPassword, postTotp } from './mfa-steps.js';
import { errorText } from './steps.js';

let server: VerificationApp;
beforeEach(async () => {
  server = await startVerificationApp();
  await server.store.setTenantPolicy({ tenant: 'contoso', mfaRequired: true });
});
afterEach(async () => {
  await server.close();
});

/** The session cookie's JSON payload (signed, not encrypted: readable by the test). */
function sessionPayload(cookie: string | undefined): Record<string, unknown> {
  const payload = cookie?.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('TOTP enrolment (tenant requires MFA)', () => {
  it('password → QR code and grouped key → wrong code refused → right code → ten recovery codes once → consent → Allow', async () => {
    const { browser, page: enrol, userCode } = await afterPassword(server);
    expect(enrol.status).toBe(200);
    expect(enrol.actions).toEqual(['/device/mfa/enrol']);
    // QR code inline, CSP-compatible (no style attribute or element), an image with a name.
    expect(enrol.html).toMatch(/<svg[^>]*class="qr"[^>]*role="img"[^>]*aria-label="QR code to set up/);
    expect(enrol.html).not.toMatch(/<style|\sstyle=/i);
    expect(enrol.html).toMatch(/<label for="code">[^<]+<\/label>/);
    expect(enrol.html).toContain('inputmode="numeric"');
    expect(enrol.html).toContain('autocomplete="one-time-code"');
    expect(enrol.html.length + STYLESHEET.length).toBeLessThan(30 * 1024);
    // The key: 32 base32 characters shown in groups of 4, spelled out for screen readers.
    const secret = manualKeyOf(enrol.html);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrol.html).toContain(secret.match(/.{4}/g)?.join(' '));
    expect(enrol.html).toContain(`<span class="sr-only">${[...secret.slice(0, 4)].join(' ')}, `);
    // The secret travels sealed in the session, never in a form field.
    const sealed = sessionPayload(browser.cookies.get('devicelogin'))['totpEnrolment'];
    expect(sealed).toMatch(/^v1\./);
    expect(JSON.stringify(sessionPayload(browser.cookies.get('devicelogin')))).not.toContain(secret);
    expect(enrol.html).not.toMatch(new RegExp(`value="[^"]*${secret}`));

    // Reloading shows the same key; consent is out of reach.
    expect(manualKeyOf((await browser.get('/device/mfa')).html)).toBe(secret);
    expect((await browser.get('/device/consent')).location).toBe('/device/mfa');

    const now = server.clock.now();
    const wrong = await browser.post('/device/mfa/enrol', { csrf: enrol.csrf ?? '', code: totpCode(secret, now, 3) });
    expect(wrong.status).toBe(400);
    expect(errorText(wrong)).toMatch(/^That code didn’t match/);
    expect(manualKeyOf(wrong.html)).toBe(secret);
    expect(await server.store.findTotpEnrolment(server.user.id)).toBeUndefined();

    const shown = await browser.post('/device/mfa/enrol', { csrf: enrol.csrf ?? '', code: totpCode(secret, now) });
    expect(shown.status).toBe(200);
    expect(shown.actions).toEqual(['/device/consent']);
    const codes = recoveryCodesOf(shown.html);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await server.store.countRecoveryCodes(server.user.id)).toBe(10);
    const stored = await server.store.findTotpEnrolment(server.user.id);
    expect(stored?.sealedSecret).toMatch(/^v1\./);
    expect(stored?.sealedSecret).not.toContain(secret);
    expect(JSON.stringify(sessionPayload(browser.cookies.get('devicelogin')))).not.toContain('totpEnrolment');

    // Shown once: the MFA step is passed, going back leads to consent, no codes again.
    const again = await browser.follow(await browser.get('/device/mfa'));
    expect(again.actions).toEqual(['/device/consent']);
    expect(recoveryCodesOf(again.html)).toEqual([]);
    const done = await browser.submit(again, { action: 'allow' });
    expect(done.html).toContain('You have allowed the sign-in on your device.');
    expect((await server.record(userCode)).status).toBe('approved');
  });

  it('the code that confirmed the enrolment is refused at the next sign-in (replay)', async () => {
    const first = await afterPassword(server);
    const secret = manualKeyOf(first.page.html);
    const code = totpCode(secret, server.clock.now());
    expect((await first.browser.post('/device/mfa/enrol', { csrf: first.page.csrf ?? '', code })).status).toBe(200);

    const second = await afterPassword(server, '198.51.100.11');
    expect((await postTotp(second.browser, second.page, code)).status).toBe(401);
    server.clock.advance(30_000);
    const next = await postTotp(second.browser, second.page, totpCode(secret, server.clock.now()));
    expect(next.location).toBe('/device/consent');
  });

  it('two tabs enrolling at once: the first enrolment wins, the other is asked for its code', async () => {
    const tabA = await afterPassword(server, '198.51.100.12');
    const tabB = await afterPassword(server, '198.51.100.13');
    const secretA = manualKeyOf(tabA.page.html);
    const secretB = manualKeyOf(tabB.page.html);
    expect(secretA).not.toBe(secretB);
    const now = server.clock.now();
    const [a, b] = await Promise.all([
      tabA.browser.post('/device/mfa/enrol', { csrf: tabA.page.csrf ?? '', code: totpCode(secretA, now) }),
      tabB.browser.post('/device/mfa/enrol', { csrf: tabB.page.csrf ?? '', code: totpCode(secretB, now) }),
    ]);
    const winners = [a, b].filter((page) => page.status === 200);
    expect(winners).toHaveLength(1);
    const loser = a.status === 200 ? b : a;
    expect(loser.location).toBe('/device/mfa');
    expect(await server.store.countRecoveryCodes(server.user.id)).toBe(10);
    // The losing tab now verifies with the winner's secret.
    const loserBrowser = a.status === 200 ? tabB.browser : tabA.browser;
    const verify = await loserBrowser.get('/device/mfa');
    expect(verify.actions).toEqual(['/device/mfa', '/device/mfa/recovery']);
  });

  it('a tenant without the requirement goes straight to consent; the French enrolment page is translated', async () => {
    await server.store.setTenantPolicy({ tenant: 'contoso', mfaRequired: false });
    expect((await afterPassword(server)).page.actions).toEqual(['/device/consent']);

    await server.store.setTenantPolicy({ tenant: 'contoso', mfaRequired: true });
    const { browser } = await afterPassword(server, '198.51.100.14');
    const french = await browser.get('/device/mfa?lang=fr');
    expect(french.html).toContain('<h1>Configurer une application d’authentification</h1>');
    expect(french.html).toContain('aria-label="Code QR pour configurer votre application d’authentification"');
  });
});
