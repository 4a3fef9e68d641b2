import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVerificationApp, USER, type VerificationApp } from '../support/verification-app.js';
import { browserOn, enterCode, reachConsent, decide } from './steps.js';

let server: VerificationApp;
beforeEach(async () => {
  server = await startVerificationApp();
});
afterEach(async () => {
  await server.close();
});

/** The attributes of the `<input>` with this id. */
function inputTag(html: string, id: string): string {
  return new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(html.replace(/\s+/g, ' '))?.[0] ?? '';
}

describe('error markup for assistive technology', () => {
  it('a wrong code: the title says Error first, the field is invalid and described by the message', async () => {
    const browser = browserOn(server);
    const form = await browser.get('/device');
    expect(form.html).toMatch(/<title>Enter code – /);
    expect(inputTag(form.html, 'user_code')).not.toContain('aria-invalid');
    const wrong = await browser.post('/device', { csrf: form.csrf ?? '', user_code: 'ZZZZ-ZZZZ' });
    expect(wrong.html).toMatch(/<title>Error: Enter code – /);
    expect(wrong.html).toContain('<p id="form_error" class="error" role="alert">');
    const field = inputTag(wrong.html, 'user_code');
    expect(field).toContain('aria-invalid="true"');
    expect(field).toContain('aria-describedby="form_error user_code_hint"');
  });

  it('a failed sign-in puts the focus on the password, marked invalid', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const signIn = await enterCode(browser, 'BCDF-GHJK');
    expect(inputTag(signIn.html, 'username')).toContain('autofocus');
    const failed = await browser.post('/device/signin', {
      csrf: signIn.csrf ?? '',
      username: USER.username,
      password: 'wrong',
    });
    expect(failed.status).toBe(401);
    expect(inputTag(failed.html, 'username')).not.toContain('autofocus');
    const password = inputTag(failed.html, 'password');
    expect(password).toContain('autofocus');
    expect(password).toContain('aria-invalid="true"');
  });

  it('the consent time is a machine-readable <time>, and the already-used page links back to code entry', async () => {
    await server.issue('BCDF-GHJK');
    const browser = browserOn(server);
    const consent = await reachConsent(browser, 'BCDF-GHJK');
    expect(consent.html).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
    expect(consent.html).not.toMatch(/class="warning" role=/);
    await decide(browser, consent, 'allow');
    const again = await browser.post('/device/consent', { csrf: consent.csrf ?? '', action: 'allow' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('<a href="/device">Enter a new code</a>');
  });
});
