/** Walks a browser through the verification pages (shared by the verification tests). */
import { BrowserSession, type PageResponse } from '../support/browser-session.js';
import { reachConsent as reachConsentAs, type Credentials } from '../support/page-steps.js';
import { USER } from '../support/verification-app.js';

export { decide, enterCode, errorText } from '../support/page-steps.js';

/** Enters the code and signs in as the test user (or `user`); returns the consent page. */
export function reachConsent(browser: BrowserSession, code: string, user: Credentials = USER): Promise<PageResponse> {
  return reachConsentAs(browser, code, user);
}

/** A new browser on the app, from `ip`. */
export function browserOn(
  server: { readonly url: string },
  ip = '198.51.100.10',
  userAgent = 'Mozilla/5.0 (test)',
): BrowserSession {
  return new BrowserSession(server.url, { ip, userAgent });
}
