/**
 * Our client (`@devicelogin/client`) signing in against the test server in the background while
 * the browser walks the pages, as a CLI does while its user is on a phone.
 */
import {
  PublicClientApplication,
  type AuthenticationResult,
  type Clock,
  type DeviceCodeInfo,
} from '@devicelogin/client';
import type { FakeClock } from '@devicelogin/test-utils';
import { CLIENT_ID, type TestServer } from '../../support/test-server.js';

/** Real milliseconds the client waits between polls, whatever the interval it was told. */
const REAL_WAIT_MS = 200;

/**
 * The client's clock: its time is the server's fake clock, and a sleep of `ms` waits
 * {@link REAL_WAIT_MS} of real time, then moves the server's clock forward by `ms`. So the client
 * polls every 200 ms while both sides see it keep the advertised interval (no `slow_down`), and
 * the device code's lifetime lasts as many polls as a real sign-in's would.
 */
function pollingClock(server: FakeClock, onSleep: () => void): Clock {
  return {
    now: () => server.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        onSleep();
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const timer = setTimeout(
          () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(server.sleep(ms, signal));
          },
          Math.min(ms, REAL_WAIT_MS),
        );
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/** How the background sign-in ended. */
export type SignInOutcome =
  { readonly ok: true; readonly result: AuthenticationResult } | { readonly ok: false; readonly error: unknown };

/** A device sign-in in progress. */
export interface BackgroundSignIn {
  /** What the client showed its user (code, URL, deep link). */
  readonly info: DeviceCodeInfo;
  /** How many polls the client has started waiting for so far (it waits before each poll). */
  waits(): number;
  /** Settles when the client stops polling; never rejects. */
  readonly outcome: Promise<SignInOutcome>;
  /** Stops polling (for a test that ends early; harmless once it has ended). */
  stop(): void;
}

function describeOutcome(outcome: SignInOutcome): string {
  return outcome.ok ? 'it received tokens' : String(outcome.error);
}

/**
 * Starts `acquireTokenByDeviceCode` for the test client in `contoso`; resolves once the client
 * has shown its code and its first poll was answered (`authorization_pending`), so the test knows
 * the client is polling before the user opens the page.
 * @throws {Error} when the client stops before that.
 */
export async function startBackgroundSignIn(server: TestServer, scopes: readonly string[]): Promise<BackgroundSignIn> {
  let waits = 0;
  let polledOnce: () => void = () => undefined;
  const firstPollAnswered = new Promise<void>((resolve) => (polledOnce = resolve));
  // The second wait starts once the first poll was answered.
  const clock = pollingClock(server.clock, () => {
    waits += 1;
    if (waits === 2) polledOnce();
  });
  const app = new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: `${server.url}/contoso`, provider: 'generic' },
    // Standard RFC 8628 polling: these tests are about the pages; a held long-poll request would
    // wait on the server's fake clock, which jumps ahead when slept on (long-poll has its own tests).
    system: { clock, longPoll: false },
  });
  const controller = new AbortController();
  let shown: (info: DeviceCodeInfo) => void = () => undefined;
  const infoShown = new Promise<DeviceCodeInfo>((resolve) => (shown = resolve));
  const outcome = app
    .acquireTokenByDeviceCode({ scopes, onDeviceCode: (info) => shown(info), signal: controller.signal })
    .then(
      (result): SignInOutcome => ({ ok: true, result }),
      (error: unknown): SignInOutcome => ({ ok: false, error }),
    );
  const stoppedEarly = outcome.then((ended) => {
    throw new Error(`the client stopped before polling: ${describeOutcome(ended)}`);
  });
  // Rejects later, when the sign-in ends after the race was decided: not an unhandled rejection.
  stoppedEarly.catch(() => undefined);
  const [info] = await Promise.race([Promise.all([infoShown, firstPollAnswered]), stoppedEarly]);
  return { info, waits: () => waits, outcome, stop: () => controller.abort(new Error('test over')) };
}
