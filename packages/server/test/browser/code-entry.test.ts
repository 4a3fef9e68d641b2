import { beforeEach, describe, expect, it } from 'vitest';
import { VERIFICATION_LIMITS } from '../../src/verification/limits.js';
import { pollOnce, requestDeviceCode } from './support/device-code.js';
import { alertText, heading, navigation, openCodeEntry, submit, submitCode, submitSignIn } from './support/pages.js';
import { useBrowserSuite } from './support/suite.js';

// The code entry page in a browser: one kind message for every code that does not work; the
// guessing limit, after which the page says when to try again; and the deep link (RFC 8628
// §3.3.1 `verification_uri_complete`, a QR code on a TV), which pre-fills the code but still has
// the user compare it with the device's and confirm it: a link sent by an attacker must not take
// anyone past this page on its own.

const suite = useBrowserSuite();
const WINDOW_MS = VERIFICATION_LIMITS.codeEntryPerIp.windowMs;

// Every test starts with a fresh guessing budget for 127.0.0.1: the budgets' windows are aligned,
// so moving a whole window always reaches the next one.
beforeEach(() => {
  suite.server.clock.advance(WINDOW_MS);
});

const MESSAGE =
  'That code didn’t work. Check the code and try again. Codes expire after a few minutes and work only once: if yours is old, ask your device for a new one.';

describe('code entry in a browser', () => {
  it('unknown, malformed, expired and used codes all get the same kind message, and the form again', async () => {
    const expired = await requestDeviceCode(suite.server);
    suite.server.clock.advance(15 * 60_000 + 1);
    const used = await requestDeviceCode(suite.server);
    await suite.server.approve(used.userCode);

    const page = await suite.newPage();
    await openCodeEntry(page, suite.server.url);
    for (const code of ['BBBB-BBBB', '12', expired.userCode, used.userCode]) {
      const response = await submitCode(page, code);
      expect(response.status(), code).toBe(400);
      expect(await heading(page)).toBe('Enter code');
      expect(await alertText(page)).toBe(MESSAGE);
      expect(await page.getByLabel('Code').isVisible()).toBe(true);
    }
  });

  it(`wrong codes up to the limit (${VERIFICATION_LIMITS.codeEntryPerIp.max}), then the page says when to try again`, async () => {
    const { userCode } = await requestDeviceCode(suite.server);
    const page = await suite.newPage();
    await openCodeEntry(page, suite.server.url);
    for (let attempt = 1; attempt <= VERIFICATION_LIMITS.codeEntryPerIp.max; attempt += 1) {
      expect((await submitCode(page, 'BBBB-BBBB')).status(), `attempt ${attempt}`).toBe(400);
      expect(await alertText(page)).toBe(MESSAGE);
    }

    const limited = await submitCode(page, 'BBBB-BBBB');
    expect(limited.status()).toBe(429);
    expect(await heading(page)).toBe('Too many attempts');
    const retryAfter = Number(await limited.headerValue('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    const minutes = Math.ceil(retryAfter / 60);
    const after = new Date(suite.server.clock.now() + retryAfter * 1000).toISOString().slice(0, 16).replace('T', ' ');
    expect(await alertText(page)).toBe(
      `There have been too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'} (after ${after} UTC).`,
    );
    // Nothing to submit on this page: no form, no field; a way back for when the time has come.
    expect(await page.locator('form').count()).toBe(0);
    const back = page.getByRole('link', { name: 'Back to code entry' });

    // When the time has come, the right code goes through.
    suite.server.clock.advance(retryAfter * 1000);
    await navigation(page, () => back.click());
    expect(await heading(page)).toBe('Enter code');
    await submitCode(page, userCode);
    expect(await heading(page)).toBe('Sign in');
  });
});

describe('deep link (verification_uri_complete)', () => {
  it('pre-fills the code and shows it for comparison; nothing happens until the user confirms', async () => {
    const code = await requestDeviceCode(suite.server);
    const page = await suite.newPage();
    const response = await page.goto(code.verificationUriComplete);

    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/device');
    expect(await heading(page)).toBe('Enter code');
    expect(await page.getByLabel('Code').inputValue()).toBe(code.userCode);
    const notice = page.locator('.notice');
    expect((await notice.innerText()).replace(/\s+/g, ' ')).toContain(
      'This code came with the link you opened. Check that it matches the code shown on your device, then select Next.',
    );
    // The code is shown once more as text, for comparison, and read out grouped, character by
    // character, to screen readers ("K G N D, W K J T"), as the accessibility tree has it.
    expect(await notice.innerText()).toContain(code.userCode);
    const [first = '', second = ''] = code.userCode.split('-');
    const spoken = `${[...first].join(' ')}, ${[...second].join(' ')}`;
    const tree = await notice.ariaSnapshot();
    expect(tree).toContain(spoken);
    expect(tree).not.toContain(code.userCode);

    // Opening the link decided nothing: the device is still told to wait.
    expect((await pollOnce(suite.server, code)).body['error']).toBe('authorization_pending');

    await submit(page, 'Next');
    expect(await heading(page)).toBe('Sign in');
    await submitSignIn(page);
    expect(await heading(page)).toBe('Are you trying to sign in to Contoso CLI?');
  });

  it('a link whose code cannot be used (malformed, unknown, expired, used) pre-fills nothing and says so', async () => {
    const expired = await requestDeviceCode(suite.server);
    suite.server.clock.advance(15 * 60_000 + 1);
    const used = await requestDeviceCode(suite.server);
    await suite.server.approve(used.userCode);
    const page = await suite.newPage();
    for (const code of ['%3Cb%3Ex', 'BBBB-BBBB', expired.userCode, used.userCode]) {
      await page.goto(`${suite.server.url}/device?user_code=${code}`);
      expect(await heading(page)).toBe('Enter code');
      expect(await page.getByLabel('Code').inputValue(), code).toBe('');
      // One notice for every reason (as the form's one message), and no confirmation to make.
      expect(await page.locator('.notice').allInnerTexts(), code).toEqual([
        'The code in the link you opened can’t be used: it may have expired or been used already. Enter the code your device shows now.',
      ]);
    }
  });
});
