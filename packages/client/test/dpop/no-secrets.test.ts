import { afterEach, describe, expect, it } from 'vitest';
import {
  assertNoSecretsIn,
  describeErrorFully,
  fakeClock,
  sendJson,
  startServer,
  type TestServer,
} from '@devicelogin/test-utils';
import { DpopNonceError, type LogLevel } from '@devicelogin/client';
import { errorReply, genericApp, signIn, tokenReply, useFakeProvider } from '../support/fake-provider.js';
import { cacheDocument } from '../support/dpop.js';

// Never a token, a proof or a private key in the log or in an error, through a whole DPoP life:
// sign-in with a nonce retry, refresh, resource calls with a nonce challenge, then a failure.

const CLIENT_ID = 'client-dpop-secrets';
const start = useFakeProvider();
let api: TestServer | undefined;
afterEach(() => api?.close());

describe('DPoP: no secret in log lines or errors', () => {
  it('tokens, proofs and the private key never reach the logger or an error', async () => {
    const clock = fakeClock();
    const proofs: string[] = [];
    let nonces = 0;
    const p = await start({
      clock,
      token: async (call, provider) => {
        proofs.push(String(call.headers['dpop']));
        if (call.attempt === 1 || call.attempt >= 4) {
          return { ...errorReply('use_dpop_nonce'), headers: { 'DPoP-Nonce': `token-nonce-${(nonces += 1)}` } };
        }
        return tokenReply({
          token_type: 'DPoP',
          access_token: `AT-${call.attempt}-secret-access-token`,
          refresh_token: `RT-${call.attempt}-secret-refresh-token`,
          id_token: await provider.idToken({ sub: 'user-1', aud: CLIENT_ID }, clock.now() / 1000),
        });
      },
    });
    let apiCalls = 0;
    api = await startServer((request, response) => {
      proofs.push(String(request.headers['dpop']));
      if ((apiCalls += 1) === 1) {
        sendJson(response, 401, {}, { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'api-nonce' });
      } else sendJson(response, 200, { ok: true });
    });
    const lines: string[] = [];
    const app = genericApp(p, CLIENT_ID, clock, {
      auth: { dpop: true },
      system: { logger: (level: LogLevel, message: string) => lines.push(`${level} ${message}`) },
    });

    const signedIn = await signIn(app); // poll, use_dpop_nonce, retry: tokens 2
    const refreshed = await app.acquireTokenSilent({ account: signedIn.account!, scopes: ['x'], forceRefresh: true }); // 3
    const response = await app.fetchResource({ token: refreshed, url: `${api.url}/me` });
    expect(response.status).toBe(200);
    const error = await app
      .acquireTokenSilent({ account: signedIn.account!, scopes: ['x'], forceRefresh: true }) // 4, 5: twice
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DpopNonceError);

    const privateJwk = Object.values(cacheDocument(app.getTokenCache().serialize()).Account)[0]![
      'dpop_private_jwk'
    ] as {
      d: string;
    };
    const secrets = [
      signedIn.accessToken,
      signedIn.refreshToken!,
      refreshed.accessToken,
      privateJwk.d,
      ...proofs.filter((proof) => proof !== 'undefined'),
    ];
    expect(proofs.length).toBeGreaterThanOrEqual(7);
    expect(lines.some((line) => line.includes('DPoP nonce'))).toBe(true);
    assertNoSecretsIn(lines.join('\n'), secrets);
    assertNoSecretsIn(describeErrorFully(error), secrets);
  });
});
