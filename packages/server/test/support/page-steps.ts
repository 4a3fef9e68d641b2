/**
 * The user's side of the device flow over real HTTP: a {@link BrowserSession} walks the
 * verification pages (code entry, sign-in, TOTP when asked, consent, done) as a person would. Shared by the
 * verification tests (through verification/steps.ts) and the test server's `signInAndApprove`.
 * Every step checks the page it reached and otherwise throws a {@link PageStepError} naming the
 * step, the status, the redirect and the page's error message.
 */
import { PATHS } from '../../src/verification/paths.js';
import { en as messages } from '../../src/views/i18n/en.js';
import type { BrowserSession, PageResponse } from './browser-session.js';
import { manualKeyOf, recoveryCodesOf, totpCode } from './totp.js';

/** Who signs in on the sign-in page. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** A page was not the one the step expected. */
export class PageStepError extends Error {
  override readonly name = 'PageStepError';
  /** The page reached instead. */
  readonly page: PageResponse;

  constructor(message: string, page: PageResponse) {
    super(message);
    this.page = page;
  }
}

/** The text of the page's first `.error` paragraph, whitespace collapsed. */
export function errorText(page: PageResponse): string | undefined {
  return /<p(?: id="[^"]*")? class="error" role="alert">([^<]*)<\/p>/.exec(page.html)?.[1]?.replace(/\s+/g, ' ').trim();
}

function describePage(page: PageResponse): string {
  const title = /<h1>([^<]*)<\/h1>/.exec(page.html)?.[1]?.trim();
  const error = errorText(page);
  return [
    `status ${page.status}`,
    page.location === undefined ? undefined : `redirect to ${page.location}`,
    title === undefined ? undefined : `page "${title}"`,
    error === undefined ? undefined : `message "${error}"`,
    `forms ${JSON.stringify(page.actions)}`,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
}

/**
 * Checks that `page` has `status` and exactly the form actions `actions` (when given).
 * @throws {PageStepError} "<step>: expected …, got …".
 */
export function expectPage(
  page: PageResponse,
  step: string,
  expected: { readonly status: number; readonly actions?: readonly string[] },
): PageResponse {
  const actionsMatch =
    expected.actions === undefined ||
    (page.actions.length === expected.actions.length && page.actions.every((a, i) => a === expected.actions?.[i]));
  if (page.status !== expected.status || !actionsMatch) {
    const want = `status ${expected.status}${expected.actions === undefined ? '' : `, forms ${JSON.stringify(expected.actions)}`}`;
    throw new PageStepError(`${step}: expected ${want}; got ${describePage(page)}`, page);
  }
  return page;
}

/** Opens the code form (200 with the code form, else throws) and submits `code`; returns the page reached after redirects. */
export async function enterCode(browser: BrowserSession, code: string): Promise<PageResponse> {
  const form = expectPage(await browser.get(PATHS.codeEntry), `GET ${PATHS.codeEntry}`, {
    status: 200,
    actions: [PATHS.codeEntry],
  });
  return browser.submit(form, { user_code: code });
}

// --- MFA (TOTP) step ---
/** How {@link reachConsent} passes the TOTP step after the password, when asked to. */
export interface TotpStep {
  /** The server's time (its fake clock): codes are computed for it. */
  readonly now: () => number;
  /** The enrolled user's base32 secret; absent when the user enrols (the key is read from the page). */
  readonly secret?: string;
  /** Called after an enrolment with the key read from the page and the recovery codes shown. */
  readonly onEnrolled?: (enrolment: { readonly secret: string; readonly recoveryCodes: readonly string[] }) => void;
}

/**
 * Passes the MFA page reached after the password: types the current code for `totp.secret` on the
 * verification page, or, on the enrolment page, reads the manual key, confirms with its code and
 * continues past the recovery codes. Returns the consent page (or throws naming the step).
 */
export async function passTotp(browser: BrowserSession, page: PageResponse, totp: TotpStep): Promise<PageResponse> {
  const toConsent = { status: 200, actions: [PATHS.consent] } as const;
  if (page.actions[0] === PATHS.mfa) {
    if (totp.secret === undefined)
      throw new PageStepError('the MFA page asks for a code but no secret was given', page);
    const code = totpCode(totp.secret, totp.now());
    return expectPage(await browser.submit(page, { code }), `POST ${PATHS.mfa} (consent page)`, toConsent);
  }
  expectPage(page, `after the password (enrolment page)`, { status: 200, actions: [PATHS.mfaEnrol] });
  const secret = manualKeyOf(page.html);
  const codes = expectPage(
    await browser.submit(page, { code: totpCode(secret, totp.now()) }),
    `POST ${PATHS.mfaEnrol} (recovery codes page)`,
    { status: 200, actions: [PATHS.consent] },
  );
  totp.onEnrolled?.({ secret, recoveryCodes: recoveryCodesOf(codes.html) });
  return expectPage(await browser.get(PATHS.consent), `GET ${PATHS.consent} after the recovery codes`, toConsent);
}

/**
 * Enters the code and signs in as `user`; with `totp`, passes the TOTP step (verification or
 * enrolment) too. Returns the consent page (or throws naming the step).
 */
export async function reachConsent(
  browser: BrowserSession,
  code: string,
  user: Credentials,
  totp?: TotpStep,
): Promise<PageResponse> {
  const signIn = expectPage(await enterCode(browser, code), `POST ${PATHS.codeEntry} with the code (sign-in page)`, {
    status: 200,
    actions: [PATHS.signIn],
  });
  const afterPassword = await browser.submit(signIn, { username: user.username, password: user.password });
  if (totp !== undefined) return passTotp(browser, afterPassword, totp);
  return expectPage(afterPassword, `POST ${PATHS.signIn} as ${user.username} (consent page)`, {
    status: 200,
    actions: [PATHS.consent],
  });
}

/** Presses Allow or Deny on the consent page; returns the done page (or throws). */
export async function decide(
  browser: BrowserSession,
  consent: PageResponse,
  action: 'allow' | 'deny',
): Promise<PageResponse> {
  const step = `POST ${PATHS.consent} action=${action} (done page)`;
  const done = expectPage(await browser.submit(consent, { action }), step, { status: 200, actions: [] });
  const expected = action === 'allow' ? messages.done.approved : messages.done.denied;
  if (!done.html.includes(expected)) {
    throw new PageStepError(`${step}: the page does not say "${expected}"; got ${describePage(done)}`, done);
  }
  return done;
}
