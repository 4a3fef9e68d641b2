/** Steps of the MFA tests: reach the page after the password, submit codes. */
import { expect } from 'vitest';
import type { BrowserSession, PageResponse } from '../support/browser-session.js';
import { USER, type VerificationApp } from '../support/verification-app.js';
import { browserOn, enterCode } from './steps.js';

let next = 0;
/** A fresh well-formed user code (base-20 alphabet) for each flow of a test. */
export function freshUserCode(): string {
  const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';
  next += 1;
  let n = next;
  let code = '';
  for (let i = 0; i < 8; i += 1) {
    code += alphabet[n % 20];
    n = Math.floor(n / 20);
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A new browser that entered a fresh code and the right password; returns the page reached (redirects followed). */
export async function afterPassword(
  server: VerificationApp,
  ip = '198.51.100.10',
  userCode = freshUserCode(),
): Promise<{ browser: BrowserSession; page: PageResponse; userCode: string }> {
  await server.issue(userCode);
  const browser = browserOn(server, ip);
  const signIn = await enterCode(browser, userCode);
  const page = await browser.submit(signIn, { username: USER.username, password: USER.password });
  return { browser, page, userCode };
}

/** Submits a TOTP code on the verification page (no redirect followed). */
export async function postTotp(browser: BrowserSession, page: PageResponse, code: string): Promise<PageResponse> {
  expect(page.actions).toEqual(['/device/mfa', '/device/mfa/recovery']);
  return browser.post('/device/mfa', { csrf: page.csrf ?? '', code });
}

/** Submits a recovery code (no redirect followed). */
export async function postRecovery(browser: BrowserSession, page: PageResponse, code: string): Promise<PageResponse> {
  return browser.post('/device/mfa/recovery', { csrf: page.csrf ?? '', recovery_code: code });
}
