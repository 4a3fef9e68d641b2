/**
 * The guessing budgets under concurrency, on PostgreSQL (docs/security.md, "Guessing"): a real
 * server (`buildApp` with `databaseUrl`, trusting X-Forwarded-For from 127.0.0.1 so that the tests
 * can speak from many addresses) and bursts of requests sent together once every browser holds its
 * session cookie and CSRF token. Checking counters and writing the failure after the lookup let
 * such a burst through whole (each request read the counters before any failure was written);
 * each budget now decides on the count its own atomic increment returned (limits.ts,
 * `countAttempt`).
 *
 * "Evaluated" is what the server looked at: the code lookups in the store (counted by a wrapper
 * around the PostgreSQL store) and the answers (400 wrong code, 401 wrong password, 429 refused).
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '@devicelogin/test-utils';
import { buildApp } from '../../src/app.js';
import { randomToken, randomUserCode, sha256, userCodeHash } from '../../src/crypto.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { VERIFICATION_LIMITS, type VerificationLimits } from '../../src/verification/limits.js';
import { PATHS } from '../../src/verification/paths.js';
import { BrowserSession, type PageResponse } from '../support/browser-session.js';
import { expectPage } from '../support/page-steps.js';
import { CLIENT_ID, TEST_BROWSER_AGENT, USER } from '../support/test-server.js';
import { usePostgres } from '../store/postgres-fixture.js';

const postgres = usePostgres();
const WINDOW = 15 * 60_000;

const dispose: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of dispose.splice(0).reverse()) await step();
});

/** A server on a fresh PostgreSQL schema. */
interface PostgresApp {
  readonly base: string;
  readonly store: Store;
  /** Code lookups (`findDeviceCodeByUserCode`) so far. */
  lookups(): number;
  /** User lookups (`findUser`: one per password checked) so far. */
  userLookups(): number;
  /** The stored status of a user code. */
  status(userCode: string): Promise<string | undefined>;
  /** A pending device code with a fresh user code; its user code (typed form). */
  issue(): Promise<string>;
  /** A browser from `ip` holding a session and the code form's CSRF token. */
  browser(ip: string): Promise<{ browser: BrowserSession; form: PageResponse }>;
}

async function startOnPostgres(limits: VerificationLimits = VERIFICATION_LIMITS): Promise<PostgresApp> {
  const url = await postgres.fresh();
  const pg = await openPostgresStore({ connectionString: url });
  let lookups = 0;
  let userLookups = 0;
  const store: Store = {
    ...pg,
    findDeviceCodeByUserCode: (hash) => {
      lookups += 1;
      return pg.findDeviceCodeByUserCode(hash);
    },
    findUser: (tenant, username) => {
      userLookups += 1;
      return pg.findUser(tenant, username);
    },
  };
  // In the middle of a window: the burst never straddles two.
  const clock = manualClock(Math.floor(Date.now() / WINDOW) * WINDOW + WINDOW / 2);
  const built = await buildApp({
    config: {
      publicUrl: 'http://127.0.0.1',
      databaseUrl: url,
      trustProxy: ['127.0.0.1'],
      clients: [{ clientId: CLIENT_ID, name: 'CLI' }],
      users: [USER],
    },
    store,
    clock,
    verificationLimits: limits,
  });
  dispose.push(() => built.app.close());
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}`;
  return {
    base,
    store,
    lookups: () => lookups,
    userLookups: () => userLookups,
    status: async (userCode) => (await pg.findDeviceCodeByUserCode(userCodeHash(userCode)))?.status,
    async issue() {
      const userCode = randomUserCode();
      const now = clock.now();
      const created = await pg.createDeviceCode({
        id: randomUUID(),
        deviceCodeHash: sha256(randomToken(32)),
        userCodeHash: userCodeHash(userCode),
        clientId: CLIENT_ID,
        tenant: USER.tenant,
        scope: 'openid',
        createdAt: now,
        expiresAt: now + WINDOW,
        interval: 5,
        requestIp: '203.0.113.7',
        requestUserAgent: 'guessing test',
      });
      if (!created) throw new Error('user code collision');
      return `${userCode.slice(0, 4)}-${userCode.slice(4)}`;
    },
    async browser(ip) {
      const browser = new BrowserSession(base, { ip, userAgent: TEST_BROWSER_AGENT });
      const form = expectPage(await browser.get(PATHS.codeEntry), `GET ${PATHS.codeEntry} from ${ip}`, {
        status: 200,
        actions: [PATHS.codeEntry],
      });
      return { browser, form };
    },
  };
}

/** A well-formed user code that matches nothing (none is pending but those issued). */
function wrongCode(): string {
  return randomUserCode();
}

/** How many answers had each status. */
function tally(pages: readonly PageResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of pages) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe('guessing budgets under concurrent requests (PostgreSQL)', () => {
  it('100 wrong codes at once from one address: the per-IP budget (10) is evaluated, the other 90 get 429', async () => {
    const app = await startOnPostgres();
    const { browser, form } = await app.browser('192.0.2.66');
    const csrf = form.csrf ?? '';
    const pages = await Promise.all(
      Array.from({ length: 100 }, () => browser.post(PATHS.codeEntry, { csrf, user_code: wrongCode() })),
    );
    expect(tally(pages)).toEqual({ 400: VERIFICATION_LIMITS.codeEntryPerIp.max, 429: 90 });
    expect(app.lookups()).toBe(VERIFICATION_LIMITS.codeEntryPerIp.max);
    for (const page of pages.filter((p) => p.status === 429)) {
      expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The address waits, even with a right code; another network is not affected.
    const code = await app.issue();
    expect((await browser.post(PATHS.codeEntry, { csrf, user_code: code })).status).toBe(429);
    const user = await app.browser('198.51.100.10');
    expect((await user.browser.post(PATHS.codeEntry, { csrf: user.form.csrf ?? '', user_code: code })).status).toBe(
      303,
    );
  });

  it('100 deep links with wrong codes at once from one address: only the per-IP budget (10) is looked up', async () => {
    const app = await startOnPostgres();
    const browser = new BrowserSession(app.base, { ip: '192.0.2.67', userAgent: TEST_BROWSER_AGENT });
    const pages = await Promise.all(
      Array.from({ length: 100 }, () => browser.get(`${PATHS.codeEntry}?user_code=${wrongCode()}`)),
    );
    expect(tally(pages)).toEqual({ 200: 100 });
    expect(app.lookups()).toBe(VERIFICATION_LIMITS.codeEntryPerIp.max);
  });

  it('global 8 + under attack 2: 120 wrong codes at once from 40 networks get 10 evaluated', async () => {
    const app = await startOnPostgres({
      ...VERIFICATION_LIMITS,
      codeEntryGlobal: { max: 8, windowMs: WINDOW },
      codeEntryUnderAttack: { max: 2, windowMs: WINDOW },
    });
    const browsers = await Promise.all(Array.from({ length: 40 }, (_, i) => app.browser(`10.${i + 1}.0.1`)));
    const pages = await Promise.all(
      browsers.flatMap(({ browser, form }) =>
        Array.from({ length: 3 }, () =>
          browser.post(PATHS.codeEntry, { csrf: form.csrf ?? '', user_code: wrongCode() }),
        ),
      ),
    );
    // Eight within the global budget, then two from networks with no other attempt out: the
    // ceiling codeEntryGlobal + codeEntryUnderAttack, reached (so clean networks did get tries).
    expect(tally(pages)).toEqual({ 400: 10, 429: 110 });
    expect(app.lookups()).toBe(10);
  });

  it('under attack, requests sent together from one clean network get one try between them', async () => {
    const app = await startOnPostgres({
      ...VERIFICATION_LIMITS,
      codeEntryGlobal: { max: 8, windowMs: WINDOW },
      codeEntryUnderAttack: { max: 5, windowMs: WINDOW },
    });
    const attacker = await app.browser('192.0.2.1');
    for (let i = 0; i < 8; i += 1) {
      const page = await attacker.browser.post(PATHS.codeEntry, {
        csrf: attacker.form.csrf ?? '',
        user_code: wrongCode(),
      });
      expect(page.status).toBe(400);
    }
    // Ten addresses of one network that has not failed, three requests each, all at once (30:
    // within the per-network budget, so only the under-attack rule can refuse them).
    const browsers = await Promise.all(Array.from({ length: 10 }, (_, i) => app.browser(`198.51.100.${i + 1}`)));
    const pages = await Promise.all(
      browsers.flatMap(({ browser, form }) =>
        Array.from({ length: 3 }, () =>
          browser.post(PATHS.codeEntry, { csrf: form.csrf ?? '', user_code: wrongCode() }),
        ),
      ),
    );
    expect(tally(pages)).toEqual({ 400: 1, 429: 29 });
    expect(app.lookups()).toBe(8 + 1);
  });

  it('30 wrong passwords at once for one account from 30 addresses: the per-account budget (5) is evaluated', async () => {
    const app = await startOnPostgres();
    const max = VERIFICATION_LIMITS.signInPerAccount.max;
    // Each browser from its own network, at the sign-in page of its own code: neither the per-IP
    // nor the per-code budget can answer first.
    const signIns = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const code = await app.issue();
        const { browser, form } = await app.browser(`10.${i + 1}.0.2`);
        const signIn = expectPage(await browser.submit(form, { user_code: code }), 'code entry', {
          status: 200,
          actions: [PATHS.signIn],
        });
        return { browser, signIn };
      }),
    );
    const pages = await Promise.all(
      signIns.map(({ browser, signIn }) =>
        browser.post(PATHS.signIn, { csrf: signIn.csrf ?? '', username: USER.username, password: 'wrong password' }),
      ),
    );
    expect(tally(pages)).toEqual({ 401: max, 429: 30 - max });
    // The account waits, even with the right password from one more address.
    const code = await app.issue();
    const late = await app.browser('10.200.0.2');
    const signIn = await late.browser.submit(late.form, { user_code: code });
    const right = await late.browser.post(PATHS.signIn, {
      csrf: signIn.csrf ?? '',
      username: USER.username,
      password: USER.password,
    });
    expect(right.status).toBe(429);
  });

  it('30 wrong passwords at once through one device code: its budget (10) is evaluated, and the code denied', async () => {
    const app = await startOnPostgres();
    const max = VERIFICATION_LIMITS.signInPerCode.max;
    const code = await app.issue();
    // Each browser from its own network, with its own username: neither the per-IP nor the
    // per-account budget can answer first.
    const signIns = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const { browser, form } = await app.browser(`10.${i + 1}.0.3`);
        const signIn = expectPage(await browser.submit(form, { user_code: code }), 'code entry', {
          status: 200,
          actions: [PATHS.signIn],
        });
        return { browser, signIn, username: `guess${i}@contoso.example` };
      }),
    );
    const before = app.userLookups();
    const pages = await Promise.all(
      signIns.map(({ browser, signIn, username }) =>
        browser.post(PATHS.signIn, { csrf: signIn.csrf ?? '', username, password: 'wrong password' }),
      ),
    );
    expect(app.userLookups() - before).toBe(max);
    // Nine wrong-password pages; the tenth failure denies the code, and every other request is
    // told it is blocked (403) or, arriving once it was denied, that it is no longer usable (409).
    const counts = tally(pages);
    expect(counts[401]).toBe(max - 1);
    expect((counts[403] ?? 0) + (counts[409] ?? 0)).toBe(30 - (max - 1));
    expect(await app.status(code)).toBe('denied');
  });
});
