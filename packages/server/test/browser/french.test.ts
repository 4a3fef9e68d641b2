import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { requestDeviceCode, pollOnce } from './support/device-code.js';
import { FRENCH, heading, navigation, submit, submitCode, submitSignIn } from './support/pages.js';
import { expectGoodPage } from './support/page-checks.js';
import { WeightRecorder } from './support/page-weight.js';
import { useBrowserSuite } from './support/suite.js';
import { USER } from '../support/test-server.js';

// The pages in French: chosen from the browser's language (Accept-Language), or with the
// switcher on any page. Each French page passes the checks of every page too (axe, weight, no
// script) and is screenshotted (`fr-<page>`).

const suite = useBrowserSuite();

/** Checks the page is in French (`<html lang="fr">`) and passes every page check (axe, weight, no script). */
async function frenchPage(page: Page, weights: WeightRecorder, name: string): Promise<void> {
  expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  await expectGoodPage(page, `fr-${name}`, weights);
}

describe('French pages', () => {
  it('a browser asking for French gets the whole flow in French, every page accessible', async () => {
    const code = await requestDeviceCode(suite.server);
    const page = await suite.newPage({ locale: 'fr-FR' });
    const weights = new WeightRecorder(page);

    await page.goto(code.verificationUri);
    expect(await heading(page)).toBe('Entrer le code');
    await frenchPage(page, weights, 'code-entry');

    expect((await submitCode(page, 'BBBB-BBBB', FRENCH)).status()).toBe(400);
    expect(await page.locator('.error').innerText()).toContain('Ce code n’a pas fonctionné.');
    await frenchPage(page, weights, 'code-entry-invalid');

    await submitCode(page, code.userCode, FRENCH);
    expect(await heading(page)).toBe('Connexion');
    await frenchPage(page, weights, 'sign-in');

    expect((await submitSignIn(page, { username: USER.username, password: 'faux' }, FRENCH)).status()).toBe(401);
    expect(await page.locator('.error').innerText()).toBe(
      'Votre nom d’utilisateur ou votre mot de passe est incorrect.',
    );
    await submitSignIn(page, USER, FRENCH);

    expect(await heading(page)).toBe('Essayez-vous de vous connecter à Contoso CLI ?');
    expect(await page.locator('main li').allTextContents()).toEqual([
      'Vous connecter',
      'Voir votre profil de base',
      'Rester connecté (jetons d’actualisation)',
    ]);
    expect(await page.locator('main').innerText()).toContain(
      'Ne continuez que si vous avez lancé cette connexion sur un appareil qui est devant vous.',
    );
    await frenchPage(page, weights, 'consent');

    await submit(page, 'Autoriser');
    expect(await heading(page)).toBe('Vous êtes connecté');
    await frenchPage(page, weights, 'done-approved');
    expect((await pollOnce(suite.server, code)).status).toBe(200);
  });

  it('the switcher turns an English page into French, keeping a deep link’s code, and the choice sticks', async () => {
    const code = await requestDeviceCode(suite.server);
    const page = await suite.newPage();
    await page.goto(code.verificationUriComplete);
    expect(await heading(page)).toBe('Enter code');

    const switcher = page.getByRole('navigation').getByRole('link', { name: 'Français' });
    await navigation(page, () => switcher.click());
    expect(await heading(page)).toBe('Entrer le code');
    expect(await page.getByLabel('Code', { exact: true }).inputValue()).toBe(code.userCode);
    expect(await page.locator('.notice').innerText()).toContain(
      'Ce code est arrivé avec le lien que vous avez ouvert.',
    );

    // The next pages stay in French without asking again.
    await submit(page, FRENCH.next);
    expect(await heading(page)).toBe('Connexion');
  });
});
