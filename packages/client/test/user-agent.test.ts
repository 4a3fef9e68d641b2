import { describe, expect, it } from 'vitest';
import { fakeClock } from '@devicelogin/test-utils';
import { ConfigurationError, PublicClientApplication } from '@devicelogin/client';
import { tokenReply, useFakeProvider } from './support/fake-provider.js';

const start = useFakeProvider();

// The provider sees who is asking: a devicelogin server shows the requesting device's agent on
// its consent page (against device-code phishing), so it must name the tool, not "node".
describe('User-Agent', () => {
  it('names the library and runtime, with the application first when it gives its product token', async () => {
    const provider = await start({ token: () => tokenReply() });
    const plain = new PublicClientApplication({
      auth: { clientId: 'c', authority: provider.url, provider: 'generic' },
      system: { clock: fakeClock() },
    });
    await plain.startDeviceCode({ scopes: ['x'] });
    const named = new PublicClientApplication({
      auth: { clientId: 'c', authority: provider.url, provider: 'generic' },
      system: { clock: fakeClock(), userAgent: 'my-tool/1.2' },
    });
    await named.startDeviceCode({ scopes: ['x'] });
    const [first, second] = provider.deviceCalls.map((call) => call.headers['user-agent']);
    const library = `devicelogin-client/0.1.0 node/${process.version} (${process.platform} ${process.arch})`;
    expect(first).toBe(library);
    expect(second).toBe(`my-tool/1.2 ${library}`);
  });

  it.each(['', ' padded', 'line\nbreak', 'é', 'x'.repeat(101)])('refuses the product token %j', (userAgent) => {
    expect(
      () =>
        new PublicClientApplication({
          auth: { clientId: 'c', authority: 'https://login.example', provider: 'generic' },
          system: { userAgent },
        }),
    ).toThrow(ConfigurationError);
  });
});
