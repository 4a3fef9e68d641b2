import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

/** Debian's Chromium; no browser download is possible on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The flags every launch uses: root needs `--no-sandbox`; without the background-networking
 * flags Chromium keeps trying to reach Google's hosts, which this closed network refuses.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium (playwright gives each launch its own empty temporary profile). */
export interface TestBrowser {
  readonly browser: Browser;
  /** A fresh context (own cookies), English unless `options.locale` says otherwise. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Launches Debian's headless Chromium through playwright-core. */
export async function launchChromium(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  return {
    browser,
    newContext: (options) => browser.newContext({ locale: 'en-US', ...options }),
    close: () => browser.close(),
  };
}
