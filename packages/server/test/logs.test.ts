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
  it('a whole flow (deep link, sign-in, refresh, replay, API call) logs no code, token or password', async () => {
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
        await s.approve(info.userCode);
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
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(8);
    expect(log).toContain('/contoso/oauth2/v2.0/token');
    assertNoSecretsIn(log, secrets);
  });
});
