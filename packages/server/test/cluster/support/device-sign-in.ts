/**
 * Both sides of a device sign-in against a cluster: our client (`@devicelogin/client`, real
 * clock, real HTTP) polling in the background, and the user answering through the pages with a
 * {@link BrowserSession}.
 */
import {
  PublicClientApplication,
  type AuthenticationResult,
  type DeviceCodeInfo,
  type FetchLike,
} from '@devicelogin/client';
import { BrowserSession, type PageResponse } from '../../support/browser-session.js';
import { decide, reachConsent } from '../../support/page-steps.js';
import { CLIENT_ID, TEST_BROWSER_AGENT, USER } from '../../support/test-server.js';

/** Scopes asked for: `offline_access` so that the grant leaves a refresh token in the database. */
export const SCOPES = ['openid', 'profile', 'offline_access'] as const;

/** A sign-in whose client is polling. */
export interface PollingSignIn {
  /** What the client showed its user. */
  readonly info: DeviceCodeInfo;
  /** The client's result; rejects with its typed error. */
  readonly result: Promise<AuthenticationResult>;
}

/** What {@link startPolling} takes besides the authority. */
export interface PollingOptions {
  /** The client's fetch (to watch or break its requests). Default: the global fetch. */
  readonly fetch?: FetchLike;
  /** Per-request timeout of the client, ms. */
  readonly requestTimeoutMs?: number;
  /** Awaited when the code is shown, before the client's first poll (the user acting at once). */
  readonly onShown?: (info: DeviceCodeInfo) => Promise<void>;
}

/**
 * Starts `acquireTokenByDeviceCode` for the test client in `contoso` at `origin` (discovery,
 * device authorization, polls) and resolves once the code is shown; polling goes on.
 */
export async function startPolling(origin: string, options: PollingOptions = {}): Promise<PollingSignIn> {
  const app = new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: `${origin}/contoso`, provider: 'generic' },
    system: {
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    },
  });
  let shown: (info: DeviceCodeInfo) => void = () => undefined;
  const infoShown = new Promise<DeviceCodeInfo>((resolve) => (shown = resolve));
  const result = app.acquireTokenByDeviceCode({
    scopes: [...SCOPES],
    onDeviceCode: async (info) => {
      await options.onShown?.(info);
      shown(info);
    },
  });
  // Settled by the caller; until then a rejection must not count as unhandled.
  result.catch(() => undefined);
  const info = await Promise.race([
    infoShown,
    result.then(() => {
      throw new Error('the client ended before showing a code');
    }),
  ]);
  return { info, result };
}

/**
 * The user's side at `origin` (the load balancer or one instance): enter the code, sign in as
 * {@link USER}, Allow; resolves to the done page.
 * @throws {PageStepError} naming the step that went wrong.
 */
export async function approveThroughPages(origin: string, userCode: string): Promise<PageResponse> {
  const browser = new BrowserSession(origin, { userAgent: TEST_BROWSER_AGENT });
  return decide(browser, await reachConsent(browser, userCode, USER), 'allow');
}
