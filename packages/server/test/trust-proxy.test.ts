/**
 * `trustProxy`: which address a request is attributed to. The test process speaks to the server
 * from 127.0.0.1, playing the reverse proxy; `X-Forwarded-For` carries the client address a proxy
 * would add. Without `trustProxy` the header is ignored (everyone is the proxy); with the proxy
 * listed, the client is the right-most address of the header that is not a trusted proxy, so a
 * client prepending its own entries to the header gains nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userCodeHash } from '../src/crypto.js';
import { VERIFICATION_LIMITS } from '../src/verification/limits.js';
import { PATHS } from '../src/verification/paths.js';
import { BrowserSession } from './support/browser-session.js';
import { decide, reachConsent } from './support/page-steps.js';
import { CLIENT_ID, USER, postForm, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Requests a device code with the given X-Forwarded-For; returns the user code and the stored `requestIp`. */
async function requestCode(
  s: TestServer,
  forwardedFor: string | undefined,
): Promise<{ userCode: string; requestIp: string }> {
  const issued = await postForm(
    `${s.url}/contoso/oauth2/v2.0/devicecode`,
    { client_id: CLIENT_ID, scope: 'openid offline_access' },
    forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  );
  expect(issued.status).toBe(200);
  const userCode = String(issued.body['user_code']);
  const record = await s.context.store.findDeviceCodeByUserCode(userCodeHash(userCode));
  if (record === undefined) throw new Error('the code was not stored');
  return { userCode, requestIp: record.requestIp };
}

/** One wrong code entered from `browser`: the entry form, then the post. */
async function wrongGuess(browser: BrowserSession): Promise<number> {
  const form = await browser.get(PATHS.codeEntry);
  return (await browser.post(PATHS.codeEntry, { csrf: form.csrf ?? '', user_code: 'ZZZZ-ZZZZ' })).status;
}

describe('trustProxy', () => {
  it('off (default): X-Forwarded-For is ignored, the code is recorded with the socket address', async () => {
    const s = (server = await startTestServer());
    expect((await requestCode(s, '203.0.113.9')).requestIp).toBe('127.0.0.1');
  });

  it('with the proxy trusted: the client address from X-Forwarded-For is recorded', async () => {
    const s = (server = await startTestServer({ trustProxy: ['127.0.0.1'] }));
    expect((await requestCode(s, '203.0.113.9')).requestIp).toBe('203.0.113.9');
    // A request without the header (a client on the proxy's host) is the socket's.
    expect((await requestCode(s, undefined)).requestIp).toBe('127.0.0.1');
  });

  it('a spoofed chain: the right-most untrusted address wins, not what the client prepended', async () => {
    const s = (server = await startTestServer({ trustProxy: ['127.0.0.1'] }));
    // The client sent "X-Forwarded-For: 198.51.100.1"; the proxy appended the address it saw.
    expect((await requestCode(s, '198.51.100.1, 203.0.113.9')).requestIp).toBe('203.0.113.9');
  });

  it('CIDR ranges: every trusted hop is skipped, from the right', async () => {
    const s = (server = await startTestServer({ trustProxy: ['127.0.0.0/8', '10.0.0.0/8'] }));
    // client 203.0.113.9 → edge proxy 10.1.2.3 → inner proxy (this process, 127.0.0.1).
    expect((await requestCode(s, '198.51.100.1, 203.0.113.9, 10.1.2.3')).requestIp).toBe('203.0.113.9');
  });

  it('the consent page and the approval record show the addresses behind the proxy', async () => {
    const s = (server = await startTestServer({ trustProxy: ['127.0.0.1'] }));
    const { userCode } = await requestCode(s, '203.0.113.9');
    const browser = new BrowserSession(s.url, { ip: '198.51.100.20' });
    const consent = await reachConsent(browser, userCode, USER);
    expect(consent.html).toContain('203.0.113.9');
    expect(consent.html).toContain('198.51.100.20');
    expect(consent.html).not.toContain('127.0.0.1');
    await decide(browser, consent, 'allow');
    const [approval] = await s.context.store.listApprovals({ limit: 10 });
    expect(approval).toMatchObject({ requestIp: '203.0.113.9', approveIp: '198.51.100.20' });
  });

  it('per-IP guessing budgets count each client behind the proxy, not the proxy for everyone', async () => {
    const perIp = VERIFICATION_LIMITS.codeEntryPerIp.max;
    const exhaust = async (s: TestServer, ip: string): Promise<void> => {
      const attacker = new BrowserSession(s.url, { ip });
      for (let i = 0; i < perIp; i += 1) expect(await wrongGuess(attacker)).toBe(400);
      expect(await wrongGuess(attacker)).toBe(429);
    };

    const trusted = (server = await startTestServer({ trustProxy: ['127.0.0.1'] }));
    await exhaust(trusted, '192.0.2.66');
    expect(await wrongGuess(new BrowserSession(trusted.url, { ip: '198.51.100.10' }))).toBe(400);
    await trusted.close();

    // Without trustProxy both are the proxy's address: the attacker's failures lock out the user.
    const untrusted = (server = await startTestServer());
    await exhaust(untrusted, '192.0.2.66');
    expect(await wrongGuess(new BrowserSession(untrusted.url, { ip: '198.51.100.10' }))).toBe(429);
  });
});
