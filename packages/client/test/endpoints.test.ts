import { describe, expect, it } from 'vitest';
import { fakeClock } from '@devicelogin/test-utils';
import { ConfigurationError, PublicClientApplication } from '@devicelogin/client';
import { tokenReply, useFakeProvider } from './support/fake-provider.js';

const start = useFakeProvider();

/** Routes https://login.example.test to the fake, so the authority is https while the fake is http. */
function routedFetch(target: string): (input: string, init: RequestInit) => Promise<Response> {
  return (input, init) => fetch(input.replace('https://login.example.test', target), init);
}

describe('endpoint resolution', () => {
  it('refuses a discovery document that downgrades an https authority to http endpoints', async () => {
    const provider = await start({
      token: () => tokenReply(),
      metadata: { issuer: 'https://login.example.test' },
    });
    const app = new PublicClientApplication({
      auth: { clientId: 'c', authority: 'https://login.example.test', provider: 'generic' },
      system: { clock: fakeClock(), fetch: routedFetch(provider.url) },
    });
    const error = await app.startDeviceCode({ scopes: ['x'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('endpoints.deviceAuthorization');
    expect(provider.deviceCalls).toHaveLength(0);
  });

  it('checks Entra id_token issuers against the cloud network host for alias authorities', async () => {
    const clock = fakeClock();
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const provider = await start({
      paths: {
        device: `/${tenant}/oauth2/v2.0/devicecode`,
        token: `/${tenant}/oauth2/v2.0/token`,
        jwks: `/${tenant}/discovery/v2.0/keys`,
      },
      token: async (_call, p) =>
        tokenReply({
          id_token: await p.idToken(
            { iss: `https://login.microsoftonline.com/${tenant}/v2.0`, aud: 'c', tid: tenant, sub: 's', oid: 'o' },
            clock.now() / 1000,
          ),
        }),
    });
    const app = new PublicClientApplication({
      auth: { clientId: 'c', authority: `https://login.windows.net/${tenant}` },
      system: { clock, fetch: (input, init) => fetch(input.replace('https://login.windows.net', provider.url), init) },
    });
    const result = await app.acquireTokenByDeviceCode({ scopes: ['User.Read'], onDeviceCode: () => undefined });
    expect(result.idTokenClaims?.['iss']).toBe(`https://login.microsoftonline.com/${tenant}/v2.0`);
    // MSAL files the public cloud under login.windows.net: so do we
    expect(result.account?.environment).toBe('login.windows.net');
  });
});
