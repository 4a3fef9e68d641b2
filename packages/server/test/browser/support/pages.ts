/**
 * The user's steps through the verification pages in a real browser, by label and role as a
 * person (or a screen reader) finds them, in English unless told otherwise. Each step waits for
 * the page it leads to.
 */
import type { Page, Response } from 'playwright-core';
import { USER } from '../../support/test-server.js';

/** Who signs in on the sign-in page. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** The names of the fields and buttons the steps use, in one language. */
export interface Labels {
  readonly code: string;
  readonly next: string;
  readonly username: string;
  readonly password: string;
  readonly signIn: string;
}

export const ENGLISH: Labels = {
  code: 'Code',
  next: 'Next',
  username: 'Username',
  password: 'Password',
  signIn: 'Sign in',
};

export const FRENCH: Labels = {
  code: 'Code',
  next: 'Suivant',
  username: 'Nom d’utilisateur',
  password: 'Mot de passe',
  signIn: 'Se connecter',
};

/** The page's `<h1>` text. */
export async function heading(page: Page): Promise<string> {
  return ((await page.locator('h1').textContent()) ?? '').trim();
}

/** The text of the page's alert (error) message, or undefined when it has none. */
export async function alertText(page: Page): Promise<string | undefined> {
  const alert = page.locator('.error[role=alert]');
  return (await alert.count()) === 0
    ? undefined
    : ((await alert.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Opens the code entry page (`/device`). */
export async function openCodeEntry(page: Page, baseUrl: string): Promise<Response | null> {
  return page.goto(`${baseUrl}/device`);
}

/** Types `code` into the code field and presses Next; returns the answer to the form post. */
export async function submitCode(page: Page, code: string, labels: Labels = ENGLISH): Promise<Response> {
  await page.getByLabel(labels.code, { exact: true }).fill(code);
  return submit(page, labels.next);
}

/** Signs in on the sign-in page; returns the answer to the form post. */
export async function submitSignIn(page: Page, user: Credentials = USER, labels: Labels = ENGLISH): Promise<Response> {
  await page.getByLabel(labels.username, { exact: true }).fill(user.username);
  await page.getByLabel(labels.password, { exact: true }).fill(user.password);
  return submit(page, labels.signIn);
}

/**
 * Presses a submit button and waits for the page the form leads to (after redirects) to load;
 * returns that document's response.
 */
export async function submit(page: Page, button: string): Promise<Response> {
  return navigation(page, () => page.getByRole('button', { name: button, exact: true }).click());
}

/**
 * Runs `action` (a click, a key press) and waits for the document it leads to, after redirects,
 * to load; returns that document's response.
 */
export async function navigation(page: Page, action: () => Promise<void>): Promise<Response> {
  const document = page.waitForResponse(
    (r) =>
      r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400),
  );
  const loaded = page.waitForEvent('load');
  await action();
  const [response] = await Promise.all([document, loaded]);
  return response;
}

/** From a fresh page: code entry → sign-in → consent page. */
export async function reachConsent(
  page: Page,
  baseUrl: string,
  userCode: string,
  labels: Labels = ENGLISH,
): Promise<void> {
  await openCodeEntry(page, baseUrl);
  await submitCode(page, userCode, labels);
  await submitSignIn(page, USER, labels);
}
