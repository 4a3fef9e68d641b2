/** Walks a browser through the verification pages (shared by the verification tests). */
import { expect } from 'vitest';
import { BrowserSession, type PageResponse } from '../support/browser-session.js';
import { USER, type VerificationApp } from '../support/verification-app.js';

/** Opens the code form and submits `code`; returns the page reached after redirects. */
export async function enterCode(browser: BrowserSession, code: string): Promise<PageResponse> {
  const form = await browser.get('/device');
  expect(form.status).toBe(200);
  return browser.submit(form, { user_code: code });
}

/** Enters the code and signs in as the test user; returns the consent page. */
export async function reachConsent(browser: BrowserSession, code: string): Promise<PageResponse> {
  const signIn = await enterCode(browser, code);
  expect(signIn.status).toBe(200);
  expect(signIn.actions).toEqual(['/device/signin']);
  const consent = await browser.submit(signIn, { username: USER.username, password: USER.password });
  expect(consent.status).toBe(200);
  expect(consent.actions).toEqual(['/device/consent']);
  return consent;
}

/** A new browser on the app, from `ip`. */
export function browserOn(
  server: VerificationApp,
  ip = '198.51.100.10',
  userAgent = 'Mozilla/5.0 (test)',
): BrowserSession {
  return new BrowserSession(server.url, { ip, userAgent });
}

/** The text of the page's first `.error` paragraph, whitespace collapsed. */
export function errorText(page: PageResponse): string | undefined {
  return /<p class="error" role="alert">([^<]*)<\/p>/.exec(page.html)?.[1]?.replace(/\s+/g, ' ').trim();
}
