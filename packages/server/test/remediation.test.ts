/**
 * Detect and remediate, over real HTTP: an approval revoked with `devicelogin-admin approvals
 * revoke --code` kills its access tokens at their next use (`invalid_token`) and its refresh
 * tokens at once, leaving other sign-ins alone; `users revoke` answers the user's older access
 * tokens with an Entra-style claims challenge (CAE), kills the refresh tokens unless
 * `--access-only`, in which case a refresh with the `claims` gets an accepted token. The admin
 * commands run in-process on the server's own store (support/admin-on-server.ts).
 */
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { Approver } from '../src/store/store.js';
import { adminOnServer } from './support/admin-on-server.js';
import { dpopKey } from './support/dpop-key.js';
import { refresh, tokensOf, type Tokens } from './support/sign-in.js';
import {
  CLIENT_ID,
  TEST_BROWSER_AGENT,
  USER,
  postForm,
  startTestServer,
  type TestServer,
} from './support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const SCOPE = 'openid profile offline_access api://demo/read';

/** A device-code sign-in approved in the store from `approver`; the tokens and the user code. */
async function signInWithCode(
  s: TestServer,
  approver: Approver = { ip: '198.51.100.20', userAgent: 'victim browser' },
): Promise<Tokens & { userCode: string }> {
  const device = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: SCOPE });
  const userCode = String(device.body['user_code']);
  await s.approve(userCode, undefined, approver);
  const tokens = tokensOf(
    await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: CLIENT_ID,
      device_code: String(device.body['device_code']),
    }),
  );
  return { ...tokens, userCode };
}

const me = (s: TestServer, token: string) =>
  fetch(`${s.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
const userinfo = (s: TestServer, token: string) =>
  fetch(`${s.url}/contoso/oidc/userinfo`, { headers: { authorization: `Bearer ${token}` } });

/** The parameters of a `WWW-Authenticate` challenge (`Scheme a="…", b="…"`). */
function challengeOf(answer: Response): { scheme: string; params: Record<string, string> } {
  const header = answer.headers.get('www-authenticate') ?? '';
  const scheme = header.split(' ')[0] ?? '';
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { scheme, params };
}

/** Expects 401 `insufficient_claims` asking for a token issued at or after `validAfter`. */
async function expectClaimsChallenge(s: TestServer, answer: Response, validAfter: number): Promise<string> {
  expect(answer.status).toBe(401);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  const { scheme, params } = challengeOf(answer);
  expect(scheme).toBe('Bearer');
  expect(Object.keys(params).sort()).toStrictEqual(['claims', 'error', 'realm']);
  expect(params).toMatchObject({ realm: s.url, error: 'insufficient_claims' });
  // Exactly as Entra and Graph send it: standard base64 of the claims request.
  const claims = Buffer.from(params['claims']!, 'base64').toString('utf8');
  // "Issued after the valid-after second": tokens of that second are refused too.
  expect(JSON.parse(claims)).toStrictEqual({
    access_token: { nbf: { essential: true, value: String(validAfter + 1) } },
  });
  expect(await answer.json()).toStrictEqual({ error: 'insufficient_claims' });
  return claims;
}

function expectInvalidToken(s: TestServer, answer: Response): void {
  expect(answer.status).toBe(401);
  expect(challengeOf(answer)).toStrictEqual({ scheme: 'Bearer', params: { realm: s.url, error: 'invalid_token' } });
}

describe('approvals revoke --code (device-code phishing remediation)', () => {
  it('takes effect on the next API call; the refresh token dies; another approval is untouched', async () => {
    const s = (server = await startTestServer());
    const phished = await signInWithCode(s);
    const other = await signInWithCode(s);
    expect((await me(s, phished.access_token)).status).toBe(200);
    expect(decodeJwt(phished.access_token)['sid']).toEqual(expect.any(String));

    // The user reports the code as they typed it: lower case, no dash.
    const typed = phished.userCode.replace('-', '').toLowerCase();
    const revoked = await adminOnServer(s, ['approvals', 'revoke', '--code', typed]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe('');
    expect(revoked.stderr).toContain(`(${USER.username} → ${CLIENT_ID}, approved `);
    expect(revoked.stderr).toContain('- 1 refresh token(s) revoked');
    expect(revoked.stderr).not.toContain(phished.userCode.replace('-', ''));

    expectInvalidToken(s, await me(s, phished.access_token));
    expectInvalidToken(s, await userinfo(s, phished.access_token));
    expect((await refresh(s, phished.refresh_token)).body).toMatchObject({
      error: 'invalid_grant',
      suberror: 'bad_token',
    });

    expect((await me(s, other.access_token)).status).toBe(200);
    const renewed = tokensOf(await refresh(s, other.refresh_token));
    expect((await me(s, renewed.access_token)).status).toBe(200);
  });

  it('kills the tokens refreshed from the approval too (the grant id travels as `sid`)', async () => {
    const s = (server = await startTestServer());
    const first = await signInWithCode(s);
    const renewed = tokensOf(await refresh(s, first.refresh_token));
    expect(decodeJwt(renewed.access_token)['sid']).toBe(decodeJwt(first.access_token)['sid']);
    const approvalId = (await s.context.store.listApprovals({ limit: 1 }))[0]!.id;
    const result = await adminOnServer(s, ['approvals', 'revoke', '--id', approvalId, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      approval: { id: approvalId, state: 'revoked', user: USER.username, clientId: CLIENT_ID },
      newlyRevoked: true,
      refreshTokensRevoked: 2, // the rotated one and its successor
      codeCancelled: false,
    });
    for (const token of [first.access_token, renewed.access_token]) expectInvalidToken(s, await me(s, token));
    expect((await refresh(s, renewed.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
    // Revoking again: exit 0, nothing more to do.
    const again = await adminOnServer(s, ['approvals', 'revoke', '--id', approvalId]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('was already revoked at');
  });

  it('a replayed device code revokes its access tokens too, not only its refresh tokens', async () => {
    const s = (server = await startTestServer());
    const device = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: SCOPE });
    await s.approve(String(device.body['user_code']));
    const poll = () =>
      postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: CLIENT_ID,
        device_code: String(device.body['device_code']),
      });
    const tokens = tokensOf(await poll());
    expect((await me(s, tokens.access_token)).status).toBe(200);
    expect((await poll()).body).toMatchObject({ error: 'invalid_grant' });
    expectInvalidToken(s, await me(s, tokens.access_token));
    expect((await s.context.store.listApprovals({ limit: 1 }))[0]).toMatchObject({ revokedAt: s.clock.now() });
  });

  it('an approved code not picked up yet: the device gets no tokens', async () => {
    const s = (server = await startTestServer());
    const device = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: SCOPE });
    const userCode = String(device.body['user_code']);
    await s.approve(userCode);
    const result = await adminOnServer(s, ['approvals', 'revoke', '--code', userCode]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('it can no longer be redeemed');
    const poll = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: CLIENT_ID,
      device_code: String(device.body['device_code']),
    });
    expect(poll.status).toBe(400);
    expect(poll.body).toMatchObject({ error: 'access_denied' });
  });

  it('an unknown code or id: exit 4; a malformed code or no option: exit 2', async () => {
    const s = (server = await startTestServer());
    expect((await adminOnServer(s, ['approvals', 'revoke', '--code', 'BBBB-BBBB'])).code).toBe(4);
    expect((await adminOnServer(s, ['approvals', 'revoke', '--id', 'nope'])).code).toBe(4);
    expect((await adminOnServer(s, ['approvals', 'revoke', '--code', 'not a code!'])).code).toBe(2);
    expect((await adminOnServer(s, ['approvals', 'revoke'])).code).toBe(2);
    expect((await adminOnServer(s, ['approvals', 'revoke', '--id', 'a', '--code', 'BBBB-BBBB'])).code).toBe(2);
  });
});

describe('users revoke (claims challenge, CAE)', () => {
  it('full revocation: the tokens are dead (invalid_token, every approval of the user revoked); the refresh fails', async () => {
    const s = (server = await startTestServer());
    const tokens = await signInWithCode(s);
    s.clock.advance(1_000); // the token's iat is now a second in the past
    const validAfter = Math.floor(s.clock.now() / 1000);
    const result = await adminOnServer(s, ['users', 'revoke', USER.username]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Revoked the tokens of ${USER.username} (tenant contoso): 1 refresh token(s)`);

    expectInvalidToken(s, await me(s, tokens.access_token));
    expectInvalidToken(s, await userinfo(s, tokens.access_token));
    expect(
      await s.context.store.accessTokenState(undefined, (await s.context.store.findUser('contoso', USER.username))!.id),
    ).toMatchObject({ validAfter });
    expect((await refresh(s, tokens.refresh_token)).body).toMatchObject({
      error: 'invalid_grant',
      suberror: 'bad_token',
    });
    // Signing in again gives tokens the API takes.
    const fresh = await signInWithCode(s);
    expect((await me(s, fresh.access_token)).status).toBe(200);
  });

  it('--access-only: a claims challenge, then a refresh with the claims gets a token the API accepts', async () => {
    const s = (server = await startTestServer());
    const tokens = await signInWithCode(s);
    s.clock.advance(1_000);
    const validAfter = Math.floor(s.clock.now() / 1000);
    const result = await adminOnServer(s, [
      'users',
      'revoke',
      '--username',
      USER.username.toUpperCase(),
      '--tenant',
      'contoso',
      '--access-only',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      username: USER.username,
      accessOnly: true,
      validAfter: new Date(validAfter * 1000).toISOString(),
      refreshTokensRevoked: 0,
    });

    const claims = await expectClaimsChallenge(s, await me(s, tokens.access_token), validAfter);
    const renewed = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: tokens.refresh_token,
      claims,
    });
    expect(renewed.status).toBe(200);
    const access = String(renewed.body['access_token']);
    expect(decodeJwt(access).iat).toBeGreaterThan(validAfter);
    const answer = await me(s, access);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ preferred_username: USER.username });
  });

  it('a DPoP-bound token gets the challenge in the DPoP scheme; a revoked approval’s is invalid_token', async () => {
    const s = (server = await startTestServer({ dpopNonces: false }));
    const key = await dpopKey();
    const tokenUrl = `${s.url}/contoso/oauth2/v2.0/token`;
    const iat = () => Math.floor(s.clock.now() / 1000);
    const device = await postForm(`${s.url}/contoso/oauth2/v2.0/devicecode`, { client_id: CLIENT_ID, scope: SCOPE });
    await s.approve(String(device.body['user_code']));
    const bound = await postForm(
      tokenUrl,
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: CLIENT_ID,
        device_code: String(device.body['device_code']),
      },
      { dpop: await key.proof({ htm: 'POST', htu: tokenUrl, iat: iat() }) },
    );
    const accessToken = String(bound.body['access_token']);
    const call = async () =>
      fetch(`${s.url}/api/me`, {
        headers: {
          authorization: `DPoP ${accessToken}`,
          dpop: await key.proof({ htm: 'GET', htu: `${s.url}/api/me`, accessToken, iat: iat() }),
        },
      });
    expect((await call()).status).toBe(200);
    s.clock.advance(1_000);
    expect((await adminOnServer(s, ['users', 'revoke', USER.username, '--access-only'])).code).toBe(0);
    const challenged = await call();
    expect(challenged.status).toBe(401);
    const { scheme, params } = challengeOf(challenged);
    expect(scheme).toBe('DPoP');
    expect(params).toMatchObject({ realm: s.url, error: 'insufficient_claims' });
    expect(params['algs']).toMatch(/ES256/);
    expect(JSON.parse(Buffer.from(params['claims']!, 'base64').toString())).toStrictEqual({
      access_token: { nbf: { essential: true, value: String(iat() + 1) } },
    });

    const [approval] = await s.context.store.listApprovals({ limit: 1 });
    await s.context.store.revokeApproval(approval!.id, s.clock.now());
    const dead = await call();
    expect(dead.status).toBe(401);
    expect(challengeOf(dead)).toMatchObject({ scheme: 'DPoP', params: { error: 'invalid_token' } });
  });

  it('an unknown user: exit 4; two positional arguments: exit 2', async () => {
    const s = (server = await startTestServer());
    expect((await adminOnServer(s, ['users', 'revoke', 'nobody@contoso.example'])).code).toBe(4);
    expect((await adminOnServer(s, ['users', 'revoke', 'a', 'b'])).code).toBe(2);
    expect((await adminOnServer(s, ['users', 'revoke', USER.username, '--username', USER.username])).code).toBe(2);
  });
});

describe('approvals list', () => {
  it('the consent page records where the approval came from, beside the request', async () => {
    const s = (server = await startTestServer());
    const device = await fetch(`${s.url}/contoso/oauth2/v2.0/devicecode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'kiosk/1.0' },
      body: new URLSearchParams({ client_id: CLIENT_ID, scope: SCOPE }).toString(),
    });
    const { user_code: userCode } = (await device.json()) as { user_code: string };
    await s.signInAndApprove(userCode);
    const [approval] = await s.context.store.listApprovals({ limit: 10 });
    const user = await s.context.store.findUser(USER.tenant, USER.username);
    expect(approval).toMatchObject({
      subject: user!.id,
      clientId: CLIENT_ID,
      requestIp: '127.0.0.1',
      requestUserAgent: 'kiosk/1.0',
      approveIp: '127.0.0.1',
      approveUserAgent: TEST_BROWSER_AGENT,
      approvedAt: s.clock.now(),
      grantId: undefined,
    });
  });

  it('newest first, flags an approval from another IP than the request, shows the state', async () => {
    const s = (server = await startTestServer());
    // The device requests from 127.0.0.1 (this test); one approval from the same address, one
    // from elsewhere (the phishing shape), one revoked.
    await signInWithCode(s, { ip: '127.0.0.1', userAgent: 'same machine' });
    s.clock.advance(1_000);
    await signInWithCode(s, { ip: '203.0.113.66', userAgent: 'Mozilla/5.0 (elsewhere)' });
    s.clock.advance(1_000);
    const revoked = await signInWithCode(s, { ip: '::ffff:127.0.0.1', userAgent: 'same machine, v6-mapped' });
    await adminOnServer(s, ['approvals', 'revoke', '--code', revoked.userCode]);

    const table = await adminOnServer(s, ['approvals', 'list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^APPROVED +USER +CLIENT +REQUESTED FROM +APPROVED FROM +STATE +FLAG +ID$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/ revoked +[0-9a-f-]{36}$/);
    expect(lines[2]).toMatch(
      /127\.0\.0\.1 .* 203\.0\.113\.66 \(Mozilla\/5\.0 \(elsewhere\)\) +redeemed +ip-mismatch +/,
    );
    expect(lines[3]).toMatch(/ redeemed +[0-9a-f-]{36}$/);
    expect(table.stderr).toContain('1 of 3 approvals were made from another IP address');

    const json = await adminOnServer(s, ['approvals', 'list', '--user', USER.username, '--since', '1s', '--json']);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      user: USER.username,
      clientId: CLIENT_ID,
      requestIp: '127.0.0.1',
      approveIp: '::ffff:127.0.0.1',
      state: 'revoked',
      ipMismatch: false,
    });
    expect(rows[1]).toMatchObject({ approveIp: '203.0.113.66', state: 'redeemed', ipMismatch: true });

    for (const bad of [
      ['--since', 'yesterday'],
      ['--limit', '0'],
      ['--limit', 'x'],
    ]) {
      expect((await adminOnServer(s, ['approvals', 'list', ...bad])).code).toBe(2);
    }
    const none = await adminOnServer(s, ['approvals', 'list', '--client', 'other']);
    expect(none).toMatchObject({ code: 0, stderr: 'No approvals match.\n' });
  });

  it('a token minted in the very second of a revocation, after it, is accepted; one minted before it in that second is not', async () => {
    const s = (server = await startTestServer());
    const before = await signInWithCode(s); // minted at second T, before the revocation
    expect((await adminOnServer(s, ['users', 'revoke', USER.username, '--access-only'])).code).toBe(0);
    const challenged = await me(s, before.access_token);
    expect(challenged.status).toBe(401);
    // Same second T, after the revocation: the new token says it was issued at T + 1.
    const renewed = await refresh(s, before.refresh_token);
    expect(renewed.status).toBe(200);
    const access = String(renewed.body['access_token']);
    const now = Math.floor(s.clock.now() / 1000);
    expect(decodeJwt(access).iat).toBe(now + 1);
    expect(decodeJwt(access).nbf).toBe(now);
    expect((await me(s, access)).status).toBe(200);
    // A second revocation in that same second kills it too.
    expect((await adminOnServer(s, ['users', 'revoke', USER.username, '--access-only'])).code).toBe(0);
    expect((await me(s, access)).status).toBe(401);
  });
});
