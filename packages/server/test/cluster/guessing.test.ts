/**
 * User-code guessing at scale against the real app (`buildApp`: no proxy trusted, so the client IP
 * is the socket's): 10,000 pending codes, and an attacker spread over 120 loopback source
 * addresses in 120 networks (127.0.1.1, 127.0.2.1 … 127.0.120.1: one per /24, so the per-network
 * budget does not stop it early), each collecting a session cookie and CSRF token as a browser
 * does, then guessing. The budgets are the defaults of src/verification/limits.ts: 10 failures
 * per IP, 30 per network, 1,000 from everyone, and 1,000 more from clean networks while under
 * attack, per 15-minute window (PROTOCOL-NOTES §E, docs/security.md "Guessing").
 *
 * "Legitimate users still complete" means: a user who had entered their code before the budget
 * was spent finishes (sign-in, consent, tokens), and so does a fresh user from a network that
 * took no part in the attack, during the attack (the denial of service found in issue 8, fixed
 * by code-entry-budget.ts); the attacker's networks wait for the window's end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { randomUserCode, sha256, userCodeHash } from '../../src/crypto.js';
import { VERIFICATION_LIMITS } from '../../src/verification/limits.js';
import { PATHS } from '../../src/verification/paths.js';
import { BrowserSession, type PageResponse } from '../support/browser-session.js';
import { decide, enterCode, expectPage } from '../support/page-steps.js';
import {
  CLIENT_ID,
  TEST_BROWSER_AGENT,
  USER,
  postForm,
  startTestServer,
  type TestServer,
} from '../support/test-server.js';
import { SourceAddressBrowser, type SourceAnswer } from './support/source-address-browser.js';

const PENDING_CODES = 10_000;
const ATTACKER_ADDRESSES = 120;
/** Guesses each address tries: more than the per-IP budget. */
const GUESSES_PER_ADDRESS = 12;
/** Addresses guessing at the same time. */
const PARALLEL = 12;

let server: TestServer | undefined;

beforeAll(async () => {
  server = await startTestServer();
  const { store } = server.context;
  const now = server.clock.now();
  for (let created = 0; created < PENDING_CODES;) {
    const stored = await store.createDeviceCode({
      id: randomUUID(),
      deviceCodeHash: sha256(randomUUID()),
      userCodeHash: userCodeHash(randomUserCode()),
      clientId: CLIENT_ID,
      tenant: 'contoso',
      scope: 'openid',
      createdAt: now,
      expiresAt: now + 900_000,
      interval: 5,
      requestIp: '192.0.2.1',
      requestUserAgent: 'guessing test',
    });
    if (stored) created += 1;
  }
}, 30_000);

afterAll(async () => {
  await server?.close();
});

function running(): TestServer {
  if (server === undefined) throw new Error('the server did not start');
  return server;
}

/** A device flow started on the real endpoint: its codes. */
async function issue(s: TestServer): Promise<{ userCode: string; deviceCode: string }> {
  const { status, body } = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, {
    client_id: CLIENT_ID,
    scope: 'openid',
  });
  expect(status).toBe(200);
  return { userCode: String(body['user_code']), deviceCode: String(body['device_code']) };
}

/** The device's poll: tokens once approved. */
async function poll(s: TestServer, deviceCode: string): Promise<Record<string, unknown>> {
  const { body } = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    client_id: CLIENT_ID,
    device_code: deviceCode,
  });
  return body;
}

/** What the attacker got, per status. */
interface AttackTally {
  /** Guesses the server evaluated (looked the code up): 400 wrong, 303 a hit. */
  evaluated: number;
  hits: number;
  limited: number;
  /** The most guesses evaluated for one address. */
  mostForOneAddress: number;
}

async function attack(s: TestServer): Promise<AttackTally> {
  const tally: AttackTally = { evaluated: 0, hits: 0, limited: 0, mostForOneAddress: 0 };
  let next = 1;
  const worker = async (): Promise<void> => {
    while (next <= ATTACKER_ADDRESSES) {
      const browser = new SourceAddressBrowser(s.url, `127.0.${next}.1`);
      next += 1;
      try {
        expect((await browser.get(PATHS.codeEntry)).status).toBe(200);
        let evaluated = 0;
        for (let i = 0; i < GUESSES_PER_ADDRESS; i += 1) {
          const { status } = await browser.post(PATHS.codeEntry, { csrf: browser.csrf, user_code: randomUserCode() });
          if (status === 429) tally.limited += 1;
          else {
            expect([400, 303]).toContain(status);
            evaluated += 1;
            if (status === 303) tally.hits += 1;
          }
        }
        tally.evaluated += evaluated;
        tally.mostForOneAddress = Math.max(tally.mostForOneAddress, evaluated);
      } finally {
        browser.close();
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return tally;
}

describe('guessing with 10,000 pending codes from 120 source addresses', () => {
  let early: { browser: BrowserSession; signIn: PageResponse; deviceCode: string } | undefined;
  let spent: SourceAnswer | undefined;

  it('the attacker gets the global budget of guesses plus at most one per network it had not used yet', async () => {
    const s = running();
    // A user who typed their code before the attack (their page session is bound to it).
    const flow = await issue(s);
    const browser = new BrowserSession(s.url, { userAgent: TEST_BROWSER_AGENT });
    const signIn = expectPage(await enterCode(browser, flow.userCode), 'early user: code', {
      status: 200,
      actions: [PATHS.signIn],
    });
    early = { browser, signIn, deviceCode: flow.deviceCode };

    const tally = await attack(s);
    const { codeEntryGlobal, codeEntryPerIp } = VERIFICATION_LIMITS;
    // Only failures count: a (very unlikely) hit is evaluated without using the budget. Networks
    // that had not guessed when the global budget ran out got one try each, no more.
    const failures = tally.evaluated - tally.hits;
    expect(failures).toBeGreaterThanOrEqual(codeEntryGlobal.max);
    expect(failures).toBeLessThanOrEqual(
      codeEntryGlobal.max + (ATTACKER_ADDRESSES - codeEntryGlobal.max / codeEntryPerIp.max),
    );
    expect(tally.mostForOneAddress).toBeLessThanOrEqual(codeEntryPerIp.max);
    expect(tally.limited).toBe(ATTACKER_ADDRESSES * GUESSES_PER_ADDRESS - tally.evaluated);
    // 1,000 guesses × 10,000 codes ÷ 20^8 ≈ 0.0004 expected hits: none in practice.
    expect(tally.hits).toBeLessThanOrEqual(1);
  }, 40_000);

  it('a user who entered the code before the budget was spent signs in, approves, and the device gets tokens', async () => {
    const s = running();
    if (early === undefined) throw new Error('the first test did not run');
    const consent = expectPage(
      await early.browser.submit(early.signIn, { username: USER.username, password: USER.password }),
      'early user: sign-in',
      { status: 200, actions: [PATHS.consent] },
    );
    await decide(early.browser, consent, 'allow');
    expect(await poll(s, early.deviceCode)).toMatchObject({ token_type: 'Bearer' });
  });

  it('during the attack, a fresh user from a network that did not guess completes: code, sign-in, consent, tokens', async () => {
    const s = running();
    const flow = await issue(s);
    // From 127.0.0.1: a network with no failure in this window. It walks every page with a fresh
    // cookie jar and checks the store holds the approval.
    await s.signInAndApprove(flow.userCode);
    expect(await poll(s, flow.deviceCode)).toMatchObject({ token_type: 'Bearer' });
  });

  it("the attacker's networks wait for the window's end, even with a right code from a new address", async () => {
    const s = running();
    const flow = await issue(s);
    const browser = new SourceAddressBrowser(s.url, '127.0.7.99');
    try {
      expect((await browser.get(PATHS.codeEntry)).status).toBe(200);
      spent = await browser.post(PATHS.codeEntry, { csrf: browser.csrf, user_code: flow.userCode });
    } finally {
      browser.close();
    }
    expect(spent.status).toBe(429);
    expect(Number(spent.retryAfter)).toBeGreaterThan(0);
  });

  it("once the window ends, the attacker's networks may try again", async () => {
    const s = running();
    if (spent === undefined) throw new Error('the previous test did not run');
    s.clock.advance(Number(spent.retryAfter) * 1000);
    const flow = await issue(s);
    const browser = new SourceAddressBrowser(s.url, '127.0.7.99');
    try {
      expect((await browser.get(PATHS.codeEntry)).status).toBe(200);
      const entered = await browser.post(PATHS.codeEntry, { csrf: browser.csrf, user_code: flow.userCode });
      expect(entered.status).toBe(303);
    } finally {
      browser.close();
    }
  });
});
