import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AuthorizationDeclinedError } from '@devicelogin/client';
import { USER } from '../support/test-server.js';
import { startBackgroundSignIn } from './support/background-client.js';
import { pollOnce, requestDeviceCode } from './support/device-code.js';
import { focused } from './support/focus.js';
import { enter, expectVisibleFocus, tab } from './support/keyboard.js';
import { heading, navigation, reachConsent, submit, submitCode, submitSignIn } from './support/pages.js';
import { hasSettled } from './support/settled.js';
import { useBrowserSuite } from './support/suite.js';

// The whole device flow in Chromium while our client (@devicelogin/client) polls the token
// endpoint in the background, as a CLI does while its user is on a phone; Deny; a second
// approval; the flow with JavaScript turned off (plain forms and redirects, nothing to run); and
// with the keyboard only (Tab to move, typing, Enter to submit), the focus always where a person
// expects it and clearly visible.

// The client polls every 200 ms of real time and moves the server’s clock by the interval (1 s
// here) each time: a slow run cannot outlive the code's 15 minutes.
const suite = useBrowserSuite({ pollIntervalSeconds: 1 });
const SCOPES = ['openid', 'profile', 'offline_access'];

/** The browser's own user agent, as the consent page must show it. */
async function userAgentOf(page: Page): Promise<string> {
  // `navigator` of the page; lib "dom" is not in this project, hence the cast.
  return page.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent);
}

describe('the whole flow in a browser, with the client polling', () => {
  it('code entry → sign-in → consent → Allow: the polling client receives tokens', async () => {
    const signIn = await startBackgroundSignIn(suite.server, SCOPES);
    const page = await suite.newPage();

    await page.goto(signIn.info.verificationUri);
    expect(await heading(page)).toBe('Enter code');
    // Typed the way people do: lower case, a space instead of the dash.
    const typed = signIn.info.userCode.toLowerCase().replace('-', ' ');
    expect((await submitCode(page, typed)).url()).toBe(`${suite.server.url}/device/signin`);
    expect(await heading(page)).toBe('Sign in');
    expect(await page.locator('main').innerText()).toContain('Sign in with your contoso account.');
    expect((await submitSignIn(page)).url()).toBe(`${suite.server.url}/device/consent`);

    // The consent page: the app, the scopes in plain words, where and when the code was requested
    // next to this browser's own address and user agent, the warning.
    expect(await heading(page)).toBe('Are you trying to sign in to Contoso CLI?');
    expect(await page.locator('main li').allTextContents()).toEqual([
      'Sign you in',
      'See your basic profile',
      'Stay signed in (refresh tokens)',
    ]);
    const details = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(details).toMatch(/When (less than a minute|\d+ minutes?) ago \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    // In plain words first (headless Chromium on this Linux machine), then as sent.
    expect(details).toContain(`User agent Chrome (headless) on Linux ${await userAgentOf(page)}`);
    expect(details).toContain('IP address 127.0.0.1');
    expect(details).toContain('Only continue if you started this sign-in on a device in front of you.');
    expect(details).toContain(`Signed in as ${USER.displayName} (${USER.username}).`);

    // The client has been polling all along and has nothing yet.
    expect(signIn.waits()).toBeGreaterThanOrEqual(2);
    expect(await hasSettled(signIn.outcome)).toBe(false);

    await submit(page, 'Allow');
    expect(await heading(page)).toBe('You’re signed in');
    expect(await page.locator('main').innerText()).toContain('You can close this window and return to your device.');

    const outcome = await signIn.outcome;
    if (!outcome.ok) throw outcome.error;
    expect(outcome.result.account).toMatchObject({ username: USER.username, name: USER.displayName });
    expect(outcome.result.refreshToken).toEqual(expect.any(String));
    const me = await fetch(`${suite.server.url}/api/me`, {
      headers: { authorization: `Bearer ${outcome.result.accessToken}` },
    });
    expect(me.status).toBe(200);
  });

  it('Deny: the done page says nothing was granted and the client stops with AuthorizationDeclinedError', async () => {
    const signIn = await startBackgroundSignIn(suite.server, SCOPES);
    const page = await suite.newPage();
    await reachConsent(page, suite.server.url, signIn.info.userCode);

    // Deny is as prominent as Allow: same size, same look.
    const [deny, allow] = await Promise.all(
      ['Deny', 'Allow'].map((name) => page.getByRole('button', { name, exact: true }).boundingBox()),
    );
    expect(deny).not.toBeNull();
    expect(Math.abs((deny?.width ?? 0) - (allow?.width ?? 0))).toBeLessThan(1);
    expect(Math.abs((deny?.height ?? 0) - (allow?.height ?? 0))).toBeLessThan(1);

    await submit(page, 'Deny');
    expect(await heading(page)).toBe('Sign-in denied');
    expect(await page.locator('main').innerText()).toContain('Nothing was granted.');
    const outcome = await signIn.outcome;
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(AuthorizationDeclinedError);
  });

  it('a second approval says the code was already used, and so does the back button', async () => {
    const { userCode } = await requestDeviceCode(suite.server);
    const page = await suite.newPage();
    await reachConsent(page, suite.server.url, userCode);

    // Someone else (another tab, another person) approves first, through the pages over HTTP.
    await suite.server.signInAndApprove(userCode);
    expect((await submit(page, 'Allow')).status()).toBe(409);
    expect(await heading(page)).toBe('Code already used');
    expect(await page.locator('main').innerText()).toContain('This code has already been used.');

    // Back to the consent page: it is asked for again (no-store) and says so too.
    const back = await navigation(page, async () => {
      await page.goBack();
    });
    expect(back.url()).toBe(`${suite.server.url}/device/consent`);
    expect(back.status()).toBe(409);
    expect(await heading(page)).toBe('Code already used');
  });

  it('works without JavaScript: a browser with JavaScript disabled completes the flow, no page has a script', async () => {
    const code = await requestDeviceCode(suite.server);
    const page = await suite.newPage({ javaScriptEnabled: false });
    const loaded: string[] = [];
    page.on('response', (response) => loaded.push(`${response.request().resourceType()} ${response.status()}`));
    const steps: (readonly [string, () => Promise<unknown>])[] = [
      ['Enter code', () => page.goto(code.verificationUri)],
      ['Sign in', () => submitCode(page, code.userCode)],
      ['Are you trying to sign in to Contoso CLI?', () => submitSignIn(page)],
      ['You’re signed in', () => submit(page, 'Allow')],
    ];
    for (const [title, step] of steps) {
      await step();
      expect(await heading(page)).toBe(title);
      expect(await page.locator('script').count()).toBe(0);
    }
    // Documents (redirects included) and the stylesheet, on every page: nothing else.
    expect(new Set(loaded)).toEqual(new Set(['document 200', 'document 303', 'stylesheet 200']));
    expect(loaded.filter((l) => l === 'stylesheet 200')).toHaveLength(steps.length);
    expect((await pollOnce(suite.server, code)).status).toBe(200);
  });
});

describe('keyboard only', () => {
  it('code → sign-in → consent → Allow with Tab, typing and Enter; the focus is always visible', async () => {
    const code = await requestDeviceCode(suite.server);
    const page = await suite.newPage();
    await page.goto(code.verificationUri);

    // Code entry: the field has the focus on arrival.
    expect((await focused(page)).element).toBe('input#user_code');
    await page.keyboard.type(code.userCode.toLowerCase());
    expect(await tab(page)).toMatchObject({ element: 'button', label: 'Next' });
    await enter(page);

    // Sign-in: username (focused on arrival), password, the button.
    expect(await heading(page)).toBe('Sign in');
    expect((await focused(page)).element).toBe('input#username');
    await page.keyboard.type(USER.username);
    expect(await tab(page)).toMatchObject({ element: 'input#password' });
    await page.keyboard.type(USER.password);
    expect(await tab(page)).toMatchObject({ element: 'button', label: 'Sign in' });
    await enter(page);

    // Consent: the first stops are the two decisions, Deny then Allow, before anything else.
    expect(await heading(page)).toBe('Are you trying to sign in to Contoso CLI?');
    expect(await tab(page)).toMatchObject({ element: 'button', label: 'Deny' });
    expect(await tab(page)).toMatchObject({ element: 'button', label: 'Allow' });
    await enter(page);

    expect(await heading(page)).toBe('You’re signed in');
    expect((await pollOnce(suite.server, code)).status).toBe(200);
  });

  it('the fields show their focus too (typed into after a click, as on a phone)', async () => {
    const page = await suite.newPage();
    await page.goto(`${suite.server.url}/device`);
    await page.getByLabel('Code').click();
    expectVisibleFocus(await focused(page));
  });
});
