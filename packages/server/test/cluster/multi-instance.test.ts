/**
 * Two server processes (`node dist/main.js`) on one PostgreSQL database behind HAProxy: the client
 * polls through the balancer while the user approves through it; the page session (a signed
 * cookie) crosses instances because they share `cookieSecret`; an instance killed with SIGKILL
 * mid-flow costs nothing but a retry in HAProxy. Each code is redeemed exactly once, as the
 * database shows. The instances trust HAProxy's X-Forwarded-For (`trustProxy`), so a code is
 * recorded with the client's address, not the balancer's. Needs PostgreSQL and /usr/sbin/haproxy
 * (.ci/run provides both).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type TestDatabase } from '@devicelogin/test-utils';
import { BrowserSession } from '../support/browser-session.js';
import { decide, enterCode, expectPage } from '../support/page-steps.js';
import { CLIENT_ID, TEST_BROWSER_AGENT, USER, postForm } from '../support/test-server.js';
import { userCodeHash } from '../../src/crypto.js';
import { PATHS } from '../../src/verification/paths.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { approveThroughPages, startPolling } from './support/device-sign-in.js';
import { redemptions, requestIpOf } from './support/redemptions.js';
import { recordingFetch } from './support/recording-fetch.js';
import { waitUntil } from './support/haproxy.js';

/** The `Prefer: wait=N` of the held requests: the server's default cap. */
const LONG_POLL_WAIT = 20;

let database: TestDatabase | undefined;
let cluster: Cluster | undefined;

beforeAll(async () => {
  database = await freshPostgresDatabase();
  cluster = await startCluster({ databaseUrl: database.url });
}, 40_000);

afterAll(async () => {
  try {
    await cluster?.close();
  } finally {
    await database?.drop();
  }
}, 20_000);

function running(): { cluster: Cluster; database: TestDatabase } {
  if (cluster === undefined || database === undefined) throw new Error('the cluster did not start');
  return { cluster, database };
}

/** The one device code issued for `userCode`'s flow is consumed, with one live refresh token. */
async function expectRedeemedOnce(databaseUrl: string, before: number): Promise<void> {
  const rows = (await redemptions(databaseUrl)).slice(before);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ status: 'consumed', refreshTokens: 1, revoked: 0 });
  expect(rows[0]?.grantId).toEqual(expect.any(String));
}

/** `devicelogin_token_requests_held` of one instance (its /metrics, not through HAProxy). */
async function heldOn(instance: { readonly url: string }): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('devicelogin_token_requests_held '));
  return Number(line?.split(' ')[1] ?? 0);
}

/** Both instances, and a device code issued directly by the first. */
async function codeOnFirstInstance(c: Cluster) {
  const [s1, s2] = c.instances;
  if (s1 === undefined || s2 === undefined) throw new Error('two instances expected');
  const issued = await postForm(`${s1.url}/contoso/oauth2/v2.0/devicecode`, {
    client_id: CLIENT_ID,
    scope: 'openid offline_access',
  });
  return { s1, s2, issued };
}

/**
 * Requests a device code from the loopback source address `localAddress` (any of 127.0.0.0/8 on
 * Linux), with extra headers; returns the user code.
 */
function requestCodeFrom(base: string, localAddress: string, headers: Record<string, string> = {}): Promise<string> {
  const body = new URLSearchParams({ client_id: CLIENT_ID, scope: 'openid' }).toString();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      new URL('/contoso/oauth2/v2.0/devicecode', base),
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`devicecode answered ${response.statusCode}: ${text}`));
          else resolve(String((JSON.parse(text) as Record<string, unknown>)['user_code']));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('two instances on one PostgreSQL behind HAProxy', () => {
  it('the balancer spreads requests over both instances', async () => {
    const { cluster: c } = running();
    const servedBy = new Set<string>();
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${c.url}/contoso/v2.0/.well-known/openid-configuration`);
      expect(response.status).toBe(200);
      servedBy.add(response.headers.get('x-served-by') ?? '');
    }
    expect([...servedBy].sort()).toEqual(['s1', 's2']);
  });

  it('a page session started on one instance continues on the other (shared cookieSecret)', async () => {
    const { cluster: c, database: db } = running();
    const before = (await redemptions(db.url)).length;
    const { s1, s2, issued } = await codeOnFirstInstance(c);
    expect(issued.status).toBe(200);
    const onFirst = new BrowserSession(s1.url, { userAgent: TEST_BROWSER_AGENT });
    const signIn = expectPage(await enterCode(onFirst, String(issued.body['user_code'])), 'code on s1', {
      status: 200,
      actions: [PATHS.signIn],
    });
    const onSecond = new BrowserSession(s2.url, { userAgent: TEST_BROWSER_AGENT });
    for (const [name, value] of onFirst.cookies) onSecond.cookies.set(name, value);
    const consent = expectPage(
      await onSecond.submit(signIn, { username: USER.username, password: USER.password }),
      'sign-in on s2',
      { status: 200, actions: [PATHS.consent] },
    );
    await decide(onSecond, consent, 'allow');
    const tokens = await postForm(`${s1.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: CLIENT_ID,
      device_code: String(issued.body['device_code']),
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body['access_token']).toEqual(expect.any(String));
    await expectRedeemedOnce(db.url, before);
  });

  it('the client polls through HAProxy while the user approves through it: tokens, redeemed once', async () => {
    const { cluster: c, database: db } = running();
    const before = (await redemptions(db.url)).length;
    const signIn = await startPolling(c.url);
    await approveThroughPages(c.url, signIn.info.userCode);
    const result = await signIn.result;
    expect(result.accessToken).toEqual(expect.any(String));
    expect(result.account).toMatchObject({ username: USER.username });
    await expectRedeemedOnce(db.url, before);
  }, 30_000);

  it('long-poll: a token request held on one instance is answered the moment the user approves on the other', async () => {
    const { cluster: c, database: db } = running();
    const before = (await redemptions(db.url)).length;
    const { s1, s2, issued } = await codeOnFirstInstance(c);
    const held = fetch(`${s1.url}/contoso/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', prefer: `wait=${LONG_POLL_WAIT}` },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: CLIENT_ID,
        device_code: String(issued.body['device_code']),
      }).toString(),
    });
    await approveThroughPages(s2.url, String(issued.body['user_code']));
    // Woken by s2's NOTIFY: answered with tokens long before the wait would have run out (when
    // s1 would re-read the store by itself). The margin is the whole wait, not a timing goal.
    const ranOut = new Promise<'ran out'>((resolve) =>
      setTimeout(() => resolve('ran out'), (LONG_POLL_WAIT - 5) * 1000).unref(),
    );
    const response = await Promise.race([held, ranOut]);
    if (response === 'ran out') throw new Error('the held request was not woken by the approval on the other instance');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-served-by')).toBeNull(); // direct to s1, not through HAProxy
    expect(response.headers.get('preference-applied')).toBe(`wait=${LONG_POLL_WAIT}`);
    expect(((await response.json()) as Record<string, unknown>)['access_token']).toEqual(expect.any(String));
    await expectRedeemedOnce(db.url, before);
  }, 30_000);

  it('long-poll through HAProxy: our client holds its polls through the balancer and gets tokens from a held one', async () => {
    const { cluster: c, database: db } = running();
    const before = (await redemptions(db.url)).length;
    const recorder = recordingFetch();
    const signIn = await startPolling(c.url, { fetch: recorder.fetch });
    // Approve once an instance holds the client's poll (each instance's gauge, read directly).
    await waitUntil(async () => (await Promise.all(c.instances.map(heldOn))).some((held) => held > 0), 10_000);
    await approveThroughPages(c.url, signIn.info.userCode);
    const result = await signIn.result;
    expect(result.accessToken).toEqual(expect.any(String));
    const polls = recorder.to('/oauth2/v2.0/token');
    expect(polls.at(-1)?.outcome).toBe(200);
    expect(polls.at(-1)?.preferenceApplied).toMatch(/^wait=\d+$/);
    await expectRedeemedOnce(db.url, before);
  }, 40_000);

  it("a code requested through HAProxy is recorded with the client's address (trustProxy + option forwardfor)", async () => {
    const { cluster: c, database: db } = running();
    // Through the balancer from 127.0.0.77; the client's own X-Forwarded-For is kept but HAProxy
    // appends the address it saw, and the instances take the right-most untrusted one. (Without
    // `option forwardfor` the client's header would pass unchanged and be believed: 198.51.100.1.)
    const viaBalancer = await requestCodeFrom(c.url, '127.0.0.77', { 'x-forwarded-for': '198.51.100.1' });
    expect(await requestIpOf(db.url, userCodeHash(viaBalancer))).toBe('127.0.0.77');
    // Straight to an instance from an address it does not trust: the header is ignored.
    const [s1] = c.instances;
    if (s1 === undefined) throw new Error('no instance');
    const direct = await requestCodeFrom(s1.url, '127.0.0.78', { 'x-forwarded-for': '203.0.113.9' });
    expect(await requestIpOf(db.url, userCodeHash(direct))).toBe('127.0.0.78');
  });

  // Last: it leaves one instance dead.
  it('kill -9 of one instance after the code is issued and before approval: the flow still completes', async () => {
    const { cluster: c, database: db } = running();
    const before = (await redemptions(db.url)).length;
    const signIn = await startPolling(c.url);
    const [victim] = c.instances;
    if (victim === undefined) throw new Error('no instance');
    expect(await victim.stop('SIGKILL')).toBe('SIGKILL');
    await approveThroughPages(c.url, signIn.info.userCode);
    const result = await signIn.result;
    expect(result.accessToken).toEqual(expect.any(String));
    await expectRedeemedOnce(db.url, before);
    // Everything after the kill was served by the survivor.
    const after = await fetch(`${c.url}/contoso/v2.0/.well-known/openid-configuration`);
    expect(after.headers.get('x-served-by')).toBe('s2');
  }, 30_000);
});
