/**
 * The user's side in a real browser: Debian's headless Chromium walks the verification pages
 * by role and label, in English. The ONE place to adapt when the pages change (translations,
 * an MFA step for tenants that require it).
 */
import type { TestBrowser } from '@devicelogin/test-utils';

/** Who signs in. */
export interface BrowserUser {
  readonly username: string;
  readonly password: string;
}

/** Options of {@link approveInChromium}. */
export interface ApproveOptions {
  /** Press Allow (default) or Deny on the consent page. */
  readonly allow?: boolean;
}

/**
 * Opens `verificationUri`, types `userCode` ("Code", "Next"), signs in ("Username", "Password",
 * "Sign in"), presses Allow or Deny, and waits for the done page. A fresh browser context (no
 * cookies) each time.
 * @throws when a step's field or button is missing (playwright names the locator).
 */
export async function approveInChromium(
  browser: TestBrowser,
  verificationUri: string,
  userCode: string,
  user: BrowserUser,
  options: ApproveOptions = {},
): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(verificationUri);
    await page.getByLabel('Code', { exact: true }).fill(userCode);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: options.allow === false ? 'Deny' : 'Allow' }).click();
    await page.getByRole('heading').first().waitFor();
    if (options.allow !== false) await page.getByText('You have allowed the sign-in').waitFor();
  } finally {
    await context.close();
  }
}
