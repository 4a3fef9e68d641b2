/**
 * Every page the verification flow can show, each with how a fresh browser page reaches it over
 * real HTTP, for the every-page test (a new page of the same server setup is one more entry; the MFA
 * pages need a tenant that requires MFA and are checked in mfa.test.ts).
 * The states behind a guessing limit use most of the budget up with plain HTTP requests from this
 * process (the same IP as the browser, 127.0.0.1) and let the browser make the last attempt.
 */
import type { Page, Response } from 'playwright-core';
import { VERIFICATION_LIMITS } from '../../../src/verification/limits.js';
import { BrowserSession } from '../../support/browser-session.js';
import { enterCode } from '../../support/page-steps.js';
import { USER, type TestServer } from '../../support/test-server.js';
import { requestDeviceCode } from './device-code.js';
import { navigation, openCodeEntry, reachConsent, submit, submitCode, submitSignIn } from './pages.js';

/** The guessing budgets (the test server uses the defaults). */
const CODE_ENTRY_FAILURES_PER_IP = VERIFICATION_LIMITS.codeEntryPerIp.max;
const SIGN_IN_FAILURES_PER_ACCOUNT = VERIFICATION_LIMITS.signInPerAccount.max;
const SIGN_IN_FAILURES_PER_CODE = VERIFICATION_LIMITS.signInPerCode.max;

/** A page of the flow. */
export interface PageState {
  /** File-name friendly: `code-entry`, `consent`, … */
  readonly name: string;
  /** Shown in the docs and checked by eye: screenshots matter most. */
  readonly main: boolean;
  /** The HTTP status and `<h1>` the page must have once reached. */
  readonly status: number;
  readonly heading: string | RegExp;
  /** Takes a fresh page (no cookies) to this state; returns the last document's response. */
  reach(page: Page, server: TestServer): Promise<Response>;
}

/** Failed code entries from 127.0.0.1 (the budget is per IP): `count` wrong codes over HTTP. */
async function wrongCodes(server: TestServer, count: number): Promise<void> {
  const http = new BrowserSession(server.url);
  for (let i = 0; i < count; i += 1) await enterCode(http, 'BBBB-BBBB');
}

/** Failed sign-ins over HTTP with `userCode`, as `username(i)` with a wrong password. */
async function wrongPasswords(
  server: TestServer,
  userCode: string,
  count: number,
  username: (attempt: number) => string,
): Promise<void> {
  const http = new BrowserSession(server.url);
  const signIn = await enterCode(http, userCode);
  for (let i = 0; i < count; i += 1) await http.submit(signIn, { username: username(i), password: 'wrong' });
}

/** The pages, in the order of the flow; the ones that use up a limit come last. */
export const PAGE_STATES: readonly PageState[] = [
  {
    name: 'code-entry',
    main: true,
    status: 200,
    heading: 'Enter code',
    reach: async (page, server) => (await openCodeEntry(page, server.url))!,
  },
  {
    name: 'code-entry-deep-link',
    main: true,
    status: 200,
    heading: 'Enter code',
    reach: async (page, server) => (await page.goto((await requestDeviceCode(server)).verificationUriComplete))!,
  },
  {
    name: 'code-entry-link-unusable',
    main: false,
    status: 200,
    heading: 'Enter code',
    reach: async (page, server) => (await page.goto(`${server.url}/device?user_code=BBBB-BBBB`))!,
  },
  {
    name: 'not-found',
    main: false,
    status: 404,
    heading: 'Page not found',
    reach: async (page, server) => (await page.goto(`${server.url}/device/sign-in`))!,
  },
  {
    name: 'code-entry-invalid',
    main: false,
    status: 400,
    heading: 'Enter code',
    reach: async (page, server) => {
      await openCodeEntry(page, server.url);
      return submitCode(page, 'BBBB-BBBB');
    },
  },
  {
    name: 'sign-in',
    main: true,
    status: 200,
    heading: 'Sign in',
    reach: async (page, server) => {
      const { userCode } = await requestDeviceCode(server);
      await openCodeEntry(page, server.url);
      return submitCode(page, userCode);
    },
  },
  {
    name: 'sign-in-invalid',
    main: false,
    status: 401,
    heading: 'Sign in',
    reach: async (page, server) => {
      const { userCode } = await requestDeviceCode(server);
      await openCodeEntry(page, server.url);
      await submitCode(page, userCode);
      return submitSignIn(page, { username: 'ada@contoso.example', password: 'not the password' });
    },
  },
  {
    name: 'consent',
    main: true,
    status: 200,
    heading: 'Are you trying to sign in to Contoso CLI?',
    reach: async (page, server) => {
      await openCodeEntry(page, server.url);
      await submitCode(page, (await requestDeviceCode(server)).userCode);
      return submitSignIn(page);
    },
  },
  {
    name: 'done-approved',
    main: true,
    status: 200,
    heading: 'You’re signed in',
    reach: async (page, server) => {
      await reachConsent(page, server.url, (await requestDeviceCode(server)).userCode);
      return submit(page, 'Allow');
    },
  },
  {
    name: 'done-denied',
    main: true,
    status: 200,
    heading: 'Sign-in denied',
    reach: async (page, server) => {
      await reachConsent(page, server.url, (await requestDeviceCode(server)).userCode);
      return submit(page, 'Deny');
    },
  },
  {
    name: 'already-used',
    main: false,
    status: 409,
    heading: 'Code already used',
    reach: async (page, server) => {
      await reachConsent(page, server.url, (await requestDeviceCode(server)).userCode);
      await submit(page, 'Allow');
      // Back to the consent page (no-store: the browser asks the server again).
      return navigation(page, async () => {
        await page.goBack();
      });
    },
  },
  {
    name: 'expired',
    main: false,
    status: 403,
    heading: 'Page expired',
    reach: async (page, server) => {
      await openCodeEntry(page, server.url);
      // The session cookie is gone (expired, or the form came from elsewhere): the CSRF check fails.
      await page.context().clearCookies();
      return submitCode(page, 'BBBB-BBBB');
    },
  },
  {
    name: 'failure',
    main: false,
    status: 400,
    heading: 'Something went wrong',
    reach: async (page, server) => {
      await reachConsent(page, server.url, (await requestDeviceCode(server)).userCode);
      // A tampered form (an action that is neither Allow nor Deny) is a malformed request.
      await page.route('**/device/consent', (route) =>
        route.continue({ postData: (route.request().postData() ?? '').replace('action=allow', 'action=maybe') }),
      );
      return submit(page, 'Allow');
    },
  },
  {
    name: 'code-blocked',
    main: false,
    status: 403,
    heading: 'Code blocked',
    reach: async (page, server) => {
      const { userCode } = await requestDeviceCode(server);
      await openCodeEntry(page, server.url);
      await submitCode(page, userCode);
      // Someone else failed 9 times with this code (a different username each time, so that the
      // per-account budget does not answer first); the browser's failure is the 10th.
      await wrongPasswords(server, userCode, SIGN_IN_FAILURES_PER_CODE - 1, (i) => `nobody-${i}@contoso.example`);
      return submitSignIn(page, { username: 'nobody@contoso.example', password: 'wrong' });
    },
  },
  {
    name: 'sign-in-rate-limited',
    main: false,
    status: 429,
    heading: 'Too many attempts',
    reach: async (page, server) => {
      const { userCode } = await requestDeviceCode(server);
      await openCodeEntry(page, server.url);
      await submitCode(page, userCode);
      await wrongPasswords(server, userCode, SIGN_IN_FAILURES_PER_ACCOUNT, () => USER.username);
      return submitSignIn(page);
    },
  },
  {
    name: 'code-entry-rate-limited',
    main: true,
    status: 429,
    heading: 'Too many attempts',
    reach: async (page, server) => {
      await openCodeEntry(page, server.url);
      await wrongCodes(server, CODE_ENTRY_FAILURES_PER_IP - 1);
      await submitCode(page, 'BBBB-BBBB');
      // The budget is used up: even the right code gets this page.
      return submitCode(page, (await requestDeviceCode(server)).userCode);
    },
  },
];
