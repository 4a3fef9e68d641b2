/**
 * Our client long-polling our server (real HTTP on 127.0.0.1): the tokens arrive right after
 * the approval through the pages, without the client sleeping an interval; cancelling frees the
 * server's waiter at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, PublicClientApplication, type DeviceCodeInfo } from '@devicelogin/client';
import { eventually, fakeClock, manualClock } from '@devicelogin/test-utils';
import { CLIENT_ID, USER, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(s: TestServer, clock: ReturnType<typeof fakeClock>): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId: CLIENT_ID, authority: `${s.url}/contoso`, provider: 'generic' },
    system: { clock },
  });
}

describe('our client long-polls our server', () => {
  it('gets the tokens right after the approval through the pages, without sleeping an interval', async () => {
    const held = manualClock(Date.now());
    const s = (server = await startTestServer({}, { clock: held }));
    const clock = fakeClock(s.clock.now()); // the id_token's times are the server's
    let info: DeviceCodeInfo | undefined;
    const result = client(s, clock).acquireTokenByDeviceCode({
      scopes: ['openid', 'profile', 'offline_access'],
      onDeviceCode: (shown) => void (info = shown),
    });
    await eventually(() => s.context.events.waiting === 1);
    await s.signInAndApprove(info!.userCode);
    expect((await result).account).toMatchObject({ username: USER.username });
    expect(clock.sleeps).toEqual([]);
    expect(held.pending).toBe(0); // the server's 20 s timer was released, not run out
  });

  it('cancelling during a held request ends it at once, and the server lets go of the waiter', async () => {
    const s = (server = await startTestServer({}, { clock: manualClock(Date.now()) }));
    const controller = new AbortController();
    const result = client(s, fakeClock(s.clock.now())).acquireTokenByDeviceCode({
      scopes: ['openid'],
      onDeviceCode: () => undefined,
      signal: controller.signal,
    });
    result.catch(() => undefined);
    await eventually(() => s.context.events.waiting === 1);
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(CancelledError);
    await eventually(() => s.context.events.waiting === 0);
  });
});
