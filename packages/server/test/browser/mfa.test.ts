import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { enrolDirectly, KNOWN_RECOVERY_CODES, totpCode } from '../support/totp.js';
import { USER } from '../support/test-server.js';
import { startBackgroundSignIn } from './support/background-client.js';
import { pollOnce, requestDeviceCode } from './support/device-code.js';
import { expectGoodPage } from './support/page-checks.js';
import { WeightRecorder } from './support/page-weight.js';
import { focused } from './support/focus.js';
import { enter, tab } from './support/keyboard.js';
import {
  alertText,
  FRENCH,
  heading,
  navigation,
  openCodeEntry,
  submit,
  submitCode,
  submitSignIn,
} from './support/pages.js';
import { useBrowserSuite } from './support/suite.js';

// TOTP (RFC 6238) in the flow, for a tenant that requires it: enrolment (QR code, manual key,
// confirming code, recovery codes) while the client polls, and a wrong code from an enrolled
// user. Codes are computed with `otpauth` at the server's (fake) time. Every MFA page passes the
// checks of every page (axe, weight, no script) and is screenshotted.

/** A second user, so that each test has its own enrolment whatever ran before. */
const GRACE = {
  tenant: 'contoso',
  username: 'grace@contoso.example',
  displayName: 'Grace Hopper',
  password: 'cobol compiler 1959',
};

/** A third, enrolling in French. */
const KATHERINE = {
  tenant: 'contoso',
  username: 'katherine@contoso.example',
  displayName: 'Katherine Johnson',
  password: 'orbital mechanics 1962',
};

const suite = useBrowserSuite({ pollIntervalSeconds: 1, users: [USER, GRACE, KATHERINE] });

beforeAll(async () => {
  await suite.server.context.store.setTenantPolicy({ tenant: 'contoso', mfaRequired: true });
});

/** The manual key of the enrolment page, without its spaces (the visible text, not the spoken one). */
async function manualKey(page: Page): Promise<string> {
  const shown = await page.locator('.totp-key [aria-hidden="true"]').textContent();
  return (shown ?? '').replace(/\s+/g, '');
}

/** Types a code into the field labelled `label` and presses `button`. */
async function submitTotp(page: Page, label: string, button: string, code: string): Promise<number> {
  await page.getByLabel(label, { exact: true }).fill(code);
  return (await submit(page, button)).status();
}

describe('MFA (TOTP) in a browser', () => {
  it('enrolment in the whole flow: QR code and key → wrong code → right code → recovery codes → consent → Allow; the polling client gets tokens', async () => {
    const signIn = await startBackgroundSignIn(suite.server, ['openid', 'profile', 'offline_access']);
    const page = await suite.newPage();
    const weights = new WeightRecorder(page);
    await page.goto(signIn.info.verificationUri);
    await submitCode(page, signIn.info.userCode);
    await submitSignIn(page);

    // Enrolment: the QR code is an image with a name, the key is shown grouped.
    expect(await heading(page)).toBe('Set up an authenticator app');
    expect(await page.getByRole('img', { name: 'QR code to set up your authenticator app' }).count()).toBe(1);
    const secret = await manualKey(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expectGoodPage(page, 'mfa-enrol', weights, 'both');

    const codeLabel = 'Enter the 6-digit code the app now shows';
    expect(await submitTotp(page, codeLabel, 'Confirm', totpCode(secret, suite.server.clock.now(), 3))).toBe(400);
    expect(await alertText(page)).toMatch(/^That code didn’t match\./);
    expect(await manualKey(page)).toBe(secret);
    await expectGoodPage(page, 'mfa-enrol-invalid', weights);

    expect(await submitTotp(page, codeLabel, 'Confirm', totpCode(secret, suite.server.clock.now()))).toBe(200);
    expect(await heading(page)).toBe('Save your recovery codes');
    expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
    // Shown once: no language switcher to lose them by; each code whole on one line, on a phone too.
    expect(await page.getByRole('navigation').count()).toBe(0);
    for (const width of [320, 390, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      const lines = await page
        .locator('.recovery-codes code [aria-hidden="true"]')
        .evaluateAll((codes) =>
          (codes as unknown as readonly { getClientRects(): { length: number } }[]).map(
            (code) => code.getClientRects().length,
          ),
        );
      expect(lines, `width ${width}`).toEqual(Array.from({ length: 10 }, () => 1));
    }
    await expectGoodPage(page, 'recovery-codes', weights, 'both');

    await submit(page, 'I have saved them, continue');
    expect(await heading(page)).toBe('Are you trying to sign in to Contoso CLI?');
    await submit(page, 'Allow');
    expect(await heading(page)).toBe('You’re signed in');

    const outcome = await signIn.outcome;
    if (!outcome.ok) throw outcome.error;
    expect(outcome.result.account).toMatchObject({ username: USER.username });
  });

  it('wrong TOTP code: the one kind message and the form again; the right code goes on to consent', async () => {
    const grace = await suite.server.context.store.findUser(GRACE.tenant, GRACE.username);
    if (grace === undefined) throw new Error('Grace is not in the store');
    const secret = await enrolDirectly(suite.server.context, grace, suite.server.clock.now());
    const code = await requestDeviceCode(suite.server);
    const page = await suite.newPage();
    const weights = new WeightRecorder(page);
    await openCodeEntry(page, suite.server.url);
    await submitCode(page, code.userCode);
    await submitSignIn(page, GRACE);

    expect(await heading(page)).toBe('Enter your verification code');
    await expectGoodPage(page, 'mfa', weights, 'both');

    expect(await submitTotp(page, 'Verification code', 'Verify', totpCode(secret, suite.server.clock.now(), -5))).toBe(
      401,
    );
    expect(await alertText(page)).toBe(
      'That code didn’t work. Enter the code your authenticator app shows now, or use one of your recovery codes.',
    );
    await expectGoodPage(page, 'mfa-invalid', weights);

    await submitTotp(page, 'Verification code', 'Verify', totpCode(secret, suite.server.clock.now()));
    expect(await heading(page)).toBe('Are you trying to sign in to Contoso CLI?');
    await submit(page, 'Allow');
    expect((await pollOnce(suite.server, code)).status).toBe(200);
  });

  it('in French: enrolment (a wrong code, then the switcher to English and back), recovery codes, consent, Deny', async () => {
    const code = await requestDeviceCode(suite.server);
    const page = await suite.newPage({ locale: 'fr-FR' });
    const weights = new WeightRecorder(page);
    await page.goto(code.verificationUri);
    await submitCode(page, code.userCode, FRENCH);
    await submitSignIn(page, KATHERINE, FRENCH);

    expect(await heading(page)).toBe('Configurer une application d’authentification');
    await expectGoodPage(page, 'fr-mfa-enrol', weights);
    const secret = await manualKey(page);
    const codeLabel = 'Entrez le code à 6 chiffres que l’application affiche maintenant';
    expect(await submitTotp(page, codeLabel, 'Confirmer', totpCode(secret, suite.server.clock.now(), 3))).toBe(400);
    expect(await alertText(page)).toMatch(/^Ce code ne correspond pas\./);
    await expectGoodPage(page, 'fr-mfa-enrol-invalid', weights);

    // The answer to a POST: the switcher leads to the same step (same key) in English, and back.
    await navigation(page, () => page.getByRole('navigation').getByRole('link', { name: 'English' }).click());
    expect(await heading(page)).toBe('Set up an authenticator app');
    expect(await manualKey(page)).toBe(secret);
    await navigation(page, () => page.getByRole('navigation').getByRole('link', { name: 'Français' }).click());
    expect(await heading(page)).toBe('Configurer une application d’authentification');

    expect(await submitTotp(page, codeLabel, 'Confirmer', totpCode(secret, suite.server.clock.now()))).toBe(200);
    expect(await heading(page)).toBe('Enregistrez vos codes de récupération');
    await expectGoodPage(page, 'fr-recovery-codes', weights);
    await submit(page, 'Je les ai enregistrés, continuer');
    expect(await heading(page)).toBe('Essayez-vous de vous connecter à Contoso CLI ?');
    await submit(page, 'Refuser');
    expect(await heading(page)).toBe('Connexion refusée');
    await expectGoodPage(page, 'fr-done-denied', weights);
    expect((await pollOnce(suite.server, code)).body['error']).toBe('access_denied');
  });

  it('a recovery code, keyboard only, in French: a wrong one, the switcher, then a right one goes on to consent', async () => {
    const grace = await suite.server.context.store.findUser(GRACE.tenant, GRACE.username);
    if (grace === undefined) throw new Error('Grace is not in the store');
    if ((await suite.server.context.store.findTotpEnrolment(grace.id)) === undefined) {
      await enrolDirectly(suite.server.context, grace, suite.server.clock.now());
    }
    const code = await requestDeviceCode(suite.server);
    const page = await suite.newPage({ locale: 'fr-FR' });
    const weights = new WeightRecorder(page);
    await page.goto(code.verificationUri);
    await submitCode(page, code.userCode, FRENCH);
    await submitSignIn(page, GRACE, FRENCH);
    expect(await heading(page)).toBe('Entrez votre code de vérification');
    await expectGoodPage(page, 'fr-mfa', weights);

    // The code field has the focus; Tab reaches Verify, then the recovery section, opened with Enter.
    expect((await focused(page)).element).toBe('input#code');
    expect(await tab(page)).toMatchObject({ element: 'button', label: 'Vérifier' });
    expect(await tab(page)).toMatchObject({ element: 'summary' });
    await page.keyboard.press('Enter');
    expect(await tab(page)).toMatchObject({ element: 'input#recovery_code' });
    await page.keyboard.type('zzzz-zzzz-zzzz-zzzz');
    expect(await tab(page)).toMatchObject({ element: 'button', label: 'Utiliser le code de récupération' });
    await enter(page);
    expect(await alertText(page)).toMatch(/^Ce code n’a pas fonctionné\./);
    expect(await page.locator('details.recovery').getAttribute('open')).not.toBeNull();
    await expectGoodPage(page, 'fr-mfa-recovery-invalid', weights);

    // The answer to POST /device/mfa/recovery: the switcher leads to the code step in English.
    await navigation(page, () => page.getByRole('navigation').getByRole('link', { name: 'English' }).click());
    expect(await heading(page)).toBe('Enter your verification code');
    await page.getByText('Use a recovery code instead').click();
    await page.getByLabel('Recovery code', { exact: true }).fill(KNOWN_RECOVERY_CODES[0].toUpperCase());
    await submit(page, 'Use recovery code');
    expect(await heading(page)).toBe('Are you trying to sign in to Contoso CLI?');
  });
});
