import { fakeClock, freePort, type FakeClock } from '@devicelogin/test-utils';
import {
  buildApp,
  openSqliteStore,
  type Approver,
  type BuildOptions,
  type BuiltApp,
  type ServerConfig,
} from '@devicelogin/server';
import { userCodeHash } from '../../src/crypto.js';
import { BrowserSession, type PageResponse } from './browser-session.js';
import { PageStepError, decide, reachConsent, type TotpStep } from './page-steps.js';

export const CLIENT_ID = 'cli-app';
export const USER = {
  tenant: 'contoso',
  username: 'ada@contoso.example',
  displayName: 'Ada Lovelace',
  password: 'correct horse battery staple',
};

/** What the browser went through in {@link TestServer.signInAndApprove}. */
export interface PagesVisit {
  /** The done page ("You have allowed…" or "Nothing was granted."). */
  readonly done: PageResponse;
  /** Every CSRF token the pages handed out. */
  readonly csrfTokens: readonly string[];
  /** Every cookie value the server set (the session cookie at each step). */
  readonly cookieValues: readonly string[];
}

/** Options of {@link TestServer.signInAndApprove}. */
export interface SignInAndApproveOptions {
  /** Allow (default) or Deny on the consent page. */
  readonly allow?: boolean;
  /**
   * Pass a TOTP step after the password (enrolment, or a code for `totp.secret`); default none:
   * the consent page must follow the password.
   */
  readonly totp?: TotpStep;
}

/** The browser's user agent in {@link TestServer.signInAndApprove}. */
export const TEST_BROWSER_AGENT = 'Mozilla/5.0 (devicelogin test browser)';

/** A running server with the objects tests need. */
export interface TestServer extends BuiltApp {
  /**
   * Where it listens: `http://127.0.0.1:<port>` (its `publicUrl` unless `publicScheme` is https),
   * or `https://127.0.0.1:<port>` with the `https` option.
   */
  readonly url: string;
  readonly clock: FakeClock;
  /**
   * Approves a user code as the test user directly in the store (what the consent page does), for
   * tests of the token endpoint that need no pages. Tests of a whole flow use
   * {@link signInAndApprove}. The approval record says it came from `approver` (default
   * 127.0.0.1 and {@link TEST_BROWSER_AGENT}).
   */
  approve(userCode: string, scope?: string, approver?: Approver): Promise<void>;
  /** Denies a user code directly in the store. */
  deny(userCode: string): Promise<void>;
  /**
   * The user's side through the real pages over HTTP, with a fresh cookie jar: `GET /device`,
   * enter `userCode`, sign in as {@link USER} with its password, with `totp` pass the TOTP step
   * (enrolment or code; page-steps.ts `passTotp`), Allow (or Deny with
   * `allow: false`) on the consent page, reach the done page. Then the store must hold the
   * decision (approved for the test user with the requested scopes, or denied).
   * Needs a plain-http `url` (not the `https` option: this process does not trust the local CA).
   * @throws {PageStepError} naming the step that did not reach the expected page.
   */
  signInAndApprove(userCode: string, options?: SignInAndApproveOptions): Promise<PagesVisit>;
  /** {@link signInAndApprove} pressing Deny. */
  signInAndDeny(userCode: string): Promise<PagesVisit>;
  close(): Promise<void>;
}

/** How the test server is exposed, besides its configuration. */
export interface TestServerOptions {
  /**
   * Scheme of the configured `publicUrl` (default `http`). With `https` the server still listens
   * on plain http at `url`, but announces `https://127.0.0.1:<port>` (issuer, endpoints): for
   * clients that demand an https authority and reach the server through a scheme-rewriting
   * transport (msal-node's `system.networkClient`).
   */
  readonly publicScheme?: 'http' | 'https';
  /** Fastify's logger option, passed to `buildApp` (default: off). */
  readonly logger?: BuildOptions['logger'];
  /**
   * Serve real TLS with this key and certificate (`buildApp`'s `https`): `url` and `publicUrl` are
   * then both `https://127.0.0.1:<port>`, and `publicScheme` is ignored.
   */
  readonly https?: BuildOptions['https'];
  /** SQLite file for the store (e.g. one `devicelogin-admin` also writes); default `:memory:`. */
  readonly sqlitePath?: string;
  /**
   * The server's clock; default a `fakeClock` (its sleeps move time at once, so a long-poll hold
   * times out at once). A `manualClock` holds long-polls until the test advances it.
   */
  readonly clock?: FakeClock;
  /**
   * What the scheduled purge waits on (`buildApp`'s `scheduleClock`); default real timers. Pass
   * the same `manualClock` as `clock` to run the purge by advancing it.
   */
  readonly scheduleClock?: BuildOptions['scheduleClock'];
}

/** Starts the server on 127.0.0.1 with an in-memory (or `sqlitePath`) SQLite store and a fake clock. */
export async function startTestServer(
  config: Partial<ServerConfig> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const port = await freePort();
  const url = `${options.https === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  const clock = options.clock ?? fakeClock(Date.now());
  const publicScheme = options.https === undefined ? (options.publicScheme ?? 'http') : 'https';
  const built = await buildApp({
    config: {
      publicUrl: `${publicScheme}://127.0.0.1:${port}`,
      tenants: ['contoso', 'fabrikam'],
      clients: [{ clientId: CLIENT_ID, name: 'Contoso CLI' }],
      users: [USER],
      ...config,
    },
    store: openSqliteStore({ path: options.sqlitePath ?? ':memory:' }),
    clock,
    ...(options.scheduleClock === undefined ? {} : { scheduleClock: options.scheduleClock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.https === undefined ? {} : { https: options.https }),
  });
  await built.app.listen({ port, host: '127.0.0.1' });
  const find = async (userCode: string) => {
    const record = await built.context.store.findDeviceCodeByUserCode(userCodeHash(userCode));
    if (record === undefined) throw new Error('unknown user code');
    return record;
  };
  return {
    ...built,
    url,
    clock,
    async approve(userCode, scope, approver = { ip: '127.0.0.1', userAgent: TEST_BROWSER_AGENT }) {
      const record = await find(userCode);
      const user = await built.context.store.findUser(USER.tenant, USER.username);
      const ok = await built.context.store.approveDeviceCode(
        record.id,
        user!.id,
        scope ?? record.scope,
        clock.now(),
        approver,
      );
      if (!ok) throw new Error('approval refused');
      await built.context.events.publish(record.id); // as the consent page does
    },
    async deny(userCode) {
      const { id } = await find(userCode);
      const ok = await built.context.store.denyDeviceCode(id, clock.now());
      if (!ok) throw new Error('deny refused');
      await built.context.events.publish(id);
    },
    signInAndApprove: (userCode, { allow = true, totp } = {}) => answerThroughPages(built, url, userCode, allow, totp),
    signInAndDeny: (userCode) => answerThroughPages(built, url, userCode, false),
    close: () => built.app.close(),
  };
}

/** {@link TestServer.signInAndApprove}: drives the pages, then checks the store holds the decision. */
async function answerThroughPages(
  built: BuiltApp,
  url: string,
  userCode: string,
  allow: boolean,
  totp?: TotpStep,
): Promise<PagesVisit> {
  const browser = new BrowserSession(url, { userAgent: TEST_BROWSER_AGENT });
  const consent = await reachConsent(browser, userCode, USER, totp);
  const done = await decide(browser, consent, allow ? 'allow' : 'deny');
  const { store } = built.context;
  const record = await store.findDeviceCodeByUserCode(userCodeHash(userCode));
  const user = await store.findUser(USER.tenant, USER.username);
  const expected = allow
    ? { status: 'approved', subject: user?.id, grantedScope: record?.scope }
    : { status: 'denied', subject: undefined, grantedScope: undefined };
  // A held token request (long-poll) may already have redeemed the approval: consumed then.
  const status = allow && record?.status === 'consumed' ? 'approved' : record?.status;
  const actual = { status, subject: record?.subject, grantedScope: record?.grantedScope };
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new PageStepError(
      `the done page was shown but the store holds ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`,
      done,
    );
  }
  return {
    done,
    csrfTokens: [...browser.csrfTokensSeen],
    cookieValues: [...browser.cookieValuesSet],
  };
}

/** POSTs a form and returns status, headers and parsed JSON body. */
export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
