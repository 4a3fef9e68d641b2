/**
 * One test server and one headless Chromium per test file (starting Chromium costs about a
 * second), a fresh browser context (own cookies) per test, closed after it.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from '@devicelogin/test-utils';
import type { ServerConfig } from '@devicelogin/server';
import { startTestServer, type TestServer } from '../../support/test-server.js';

/** A phone-sized viewport (the pages' main audience: a code shown on a TV, typed on a phone). */
export const PHONE = { width: 390, height: 844 } as const;
/** A desktop viewport. */
export const DESKTOP = { width: 1280, height: 800 } as const;

/** What a browser test file gets. */
export interface BrowserSuite {
  /** The running server (available inside tests and hooks). */
  readonly server: TestServer;
  /** A new page in a new context (own cookies), closed after the test. English unless `locale` says otherwise. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** A new context, closed after the test (for tests that need two tabs or two people). */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Starts the server (with `config`) and Chromium before the file's tests and stops both after;
 * every context a test opens is closed after that test.
 */
export function useBrowserSuite(config: Partial<ServerConfig> = {}): BrowserSuite {
  let server: TestServer | undefined;
  let chromium: TestBrowser | undefined;
  const open: BrowserContext[] = [];

  beforeAll(async () => {
    [server, chromium] = await Promise.all([startTestServer(config), launchChromium()]);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await Promise.all([server?.close(), chromium?.close()]);
  });

  const newContext = async (options: BrowserContextOptions = {}): Promise<BrowserContext> => {
    if (chromium === undefined) throw new Error('the browser suite has not started (use it inside tests)');
    const context = await chromium.newContext(options);
    open.push(context);
    return context;
  };
  return {
    get server(): TestServer {
      if (server === undefined) throw new Error('the browser suite has not started (use it inside tests)');
      return server;
    },
    newContext,
    async newPage(options) {
      return (await newContext(options)).newPage();
    },
  };
}
