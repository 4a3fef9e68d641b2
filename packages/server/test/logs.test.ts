import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoSecretsIn } from '@devicelogin/test-utils';
import { PublicClientApplication } from '@devicelogin/client';
import { CLIENT_ID, USER, postForm, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('server logs', () => {
  it('a whole flow (deep link, sign-in, refresh, replay, API call, userinfo, revocation) logs no code, token or password', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const s = (server = await startTestServer({}, { logger: { level: 'trace', stream } }));
    const secrets: string[] = [USER.password];
    const app = new PublicClientApplication({
      auth: { clientId: CLIENT_ID, authority: `${s.url}/contoso`, provider: 'generic' },
      system: { clock: s.clock },
    });
    const result = await app.acquireTokenByDeviceCode({
      scopes: ['openid', 'offline_access', 'api://demo/read'],
      onDeviceCode: async (info) => {
        secrets.push(info.userCode, info.userCode.replace('-', ''), String(info.raw['device_code']));
        await fetch(info.verificationUriComplete!); // the deep link carries the user code in its query
        // Code entry, sign-in with the password, Allow: the real pages, logged by buildApp's logger.
        const visit = await s.signInAndApprove(info.userCode);
        expect(visit.csrfTokens.length).toBeGreaterThanOrEqual(3); // code form, sign-in, consent
        expect(visit.cookieValues.length).toBeGreaterThanOrEqual(4); // each step's session cookie
        secrets.push(...visit.csrfTokens, ...visit.cookieValues);
      },
    });
    secrets.push(result.accessToken, result.idToken!, result.refreshToken!);
    await fetch(`${s.url}/api/me`, { headers: { authorization: `Bearer ${result.accessToken}` } });
    const refreshed = await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: result.refreshToken!,
    });
    secrets.push(String(refreshed.body['refresh_token']), String(refreshed.body['access_token']));
    await postForm(`${s.url}/contoso/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: result.refreshToken!,
    });
    await fetch(`${s.url}/contoso/oidc/userinfo`, { headers: { authorization: `Bearer ${result.accessToken}` } });
    const revocation = await fetch(`${s.url}/contoso/oauth2/v2.0/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: String(refreshed.body['refresh_token']), client_id: CLIENT_ID }),
    });
    expect(revocation.status).toBe(200);
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(8);
    expect(log).toContain('/contoso/oauth2/v2.0/token');
    expect(log).toContain('refresh token grant revoked');
    expect(log).toContain('"path":"/device/signin"');
    expect(log).toContain('"path":"/device/consent"');
    assertNoSecretsIn(log, secrets);
    expect(log).not.toMatch(/user_code|password|cookie|csrf/i);
  });
});
