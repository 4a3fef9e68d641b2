import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock, startProxy, type TestProxy } from '@devicelogin/test-utils';
import { NetworkError, type PublicClientApplication } from '@devicelogin/client';
import { genericApp, tokenReply, useFakeProvider, type FakeProvider } from './support/fake-provider.js';

let proxy: TestProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});
// registered last, so the providers close before the proxy
const start = useFakeProvider();

/** A client of the fake that reads its proxy settings from `env`. */
function client(p: FakeProvider, env: Record<string, string>): PublicClientApplication {
  return genericApp(p, 'c', fakeClock(), { system: { env } });
}

describe('proxies from the environment', () => {
  it('sends discovery, device and token requests through HTTPS_PROXY/HTTP_PROXY', async () => {
    const provider = await start({ token: () => tokenReply() });
    proxy = await startProxy();
    const result = await client(provider, { HTTP_PROXY: proxy.url }).acquireTokenByDeviceCode({
      scopes: ['x'],
      onDeviceCode: () => undefined,
    });
    expect(result.accessToken).toBe('ACCESS-TOKEN-secret-value-1234');
    const target = new URL(provider.url).host;
    // discovery + device + token, each through the proxy (tunnels or absolute-form requests)
    expect(proxy.seen.length).toBeGreaterThanOrEqual(1);
    expect(proxy.seen.every((entry) => entry.includes(target))).toBe(true);
    expect(provider.tokenCalls).toHaveLength(1);
  });

  it('bypasses the proxy for hosts in NO_PROXY', async () => {
    const provider = await start({ token: () => tokenReply() });
    proxy = await startProxy();
    await client(provider, {
      https_proxy: proxy.url,
      http_proxy: proxy.url,
      no_proxy: '127.0.0.1',
    }).acquireTokenByDeviceCode({
      scopes: ['x'],
      onDeviceCode: () => undefined,
    });
    expect(proxy.seen).toEqual([]);
  });

  it('a dead proxy is a NetworkError naming the endpoint, not a hang', async () => {
    const provider = await start({ token: () => tokenReply() });
    proxy = await startProxy();
    const deadUrl = proxy.url;
    await proxy.close();
    proxy = undefined;
    const error = await client(provider, { HTTP_PROXY: deadUrl })
      .startDeviceCode({ scopes: ['x'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).endpoint).toBe(`${provider.url}/.well-known/openid-configuration`);
  });
});
